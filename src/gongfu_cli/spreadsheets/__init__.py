"""Spreadsheets in (`.xlsx`, CSV, TSV as Excel and WPS save them) and out (typed `.xlsx`)."""
