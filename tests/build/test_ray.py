"""Lessons on a Ray cluster (build/ray_cluster.py): a real local Ray cluster, started by these tests and stopped
after them, with the course shipped to it; the decks that come back are the local build's, byte for byte."""
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import ray

from livedeck.build.machine import Capacity
from livedeck.build.plan import LessonJob
from livedeck.build.ray_cluster import submit_lesson
from livedeck.read.lesson import Lesson
from livedeck.settings.options import BuildOptions
from livedeck.settings.requirements import Requirements
from support.builds import ROOT, build_here, ctrl_c_heard, run_build, write_lesson

PLAIN = """\
    # %% [markdown]
    # # Plain
    # %%
    print("six times seven:", 6 * 7)
"""
GPU = """\
    # %% [markdown]
    # ---
    # requires: {gpu: 1}
    # ---
    # # Trained on a GPU
    # %%
    import os
    print("GPUs Ray gave this lesson:", os.environ.get("CUDA_VISIBLE_DEVICES"))
"""
KILLED = """\
    # %% [markdown]
    # # Killed mid-lesson
    # %%
    print("started")
    # %%
    import os, signal
    os.kill(os.getpid(), signal.SIGKILL)
"""


RAISES = """\
    # %% [markdown]
    # # Raises
    # %%
    from _shapes import second
    # %%
    second([1])
"""
HELPER = """\
    def second(values):
        return values[1]
"""


def _course(folder: Path) -> Path:
    for name, body in (("01_plain.py", PLAIN), ("02_gpu.py", GPU), ("03_killed.py", KILLED),
                       ("04_two_gpus.py", GPU.replace("gpu: 1", "gpu: 2")), ("05_raises.py", RAISES),
                       ("_shapes.py", HELPER)):
        write_lesson(folder / "slides", name, body)
    return folder


def test_a_lesson_no_node_can_hold_is_refused_before_it_is_sent() -> None:
    """Ray would leave it pending for ever: a cluster without a GPU refuses a GPU lesson, by name, listing
    what its nodes have (its real counterpart, on the cluster below: a lesson asking for two GPUs)."""
    lesson = Lesson("trained", Path("slides/02_trained.py"), (), {"requires": Requirements(gpu=1)})
    job = LessonJob(lesson, BuildOptions(), "key")
    refused = submit_lesson(None, job, BuildOptions(), [Capacity(gpus=0, cpus=8, memory_gb=30)])
    assert refused == ("slides/02_trained.py: needs 1 GPU (its `requires:`), and no node of the Ray cluster "
                       "has that (no GPUs, 8 CPU cores, 30.0 GB of memory)")


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A local Ray cluster that declares a GPU (Ray schedules by what nodes declare), stopped after the tests."""
    ray.init(num_cpus=2, num_gpus=1, include_dashboard=False, log_to_driver=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def test_the_course_built_on_ray_is_the_local_build_byte_for_byte(cluster: str, course: Path, tmp_path: Path) -> None:
    """Also the test that the same code gives the same figures and decks, PowerPoint's zip dates and ids
    included, from a build elsewhere without the first one's cache: Ray's worker processes have other
    hash seeds than the course build's lesson workers. Two lessons, in two tasks at once: between them,
    figures, tables, formulas, a morph and every kind of step (each Ray task costs a worker and a torch import)."""
    built = ("derivatives", "custom_backward")
    result = run_build("--executor", "ray", "--ray-address", cluster, "--slides", str(ROOT / "slides"),
                       *(arg for name in built for arg in ("-l", name)),
                       "-f", "html", "-f", "pptx", "-f", "json", "-f", "ipynb", "--out", str(tmp_path / "dist"),
                       "--figures", str(tmp_path / "figures"), "--cache", str(tmp_path / "cache"), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": ran in") == len(built)
    for name in built:
        for suffix in (".html", ".pptx", ".json", ".ipynb"):
            deck = f"{name}{suffix}"
            assert (tmp_path / "dist" / deck).read_bytes() == (course / "dist" / deck).read_bytes(), deck
        for figure in (course / "figures" / name).iterdir():
            assert (tmp_path / "figures" / name / figure.name).read_bytes() == figure.read_bytes(), figure


def test_a_gpu_lesson_runs_where_a_node_has_one_and_a_killed_worker_fails_its_lesson_alone(
        cluster: str, tmp_path: Path) -> None:
    project = _course(tmp_path)
    started = time.perf_counter()
    result = run_build("--executor", "ray", "--ray-address", cluster, "-f", "json", cwd=project, timeout=120)
    assert result.returncode == 1
    assert "✓ plain: ran in" in result.stdout and "✓ gpu: ran in" in result.stdout
    assert "GPUs Ray gave this lesson: 0" in (project / "dist" / "gpu.json").read_text()
    assert "✗ slides/03_killed.py: its Ray worker died mid-lesson (killed, or out of memory)" in result.stderr
    assert not (project / "dist" / "killed.json").exists()
    assert ("✗ slides/04_two_gpus.py: needs 2 GPUs (its `requires:`), and no node of the Ray cluster has that "
            "(1 GPU, 2 CPU cores, ") in result.stderr
    assert time.perf_counter() - started < 90  # at once: never left pending for GPUs that will not come
    # a lesson's error reads as it does locally: its file, line and traceback (a helper of the course raised it)
    here = build_here("-l", "raises", "-f", "json", "--out", "local", cwd=project)
    assert _failure(result.stderr, "05_raises.py") == _failure(here.stderr, "05_raises.py")
    assert 'slides/05_raises.py:6: IndexError: list index out of range' in _failure(here.stderr, "05_raises.py")
    assert 'File "slides/05_raises.py", line 6, in <module>' in _failure(here.stderr, "05_raises.py")


def _failure(stderr: str, lesson: str) -> str:
    """The lines a build printed of the lesson's failure."""
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"✗ slides/{lesson}"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("✗")), len(lines))
    return "\n".join(lines[start:end])


def _lesson_tasks() -> list[str]:
    """The pids of Ray worker processes running a livedeck lesson (Ray names them ray::livedeck:NAME)."""
    found = subprocess.run(["pgrep", "-f", "^ray::livedeck:"], capture_output=True, text=True).stdout
    return found.split()


def test_ctrl_c_cancels_the_lessons_still_running_on_the_cluster(cluster: str, tmp_path: Path) -> None:
    for n in (1, 2):
        write_lesson(tmp_path / "slides", f"0{n}_slow{n}.py", f"""
            # %% [markdown]
            # # Slow {n}
            # %%
            import time
            time.sleep(120)
        """)
    build = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--executor", "ray", "--ray-address", cluster,
                              "-f", "json"], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             preexec_fn=ctrl_c_heard, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(_lesson_tasks()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(_lesson_tasks()) == 2, "the two lessons never started on the cluster"
    build.send_signal(signal.SIGINT)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 130 and "interrupted" in stderr, stderr
    deadline = time.monotonic() + 20
    while _lesson_tasks() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _lesson_tasks() == []  # cancelled, not left to sleep out their two minutes
