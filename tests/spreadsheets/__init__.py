"""Tests of spreadsheets read and written, by a second library where one is installed."""
