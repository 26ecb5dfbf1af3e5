"""Lessons as Ray tasks (`--executor ray`): each lesson runs on a node of a Ray cluster with the CPUs, GPUs and
memory its `requires:` asks for, in a copy of the course folder that Ray ships to the node (`runtime_env`'s
working_dir: no shared file system), in a worker process of its own. What it showed comes back here, where
the cache, the frozen record, the layout and the writers take it as they take a local run.

A lesson no node of the cluster can hold fails at once, by name, rather than waiting for resources that
will never come; a worker killed mid-lesson fails that lesson alone; Ctrl-C cancels the tasks still running.
Ray is an optional extra: `pip install 'livedeck[ray]'`, on the build's machine and on every node.
"""
from __future__ import annotations

import logging
import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from livedeck.base.errors import EnvironmentProblem, UsageError
from livedeck.build.lesson import Ran, cell_timeout, run_code
from livedeck.build.machine import Capacity, unmet
from livedeck.build.plan import LessonJob
from livedeck.read.lesson import Lesson
from livedeck.settings.options import BuildOptions

# What Ray never ships to a node: the build's outputs and caches, environments and version control.
NOT_SHIPPED = [".git", ".venv", "venv", "node_modules", "__pycache__", ".livedeck-cache", "dist", "figures", "frozen"]


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise EnvironmentProblem("--executor ray needs Ray on this machine and the cluster's: "
                                 "pip install 'livedeck[ray]'") from None
    return ray


def _connect(ray: Any, options: BuildOptions) -> None:
    """Join the cluster at --ray-address (or RAY_ADDRESS), or start a local Ray instance when neither is set,
    with the course folder as every task's working directory."""
    address = options.ray_address or os.environ.get("RAY_ADDRESS", "")
    inside = [folder for folder in (options.dist, options.figures, options.cache) if folder.is_relative_to(options.project)]
    shipped = {"working_dir": str(options.project),
               "excludes": NOT_SHIPPED + ["/" + folder.relative_to(options.project).as_posix() for folder in inside]}
    logging.getLogger("ray").setLevel(logging.ERROR)  # Ray's own progress lines are not the lecturer's business
    ours = signal.getsignal(signal.SIGTERM)
    try:
        ray.init(address=address or None, runtime_env=shipped, logging_level=logging.ERROR, log_to_driver=False,
                 configure_logging=True, **({} if address else {"include_dashboard": False}))
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise UsageError(f"cannot join the Ray cluster at {address or '(a new local instance)'}: {exc}") from None
    finally:  # ray.init sets its own (an exit with status 15): SIGTERM stops a build as Ctrl-C does
        signal.signal(signal.SIGTERM, ours)


def _nodes(ray: Any) -> list[Capacity]:
    return [Capacity(int(node["Resources"].get("GPU", 0)), int(node["Resources"].get("CPU", 0)),
                     node["Resources"].get("memory", 0) / 1024**3) for node in ray.nodes() if node.get("Alive")]


def run_task(lesson: Lesson, options: BuildOptions, relative: str, style: bytes | None) -> Ran:
    """On a node, in the course folder Ray shipped: run the lesson as a local worker would. Paths come back
    relative to the course (the build puts them back under its own copy)."""
    course = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="livedeck-") as here:
        if style is not None:
            (Path(here) / "figure.mplstyle").write_bytes(style)
        local = replace(options, slides=course / options.slides.name, templates=Path(here),
                        dist=Path(here) / "dist", figures=Path(here) / "figures", cache=Path(here) / "cache")
        ran = run_code(replace(lesson, path=Path(relative)), local, course)
    return replace(ran, inputs={os.path.relpath(path, course): digest for path, digest in ran.inputs.items()})


def _failure(ray: Any, job: LessonJob, exc: BaseException, options: BuildOptions) -> Ran:
    shown = options.shown(job.lesson.path)
    if isinstance(exc, ray.exceptions.TaskCancelledError):
        return Ran(failure=f"{shown}: cancelled on the Ray cluster")
    if isinstance(exc, (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError,
                        ray.exceptions.OutOfMemoryError)):
        return Ran(failure=f"{shown}: its Ray worker died mid-lesson (killed, or out of memory): "
                           f"{str(exc).splitlines()[0]}")
    first = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
    return Ran(failure=f"{shown}: the Ray task failed: {first}")


def submit_lesson(ray: Any, job: LessonJob, options: BuildOptions, nodes: list[Capacity]) -> Any:
    """The lesson's task, with the resources it asks for; a message instead when no node can hold it."""
    needs = job.lesson.requires
    if not any(not unmet(needs, node) for node in nodes):
        return (f"{options.shown(job.lesson.path)}: needs {needs.describe()} (its `requires:`), and no node of the "
                f"Ray cluster has that ({'; '.join(node.describe() for node in nodes) or 'no node alive'})")
    relative = job.lesson.path.resolve().relative_to(options.project).as_posix()
    style = options.style.read_bytes() if options.style is not None else None
    resources: dict[str, Any] = {"num_cpus": needs.cpus or 1, "num_gpus": needs.gpu}
    if needs.memory_gb:
        resources["memory"] = int(needs.memory_gb * 1024**3)
    task = ray.remote(max_calls=1, max_retries=0)(run_task)  # a fresh process per lesson, never run twice
    return task.options(**resources, name=f"livedeck:{job.lesson.name}").remote(job.lesson, options, relative, style)


def run_on_ray(runs: list[LessonJob], options: BuildOptions,
               hard_limit: Callable[[float], float]) -> Iterator[tuple[LessonJob, Ran, float]]:
    """Each lesson's run as it comes back from the cluster: (its job, what it gave, when it was sent)."""
    ray = _ray()
    _connect(ray, options)
    pending: dict[Any, tuple[LessonJob, float]] = {}
    try:
        nodes = _nodes(ray)
        # No more lessons sent than the cluster runs at once, so that a lesson's time limit counts its run,
        # not its wait in Ray's queue
        at_once, waiting = options.jobs or max(1, sum(node.cpus for node in nodes)), list(runs)
        while waiting or pending:
            while waiting and len(pending) < at_once:
                job = waiting.pop(0)
                submitted = submit_lesson(ray, job, options, nodes)
                if isinstance(submitted, str):
                    yield job, Ran(failure=submitted), time.perf_counter()
                else:
                    pending[submitted] = (job, time.perf_counter())
            if not pending:
                continue
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=0.5)
            for ref in ready:
                job, started = pending.pop(ref)
                try:
                    ran = ray.get(ref)
                    ran = replace(ran, inputs={str(options.project / name): d for name, d in ran.inputs.items()})
                except ray.exceptions.RayError as exc:
                    ran = _failure(ray, job, exc, options)
                yield job, ran, started
            now = time.perf_counter()
            for ref, (job, started) in list(pending.items()):
                limit = hard_limit(cell_timeout(job.lesson, options))
                if limit and now - started > limit:
                    ray.cancel(ref, force=True)
                    del pending[ref]
                    yield job, Ran(failure=f"{options.shown(job.lesson.path)}: stopped after {limit:g} s on the "
                                           "Ray cluster without finishing"), started
    finally:  # Ctrl-C, or a failure here: nothing of this build goes on running on the cluster
        for ref in pending:
            ray.cancel(ref, force=True)
        ray.shutdown()
