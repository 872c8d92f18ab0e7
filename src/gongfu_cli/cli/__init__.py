"""The command line: options declared once, one module per family of commands."""
