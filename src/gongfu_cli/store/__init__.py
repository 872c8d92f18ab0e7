"""Where data lives: paths, reading and checking files into a `Dataset`, line numbers, the
schema, the cache, `check`, and the one careful way to write a file."""
