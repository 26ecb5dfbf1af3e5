#!/usr/bin/env python3
"""Build the course's decks: `python build.py --help` lists the options (livedeck/cli/command.py; livedeck/cli/start.py starts it)."""
from livedeck.cli.start import main

if __name__ == "__main__":
    main()
