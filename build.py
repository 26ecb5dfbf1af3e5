#!/usr/bin/env python3
"""Build the course's decks: `python build.py --help` lists the options (livedeck/cli.py)."""
from livedeck.cli import run

if __name__ == "__main__":
    run()
