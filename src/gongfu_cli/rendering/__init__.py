"""Turning rows and views into bytes: the format registry, the serializers, terminal tables,
pictures, charts, the report, the Word 通报, PNG and PDF."""
