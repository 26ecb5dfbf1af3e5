"""The --watch server and loop in process: only dist/'s own files, quiet about closed connections, one line
for a port in use, a recovered lesson said, and course.toml and its logo watched."""
import http.client
import socket
import time
from pathlib import Path

import pytest

from livedeck.base.errors import UsageError
from livedeck.build.reports import LessonResult, State, failed
from livedeck.cli.watch import Status, _snapshot, serve
from livedeck.settings.options import BuildOptions


@pytest.fixture
def server(tmp_path: Path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "a.html").write_text("<html><body>deck</body></html>")
    (tmp_path / "private.txt").write_text("secret")
    (dist / "escape").symlink_to(tmp_path)  # a link in dist/ to a folder outside it
    (dist / "leak.txt").symlink_to(tmp_path / "private.txt")
    running = serve(dist, 0, Status(), b"")
    yield running.server_address[1]
    running.shutdown()
    running.server_close()


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    answer = connection.getresponse()
    return answer.status, answer.read()


def test_only_real_files_inside_dist_are_served(server: int) -> None:
    assert get(server, "/a.html")[0] == 200
    assert get(server, "/escape/private.txt")[0] == 404
    assert get(server, "/leak.txt")[0] == 404
    status, body = get(server, "/escape/dist/a.html")  # back in dist/ through the link: still dist's file
    assert status == 200 and b"deck" in body


def test_a_client_that_closes_early_is_not_a_traceback(server: int, capfd: pytest.CaptureFixture) -> None:
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", server)) as client:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            client.sendall(b"GET /a.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")  # then reset at once
    time.sleep(0.5)
    assert get(server, "/a.html")[0] == 200
    assert "Traceback" not in capfd.readouterr().err


def test_a_port_in_use_is_one_line_suggesting_port_0(server: int) -> None:
    with pytest.raises(UsageError) as caught:
        serve(Path("dist"), server, Status(), b"")
    assert str(caught.value) == f"--watch: port {server} is in use; --port 0 picks a free one"


def test_a_lesson_fixed_back_to_its_cache_is_said_recovered() -> None:
    status, path = Status(), Path("slides/01_a.py")
    assert status.update([failed("a", path, "slides/01_a.py:3: NameError")]) == []
    assert status.update([LessonResult("a", path, State.CACHED)]) == ["a"]
    assert status.update([LessonResult("a", path, State.CACHED)]) == []  # said once
    status.update([failed("a", path, "boom")])
    assert status.update([LessonResult("a", path, State.RAN)]) == []  # a rebuild reports itself


def test_course_toml_and_its_logo_are_watched(tmp_path: Path) -> None:
    (tmp_path / "slides").mkdir()
    options = BuildOptions(slides=tmp_path / "slides")
    (tmp_path / "logo.png").write_bytes(b"png")
    (tmp_path / "course.toml").write_text('title = "DL"\nlogo = "logo.png"\n')
    watched = _snapshot(options)
    assert tmp_path / "course.toml" in watched and (tmp_path / "logo.png").resolve() in watched
    (tmp_path / "course.toml").write_text('title = "DL 2"\n')
    assert _snapshot(options) != watched
