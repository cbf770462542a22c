class GanforgeError(Exception):
    """A user mistake or bad input: the CLI prints it as one line, without a traceback."""
