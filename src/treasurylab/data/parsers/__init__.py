"""One parser module per official file *format version*; each is a pure ``parse(paths) -> DataFrame``."""
