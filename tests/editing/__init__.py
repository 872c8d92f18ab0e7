"""Tests of changing readings: what people type, record, delete and import."""
