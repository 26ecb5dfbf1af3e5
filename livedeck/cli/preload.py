"""Imported once by the fork server, so every lesson process starts with this work done
(torch too, imported just before this when the lessons use it: workers.start_server).

What running a lesson and writing its decks imports or warms up on first use is done here, once,
instead of once per lesson in every forked worker.
"""
import atexit
import gc
import io
import os
import signal
import sys
import warnings

os.environ.setdefault("MPLBACKEND", "agg")

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt

import livedeck.build.lesson
import livedeck.build.pipeline
import livedeck.build.workers
import livedeck.cli.command
import livedeck.cli.start
import livedeck.model.structure
import livedeck.run.execute
import livedeck.writers.html.render
import livedeck.writers.pptx.draw
from livedeck.build import lineage


def _warm_up() -> None:
    import IPython.display  # noqa: F401  (display() and the display objects lessons use)
    from pygments.lexers import get_lexer_by_name

    from livedeck.layout import measure
    from livedeck.layout.richtext import markdown_paragraphs
    from livedeck.run import rich

    rich._formatter()  # IPython's display formatter, which every cell's value goes through
    get_lexer_by_name("python")
    markdown_paragraphs("**warm** $x^2$")
    measure.width("warm", 12) + measure.width("warm", 12, mono=True)
    fig = plt.figure()
    fig.gca().plot([0, 1])
    for fmt in ("svg", "png"):
        fig.savefig(io.BytesIO(), format=fmt)
    plt.close(fig)


def _end_with_the_build() -> None:
    """The fork server ends when its build does (it reads the end of a pipe from it; a closed terminal's
    SIGHUP and a SIGTERM end it the same way) and takes every lesson process along: build/lineage.py."""
    server = os.getpid()

    def sweep() -> None:
        if os.getpid() == server:  # not in a lesson process forked from here, which inherits this hook
            lineage.end_descendants()

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    lineage.adopt_orphans()
    atexit.register(sweep)
    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, stop)
    # An orphan adopted here and reaped by the server's SIGCHLD handler is expected, not a warning to print.
    warnings.filterwarnings("ignore", message="forkserver: waitpid returned unexpected pid")


_warm_up()
# Everything imported so far lives as long as the server: frozen, a lesson's collections never walk it (nor
# copy its memory page by page, as writing each object's collector header would). The collector was paused
# for the imports (livedeck.cli.preload_first); lessons run with it on.
gc.freeze()
gc.enable()
# Only the fork server imports this module; its workers catch their own exceptions (workers._child).
sys.excepthook = livedeck.build.workers.quiet_when_the_build_vanished
_end_with_the_build()
