"""Reliability, round two: everyday lesson code, failed writes and hostile input, through the real CLI.

One test (or more) per finding of the second reliability review, numbered as there:
1 os.chdir, 2 multiprocessing, 3 all-or-nothing publishing, 4 lesson errors named as the
lesson's, 5 full disk and read-only output, 6 bounds, 7 child processes, 8 control characters,
9 file names and encodings, 10 the --watch server, 11 --allow-errors, 12 the cache key.
Every failure is checked for its exit status, its one-line message with file:line, the
previous deck and figures byte-identical, and nothing written outside dist/, figures/ and the cache.
"""
import http.client
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from livedeck.base.files import process_alive
from livedeck.build import cache
from support.builds import ROOT, build_here, outputs_shown, run_build, write_lesson

HEAD = "# %% [markdown]\n# # {title}\n# ## The slide\n\n# %%\n"

# Lessons that are fine under `python lesson.py` and must be fine under livedeck too.
EVERYDAY = {
    "01_chdir.py": "import os\nprint(open('../data/points.csv').read().strip())\nos.chdir('/')\nprint('moved')\n",
    "02_workers.py": (
        "import multiprocessing\nimport torch\nfrom torch.utils.data import DataLoader, TensorDataset\n\n"
        "def square(x):\n    return x * x\n\n"
        "if __name__ == '__main__':\n"
        "    loader = DataLoader(TensorDataset(torch.arange(8.0)), batch_size=4, num_workers=2)\n"
        "    print([batch[0].tolist() for batch in loader])\n"
        "    with multiprocessing.Pool(2) as pool:\n"
        "        print(pool.map(square, range(5)))\n"),
    "03_sleeper.py": "import subprocess\nsleeper = subprocess.Popen(['sleep', '90'])\nprint('started', sleeper.pid)\n",
    "04_terminal.py": "print('nul\\x00 \\x1b[31mred\\x1b[0m lone \\ud800 bell\\x07')\nprint('10%\\r50%\\r100%')\n'\\x1b[1mvalue'\n",
    "05_table.py": ("from livedeck import table\nimport matplotlib.pyplot as plt\n"
                    "table([[i, i * i] for i in range(10000)], header=['i', 'square'])\n"
                    "plt.figure(figsize=(300, 2))\nplt.plot([1, 2])\n"),
}
# Lessons that are good on the first build and broken on the second: (broken cell, the message).
BROKEN = {
    "06_exits.py": ("import sys\nprint('before')\nsys.exit(3)\n", "slides/06_exits.py:8: SystemExit: 3"),
    "07_interrupts.py": ("x = 1\nraise KeyboardInterrupt\n", "slides/07_interrupts.py:7: KeyboardInterrupt"),
    "08_usetex.py": ("import matplotlib.pyplot as plt\nplt.rcParams['text.usetex'] = True\nplt.plot([1, 2])\n"
                     "plt.title('$x$')\n", "slides/08_usetex.py:6: RuntimeError: Failed to process string with tex"),
}
GOOD_CELL = "import matplotlib.pyplot as plt\nplt.plot([3, 1])\nprint('good')\n"


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def outputs_of(project: Path, name: str) -> dict[str, bytes]:
    found = files_under(project / "dist") | {f"figures/{k}": v for k, v in files_under(project / "figures").items()}
    return {k: v for k, v in found.items() if k.startswith((f"{name}.", f"{name}/", f"figures/{name}/"))}


def assert_nothing_outside(project: Path) -> None:
    for path in project.rglob("*"):
        top = path.relative_to(project).parts[0]
        assert top in ("slides", "data", "dist", "figures", ".livedeck-cache"), path
    assert not Path("/dist").exists() and not Path("/figures").exists() and not Path("/.livedeck-cache").exists()


def one_line(stderr: str, fragment: str) -> str:
    """The failure's first line holds `fragment`; it is no traceback of livedeck's."""
    line = next((ln for ln in stderr.splitlines() if fragment in ln), None)
    assert line is not None and line.startswith("✗ "), stderr
    assert "internal error" not in stderr and "livedeck/" not in stderr, stderr
    return line


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess, float]:
    """A course of everyday and (for now) good lessons, built once; the broken ones break later."""
    project = tmp_path_factory.mktemp("probe")
    (project / "data").mkdir()
    (project / "data" / "points.csv").write_text("1,2\n")
    for name, body in EVERYDAY.items():
        write_lesson(project / "slides", name, HEAD.format(title=name[3:-3]) + body)
    for name in BROKEN:
        write_lesson(project / "slides", name, HEAD.format(title=name[3:-3]) + GOOD_CELL)
    start = time.perf_counter()
    result = run_build("--cache", str(project / ".livedeck-cache"), cwd=project)
    return project, result, time.perf_counter() - start


def test_everyday_lesson_code_builds(probe) -> None:
    project, result, seconds = probe
    assert result.returncode == 0, result.stdout + result.stderr
    html = {name: (project / "dist" / f"{name[3:-3]}.html").read_text() for name in EVERYDAY}
    # 1. the lesson ran in its own folder (../data), and moving away moved none of livedeck's outputs
    assert "1,2" in html["01_chdir.py"] and "moved" in html["01_chdir.py"]
    assert_nothing_outside(project)
    # 2. DataLoader workers and a Pool, printing exactly what `python lesson.py` prints
    plain = subprocess.run([sys.executable, str(project / "slides" / "02_workers.py")], capture_output=True,
                           text=True, timeout=120, cwd=project / "slides")
    assert plain.returncode == 0, plain.stderr
    shown = "\n".join(text for _, text in outputs_shown(html["02_workers.py"]))
    assert plain.stdout.strip() in shown and "[0, 1, 4, 9, 16]" in plain.stdout
    assert "leaked semaphore" not in result.stderr
    # 7. the lesson's `sleep 90` was ended with the lesson: the build (whose output pipes it would hold)
    # did not wait for it, and it is gone
    sleeper = int(re.search(r"started (\d+)", html["03_sleeper.py"]).group(1))
    assert seconds < 80
    deadline = time.monotonic() + 10  # the kill lands a moment after the build returns, on a loaded machine
    while process_alive(sleeper):
        assert time.monotonic() < deadline, "the lesson's `sleep 90` outlived it"
        time.sleep(0.1)


def test_control_characters_never_reach_the_decks(probe) -> None:
    """8. ANSI codes, NUL, BEL are dropped, a lone surrogate is U+FFFD, progress bars keep their last state."""
    project, _result, _ = probe
    html = (project / "dist" / "terminal.html").read_text(encoding="utf-8")
    printed = next(text for kind, text in outputs_shown(html) if kind == "stdout")
    assert printed == "nul red lone \ufffd bell\n100%"
    assert not any(ch in html for ch in "\x00\x1b\x07")
    from pptx import Presentation

    text = "\n".join(shape.text_frame.text for slide in Presentation(project / "dist" / "terminal.pptx").slides
                     for shape in slide.shapes if shape.has_text_frame)
    assert "nul red lone \ufffd bell" in text and "_x00" not in text and "value" in text


def test_huge_tables_and_figures_are_bounded(probe) -> None:
    """6. A 10 000-row table shows its first rows and a count; all of it is saved as CSV; a 300-inch
    figure is scaled at save."""
    project, _, _ = probe
    model_rows = (project / "dist" / "table.html").read_text().count("<tr>")
    assert model_rows < 40
    assert "First 30 of 10,000 rows; all of them in table-01.csv" in (project / "dist" / "table.html").read_text()
    csv = (project / "figures" / "table" / "table-01.csv").read_text().splitlines()
    assert csv[0] == "i,square" and len(csv) == 10001 and csv[-1] == "9999,99980001"
    from PIL import Image

    assert max(Image.open(project / "figures" / "table" / "fig-01.png").size) <= 4000
    assert not (project / "figures" / "table" / "table-01.png").exists()  # a table is drawn natively, no picture


def test_errors_from_lesson_code_are_the_lessons(probe) -> None:
    """4. sys.exit, KeyboardInterrupt and a figure that fails to save are the lesson's errors, at its
    file:line; 12. an edited data file reruns the lesson that reads it; the previous decks stay."""
    project, first, _ = probe
    assert first.returncode == 0, first.stderr
    before = {name: outputs_of(project, name[3:-3]) for name in BROKEN}
    assert all(f"{name[3:-3]}.pptx" in before[name] for name in BROKEN)
    for name, (cell, _) in BROKEN.items():
        (project / "slides" / name).write_text(HEAD.format(title=name[3:-3]) + cell)
    (project / "data" / "points.csv").write_text("3,4\n")
    result = run_build("--cache", str(project / ".livedeck-cache"), cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    for name, (_, message) in BROKEN.items():
        one_line(result.stderr, message)
        assert outputs_of(project, name[3:-3]) == before[name], name
    assert "exited with status" not in result.stderr and "crashed" not in result.stderr
    assert "✓ chdir: ran" in result.stdout and "3,4" in (project / "dist" / "chdir.html").read_text()
    assert "✓ workers: up to date" in result.stdout
    assert_nothing_outside(project)


def test_a_failing_format_publishes_nothing(tmp_path: Path) -> None:
    """3. The lesson runs but its slides cannot be made (a formula MathJax cannot typeset): the lesson
    fails naming the formula and why, and its previous HTML, PowerPoint and figures all stay."""
    body = "import matplotlib.pyplot as plt\nplt.plot([1, 2])\n"
    write_lesson(tmp_path / "slides", "01_formula.py", HEAD.format(title="Formula") + body)
    assert build_here(cwd=tmp_path).returncode == 0
    before = outputs_of(tmp_path, "formula")
    (tmp_path / "slides" / "01_formula.py").write_text(
        "# %% [markdown]\n# # Formula\n# ## The slide\n# $$\\sqrt[ \\$x^{\\$$$\n\n# %%\n" + body.replace("2]", "3]"))
    result = run_build(cwd=tmp_path)
    assert result.returncode == 1
    one_line(result.stderr, "slides/01_formula.py:4: a formula cannot be typeset: \\sqrt[ \\$x^{\\$")
    assert "\n  Could not find closing ']' for argument to \\sqrt" in result.stderr  # the engine's message below
    assert outputs_of(tmp_path, "formula") == before
    assert not list(tmp_path.rglob(".*.tmp")), "staged files were left behind"


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 24 MB tmpfs, mounted for the test (needs root, as in CI): a disk that can fill up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("cannot mount a tmpfs in CI")
        pytest.skip("cannot mount a tmpfs here (not root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_one_line_and_keeps_every_deck(small_disk: Path, tmp_path: Path) -> None:
    """5. Assets that do not fit, then a lesson that does not fit: exit 2, one line naming the path."""
    project = small_disk
    write_lesson(project / "slides", "01_disk.py", HEAD.format(title="Disk") + GOOD_CELL)
    filler = project / "filler"
    filler.write_bytes(b"\0" * (23 * 1024 * 1024))  # leave too little for reveal.js and KaTeX
    result = run_build("--cache", str(tmp_path / "cache"), cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "cannot write dist/assets/" in lines[0] and "No space left" in lines[0], lines
    filler.unlink()
    assert build_here("--cache", str(tmp_path / "cache"), cwd=project).returncode == 0
    before = outputs_of(project, "disk")
    free = os.statvfs(project).f_bavail * os.statvfs(project).f_frsize
    filler.write_bytes(b"\0" * (free - 16 * 1024))  # the figures no longer fit
    (project / "slides" / "01_disk.py").write_text(HEAD.format(title="Disk") + GOOD_CELL.replace("[3, 1]", "[5, 1]"))
    result = run_build("--cache", str(tmp_path / "cache"), cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    line = one_line(result.stderr, "slides/01_disk.py: cannot write ")
    assert "No space left on device" in line and ".tmp" not in line
    assert outputs_of(project, "disk") == before
    filler.unlink()


def test_a_read_only_output_folder_is_one_line(small_disk: Path, tmp_path: Path) -> None:
    project = small_disk
    write_lesson(project / "slides", "01_ro.py", HEAD.format(title="Read only") + GOOD_CELL)
    assert build_here("--cache", str(tmp_path / "cache"), cwd=project).returncode == 0
    before = outputs_of(project, "ro")
    subprocess.run(["mount", "-o", "remount,ro", str(project)], check=True)
    try:
        result = run_build("--cache", str(tmp_path / "cache"), "--force", cwd=project)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(project)], check=True)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "cannot write to dist/" in lines[0] and "Read-only" in lines[0], lines
    assert outputs_of(project, "ro") == before


def test_the_time_limit_covers_saving_figures(tmp_path: Path) -> None:
    """6. A figure whose drawing hangs is stopped by --timeout, and the message names the cell."""
    body = ("import time\nimport matplotlib.pyplot as plt\nfrom matplotlib.artist import Artist\n\n"
            "class Slow(Artist):\n    def draw(self, renderer):\n        time.sleep(60)\n\n"
            "plt.gca().add_artist(Slow())\n")
    write_lesson(tmp_path / "slides", "01_slow.py", HEAD.format(title="Slow") + body)
    start = time.perf_counter()
    result = run_build("--timeout", "2", cwd=tmp_path)
    assert result.returncode == 1 and time.perf_counter() - start < 30
    line = one_line(result.stderr, "slides/01_slow.py:6: TimeoutError: the cell ran longer than 2 s")
    assert "in the cell at line 6: import time" in result.stderr, line


def test_file_names_and_encodings(tmp_path: Path) -> None:
    """9. A BOM and CRLF are read as UTF-8 text; `über` is a lesson name; `a b` fails alone, and not
    at all when another lesson is asked for."""
    slides = tmp_path / "slides"
    slides.mkdir()
    (slides / "01_über.py").write_bytes("\ufeff# %% [markdown]\r\n# # Über\r\n# ## Slide\r\n\r\n# %%\r\n"
                                         "print('crlf')\r\n".encode("utf-8"))
    (slides / "02_a b.py").write_text("# %% [markdown]\n# # Spaced\n")
    result = run_build(cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    one_line(result.stderr, "slides/02_a b.py:1: a lesson file is named NN_name.py")
    assert "✓ über: ran" in result.stdout and "crlf" in (tmp_path / "dist" / "über.html").read_text()
    only = run_build("--lesson", "über", cwd=tmp_path)
    assert only.returncode == 0 and "a b" not in only.stderr, only.stderr


def test_allow_errors_summary_agrees_with_the_exit_status(tmp_path: Path) -> None:
    """11. A deck built with an error on a slide is no ✓, and the summary counts it."""
    write_lesson(tmp_path / "slides", "01_oops.py", HEAD.format(title="Oops") + "1 / 0\n")
    result = run_build("--allow-errors", cwd=tmp_path)
    assert result.returncode == 1
    assert "✓" not in result.stdout, result.stdout
    one_line(result.stderr, "✗ oops: ran in")
    assert "0 failed, 1 showing errors" in result.stdout


def test_cache_key_holds_the_python_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """12. A lesson's results depend on the Python that ran them: another Python, another key."""
    inputs = cache.KeyInputs(None, (), False)
    cache.library_versions.cache_clear()
    before = inputs.digest
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    cache.library_versions.cache_clear()
    try:
        assert cache.KeyInputs(None, (), False).digest != before
    finally:
        monkeypatch.undo()
        cache.library_versions.cache_clear()


# --- 10. the --watch server ------------------------------------------------------------------

@pytest.fixture
def server(tmp_path: Path):
    from livedeck.cli.watch import Status, serve

    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "assets" / "a.css").write_text("body {}")
    (dist / "deck.html").write_text("<html><body>deck</body></html>")
    (tmp_path / "secret.txt").write_text("not served")
    served = serve(dist, 0, Status(), b"")
    yield served.server_address[1]
    served.shutdown()


def ask(port: int, path: str, host: str = "127.0.0.1") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", f"{host}:{port}")
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


def test_the_watch_server_serves_dist_and_nothing_else(server: int) -> None:
    assert ask(server, "/deck.html")[0] == 200
    assert ask(server, "/deck.html", host="localhost")[0] == 200
    assert ask(server, "/deck.html", host="evil.example")[0] == 400  # DNS rebinding
    assert ask(server, "/assets/")[0] == 404  # no folder listings
    assert ask(server, "/")[0] == 404
    assert ask(server, "/../secret.txt")[0] == 404
    assert ask(server, "/%2e%2e/secret.txt")[0] == 404
    assert ask(server, "/deck%00.html")[0] == 400
    assert ask(server, "/" + "a" * 8000)[0] == 400


def test_the_watch_server_answers_50_requests_at_once(server: int) -> None:
    answers: list[float] = []

    def one() -> None:
        start = time.perf_counter()
        assert ask(server, "/assets/a.css")[0] == 200
        answers.append(time.perf_counter() - start)

    threads = [threading.Thread(target=one) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(answers) == 50 and max(answers) < 2.0, max(answers, default=None)


def test_the_watch_server_prints_no_traceback(tmp_path: Path) -> None:
    """A NUL or an 8,000-character URL gets a 400 and leaves the terminal clean."""
    write_lesson(tmp_path / "slides", "01_w.py", HEAD.format(title="W") + "print(1)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--watch", "--port", "0", "-f", "html"],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        deadline = time.time() + 120
        while "Serving" not in line and time.time() < deadline:
            line = process.stdout.readline()
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        assert ask(port, "/w.html%00")[0] == 400
        assert ask(port, "/" + "b" * 8000)[0] == 400
        assert ask(port, "/w.html")[0] == 200
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr, stderr
