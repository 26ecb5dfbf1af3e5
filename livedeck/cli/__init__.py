"""The command line: `livedeck` and `python build.py`, and --watch."""
