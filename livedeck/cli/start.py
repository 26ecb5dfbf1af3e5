"""Where the `livedeck` command (and build.py) starts: before anything else loads, so that a Ctrl-C,
SIGTERM or SIGHUP that comes while Python is still importing the build (seconds, on a slow machine) stops it
as quietly as one that comes later (exit status 130, no traceback)."""
import importlib.util
import os
import signal
import sys


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)  # its terminal closed: stop as cleanly as on Ctrl-C
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]  # found, not imported: fast
    if missing:
        sys.stderr.write(wrong_python(missing) + "\n")
        sys.exit(2)
    if sys.argv[1:2] == ["new"]:  # `livedeck new PATH`: a course to start from (no build)
        from livedeck.cli.new import run_new

        run_new()
        return
    try:
        from livedeck.cli.command import run
    except KeyboardInterrupt:  # nothing was built yet, so nothing is left to clean up
        os._exit(130)
    run()


# What a build imports (the modules of pyproject.toml's dependencies that every build needs): a Python without
# one of them is the wrong Python, said before anything runs rather than as a traceback halfway through
NEEDED = ("click", "jinja2", "jupytext", "nbformat", "IPython", "markdown_it", "mdit_py_plugins", "pygments",
          "yaml", "unicodeit", "pptx", "matplotlib", "numpy", "PIL", "torch")


def wrong_python(missing: list[str]) -> str:
    """One line for a build started by a Python without livedeck's dependencies (`python build.py` with the
    system's Python): which Python, what it lacks, and the command that has them."""
    return (f"livedeck: error: {sys.executable} cannot build the course: it lacks {', '.join(missing)}. "
            "Use the Python livedeck was installed into: .venv/bin/livedeck (run `make deck` once first), "
            "or `pip install .` into this one")
