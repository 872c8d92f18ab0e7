"""Changing readings: parsing what people type, `record`, `import`, TOML text edits, and the
one write path every change goes through."""
