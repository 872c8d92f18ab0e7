"""The programme's domain: the records, the data format's fields, the metrics and the
rules of the follow-up, pure functions of a `Dataset` and a date."""
