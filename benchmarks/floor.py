"""The floor the benchmark measures gongfu against: parse the file with tomllib and write one
CSV row per indicator with the csv module, nothing else."""

import csv
import sys
import tomllib

with open(sys.argv[1], "rb") as handle:
    doc = tomllib.load(handle)
writer = csv.writer(sys.stdout)
for bus in doc.get("buses", []):
    for indicator in bus.get("indicators", []):
        writer.writerow(
            [
                bus.get("id"),
                bus.get("name"),
                indicator.get("id"),
                indicator.get("name"),
                indicator.get("target"),
            ]
        )
