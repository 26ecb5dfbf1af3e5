"""The worker pool: one process a lesson, at most as many at once as asked, a crash or a hang that lesson's
failure alone, and whatever a lesson started ended with it."""
from __future__ import annotations

import signal
import time
from pathlib import Path

from livedeck.base.files import process_alive
from livedeck.build.reports import State
from livedeck.build.workers import Job, crash_message, run_all, start_server
from support import jobs


def test_one_result_a_job_and_never_more_at_once_than_asked(tmp_path: Path) -> None:
    start_server(torch=False)
    results = list(run_all([Job(f"j{i}", Path(f"j{i}.py"), str(tmp_path / f"j{i}")) for i in range(5)], jobs.timed,
                           workers=2))
    assert sorted(r.name for r in results) == [f"j{i}" for i in range(5)] and {r.state for r in results} == {State.RAN}
    spans = [tuple(map(float, (tmp_path / f"j{i}").read_text().split())) for i in range(5)]
    busiest = max(sum(start <= moment < end for start, end in spans) for moment, _ in spans)
    assert busiest <= 2


def test_a_crash_or_a_hang_is_that_jobs_failure_and_the_others_finish() -> None:
    start_server(torch=False)
    started = time.monotonic()
    outcomes = {o.name: o for o in run_all([Job("exits", Path("exits.py"), "exit"), Job("fine", Path("fine.py"), None)],
                                           jobs.exits, workers=2)}
    assert outcomes["exits"].message == "exits.py: the lesson crashed its interpreter: it exited with status 3 before finishing"
    assert outcomes["exits"].state == State.FAILED and outcomes["fine"].state == State.RAN
    hung = list(run_all([Job("hangs", Path("hangs.py"), None, hard_limit=1)], jobs.hangs, workers=1))
    assert hung[0].message == "hangs.py: stopped after 1 s without finishing" and time.monotonic() - started < 20


def test_a_job_stopped_at_the_hard_limit_is_named_with_what_it_was_doing() -> None:
    """A build stopped after its time names what was running: the lesson's code, or livedeck's layout after it
    (a layout that never ended blamed the lesson)."""
    start_server(torch=False)
    [hung] = run_all([Job("lays", Path("lays.py"), None, hard_limit=1)], jobs.hangs_in_layout, workers=1)
    assert hung.message == "lays.py: stopped after 1 s without finishing while laying out its decks"


def test_a_lesson_runs_with_the_collector_on_and_the_servers_imports_frozen(tmp_path: Path) -> None:
    """The fork server imports with the collector paused, then freezes what it imported: a lesson collects its
    own garbage as in any Python, and its collections never walk torch's and livedeck's objects."""
    start_server(torch=False)
    [outcome] = run_all([Job("gc", Path("gc.py"), str(tmp_path / "gc"))], jobs.collector, workers=1)
    assert outcome.state == State.RAN
    enabled, frozen = (tmp_path / "gc").read_text().split()
    assert enabled == "True" and int(frozen) > 100_000  # matplotlib and livedeck's modules, at least


def test_what_a_lesson_started_ends_with_it(tmp_path: Path) -> None:
    start_server(torch=False)
    [outcome] = run_all([Job("child", Path("child.py"), str(tmp_path / "pid"))], jobs.leaves_a_child, workers=1)
    assert outcome.state == State.RAN
    pid = int((tmp_path / "pid").read_text())
    deadline = time.monotonic() + 5
    while process_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(pid)


def test_crash_messages_name_the_signal() -> None:
    killed = crash_message(Path("a.py"), -signal.SIGKILL)
    assert killed == "a.py: the lesson crashed its interpreter: killed by SIGKILL (out of memory?)"
    assert crash_message(Path("a.py"), -signal.SIGSEGV).endswith("killed by SIGSEGV")
