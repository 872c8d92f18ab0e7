"""Tests of the outputs: every format, terminal tables, pictures and charts in a real browser,
the report and the 通报."""
