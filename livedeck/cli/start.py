"""Where the `livedeck` command (and build.py) starts: before anything else loads, so that a Ctrl-C,
SIGTERM or SIGHUP that comes while Python is still importing the build (seconds, on a slow machine) stops it
as quietly as one that comes later (exit status 130, no traceback)."""
import os
import signal


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)  # its terminal closed: stop as cleanly as on Ctrl-C
    try:
        from livedeck.cli.command import run
    except KeyboardInterrupt:  # nothing was built yet, so nothing is left to clean up
        os._exit(130)
    run()
