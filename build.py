#!/usr/bin/env python3
"""Build the course's decks: `python build.py --help` lists the options (livedeck/cli.py; livedeck/start.py starts it)."""
from livedeck.start import main

if __name__ == "__main__":
    main()
