"""A frozen course on the move: stale records named with what changed (build/frozen.py), `--check` against
the record (build/drift.py), lessons that need more than this machine has (build/machine.py), and the
shares of `--shard` (build/shards.py)."""
import json
import re
from pathlib import Path

import pytest

import livedeck.build.machine
from livedeck.build.machine import Capacity
from livedeck.build.shards import shares
from support.builds import build_here, write_lesson

SLOPE = """\
    # %% [markdown]
    # # Slope
    # %%
    from pathlib import Path
    points = [float(x) for x in Path("../data/points.txt").read_text().split()]
    slope = (points[-1] - points[0]) / (len(points) - 1)
    print("slope =", round(slope, 4))
    # %%
    import matplotlib.pyplot as plt
    ys = [p * 1.0 for p in points]
    plt.plot(ys)
    plt.title("points")
"""
PLAIN = """\
    # %% [markdown]
    # # Plain {n}
    # %%
    total = sum(range({n}))
    print("total:", total)
"""
GPU = """\
    # %% [markdown]
    # ---
    # requires: {gpu: 1, timeout_min: 5}
    # ---
    # # Trained on a GPU
    # %%
    print("accuracy", 0.93)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "points.txt").write_text("1.0\n2.0\n3.5\n")
    write_lesson(tmp_path / "slides", "01_slope.py", SLOPE)
    for n in (2, 3, 4):
        write_lesson(tmp_path / "slides", f"0{n}_plain{n}.py", PLAIN.replace("{n}", str(n)))
    return tmp_path


def _build(project: Path, *args: str):
    return build_here(*args, "-f", "json", cwd=project)


def test_a_second_freeze_of_an_unchanged_course_writes_the_same_bytes(project: Path) -> None:
    def store() -> dict[str, bytes]:
        return {str(p): p.read_bytes() for p in sorted((project / "frozen").rglob("*")) if p.is_file()}

    assert _build(project, "--freeze").returncode == 0
    record = project / "frozen" / "slope" / "record.json"  # as if that first run had taken 12.3 s
    record.write_text(re.sub(r'"seconds": [\d.]+', '"seconds": 12.3', record.read_text()))
    first = store()
    assert any(name.endswith(".svg") for name in first) and any(name.endswith(".png") for name in first)
    assert b'"seconds": 12.3' in first[str(record)]
    result = _build(project, "--freeze", "--force")
    assert result.stdout.count(": ran in") == 4  # they ran again: another duration, the same record
    assert store() == first


def test_a_freeze_of_the_whole_course_removes_the_records_of_lessons_it_no_longer_has(project: Path) -> None:
    assert _build(project, "--freeze").returncode == 0
    (project / "slides" / "02_plain2.py").rename(project / "slides" / "02_sum2.py")
    result = _build(project, "--freeze", "-l", "sum2")  # one lesson frozen: nothing else is touched
    assert (project / "frozen" / "plain2").is_dir() and (project / "frozen" / "sum2").is_dir()
    result = _build(project, "--freeze")
    assert result.returncode == 0
    assert "⚠ frozen/plain2/: removed, no lesson of the course is named 'plain2' now" in result.stderr
    assert sorted(p.name for p in (project / "frozen").iterdir()) == ["plain3", "plain4", "slope", "sum2"]


def test_a_stale_record_is_refused_naming_the_lesson_and_what_changed(project: Path) -> None:
    assert _build(project, "--freeze").returncode == 0
    assert _build(project, "--frozen").returncode == 0
    (project / "data" / "points.txt").write_text("1.0\n2.0\n3.6\n")
    result = _build(project, "--frozen")
    assert result.returncode == 1
    assert "slides/01_slope.py: its frozen record is stale: data/points.txt changed" in result.stderr
    lesson = project / "slides" / "02_plain2.py"
    lesson.write_text(lesson.read_text().replace("range(2)", "range(20)"))
    result = _build(project, "--frozen", "-l", "plain2")
    assert "slides/02_plain2.py: its frozen record is stale: code cells changed" in result.stderr
    (project / "slides" / "05_new.py").write_text("# %%\nprint(1)\n")
    result = _build(project, "--frozen", "-l", "new")
    assert "slides/05_new.py: no frozen record (frozen/new/record.json)" in result.stderr


def test_the_check_passes_unchanged_and_names_each_drift_at_its_line(project: Path) -> None:
    assert _build(project, "--freeze").returncode == 0
    result = _build(project, "--check")
    assert result.returncode == 0, result.stderr
    assert "0 drifted" in result.stdout
    lesson = project / "slides" / "01_slope.py"
    source = lesson.read_text()
    lesson.write_text(source.replace("round(slope, 4)", "round(slope, 4) * (1 + 1e-9)"))  # within rtol
    assert _build(project, "--check").returncode == 0
    lesson.write_text(source.replace("round(slope, 4)", "round(slope, 4) + 0.5"))
    result = _build(project, "--check")
    assert result.returncode == 1
    assert "✗ slides/01_slope.py:7: printed 'slope = 1.25' then, 'slope = 1.75' now" in result.stderr
    assert "since it was frozen, code cells changed" in result.stderr
    # The same printout, another figure: its middle point moved (the axes stay): its data are compared
    lesson.write_text(source.replace("p * 1.0", "p * (1.1 if p == 2.0 else 1.0)"))
    result = _build(project, "--check")
    assert result.returncode == 1
    assert "✗ slides/01_slope.py:9: figure fig-01: its data moved by up to" in result.stderr
    assert "printed" not in result.stderr
    lesson.write_text(source.replace("p * 1.0", "p * 1.2"))  # other ticks: the drawing changed shape, so pixels
    result = _build(project, "--check")
    assert "✗ slides/01_slope.py:9: figure fig-01: 0.6% of its pixels changed" in result.stderr


def test_a_tolerance_is_set_in_course_toml(project: Path) -> None:
    assert _build(project, "--freeze").returncode == 0
    lesson = project / "slides" / "01_slope.py"
    lesson.write_text(lesson.read_text().replace("round(slope, 4)", "round(slope, 4) * 1.01"))
    assert _build(project, "--check").returncode == 1
    (project / "course.toml").write_text("[check]\nrtol = 0.02\n")
    assert _build(project, "--check", "-l", "slope").returncode == 0
    (project / "course.toml").write_text('title = "A"\n\n[check]\nrtol = "loose"\n')
    result = _build(project, "--check")
    assert result.returncode == 2
    assert "course.toml:3: check.rtol must be a number" in result.stderr


def test_a_lesson_that_needs_a_gpu_is_refused_in_one_line_or_built_from_its_record(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_lesson(project / "slides", "06_gpu.py", GPU)
    result = _build(project, "-l", "gpu")
    assert result.returncode == 1
    [line] = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert line.startswith("✗ slides/06_gpu.py: needs 1 GPU (its `requires:`); this machine has no GPUs")
    assert "no frozen record" in line
    with monkeypatch.context() as machine:  # frozen where it could run: a machine with a GPU
        machine.setattr(livedeck.build.machine, "this_machine", lambda: Capacity(gpus=1, cpus=2, memory_gb=8))
        assert _build(project, "--freeze", "-l", "gpu").returncode == 0
    result = _build(project, "-l", "gpu", "--out", "elsewhere", "--cache", "elsewhere-cache")  # as a clone would
    assert result.returncode == 0, result.stderr
    assert "needs 1 GPU (its `requires:`); this machine has no GPUs" in result.stderr
    assert "built from its frozen record" in result.stderr and "built from its frozen record" in result.stdout


def test_requirements_are_checked_like_every_setting(project: Path) -> None:
    write_lesson(project / "slides", "06_gpu.py", GPU.replace("gpu: 1", "gpus: 1"))
    result = _build(project, "-l", "gpu")
    assert "slides/06_gpu.py:3: unknown requirement 'gpus'" in result.stderr


def test_the_shards_hold_every_lesson_once_balanced_by_recorded_time(project: Path) -> None:
    assert _build(project, "--freeze").returncode == 0
    record = project / "frozen" / "plain4" / "record.json"
    record.write_text(json.dumps({**json.loads(record.read_text()), "seconds": 30.0}))  # the long one
    built = []
    for k in (1, 2):
        result = _build(project, "--shard", f"{k}/2", "--frozen")
        built.append({line.split(":")[0][2:] for line in result.stdout.splitlines() if line.startswith("✓")})
    assert built[0] | built[1] == {"slope", "plain2", "plain3", "plain4"}
    assert built[0] & built[1] == set()
    assert "plain4" in built[0] and len(built[0]) == 1  # the long lesson alone, the three short ones together
    assert _build(project, "--shard", "3/2").returncode == 2


def test_shares_are_dealt_longest_first_to_the_least_loaded() -> None:
    durations = {"a": 5.0, "b": 4.0, "c": 3.0, "d": 3.0, "e": 1.0}
    dealt = shares(durations, 2)
    assert sorted(name for share in dealt for name in share) == sorted(durations)
    assert [sum(durations[n] for n in share) for share in dealt] == [8.0, 8.0]
    assert shares(durations, 2) == dealt  # the same on every machine
