"""`build.py --watch`: rebuild on save, serve dist/ on loopback, reload open decks in place.

The server injects a small script into the HTML pages it serves (the files on
disk stay as built): it polls a status URL, reloads when a build finished, and
keeps the slide shown (reveal.js keeps it in the URL's #/h/v). A lesson that
fails keeps its last good deck and shows the error over it until it is fixed.
"""
from __future__ import annotations

import errno
import functools
import http.server
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from livedeck.base.errors import LivedeckError, UsageError
from livedeck.build.pipeline import BuildOptions, LessonResult, State, build
from livedeck.read.lesson import LESSON_SUFFIXES
from livedeck.settings.course import COURSE_FILE, SettingsError, read_course

STATUS_PATH = "/__livedeck__/status"
SCRIPT_PATH = "/__livedeck__/reload.js"
POLL_SECONDS = 0.3
ERROR_PAGE = b"<!doctype html><html><head><meta charset='utf-8'><title>Build failed</title></head><body></body></html>"


class Status:
    """What the browser asks for: each deck's build counter, and the errors of the last build."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.versions: dict[str, int] = {}
        self.errors: dict[str, str] = {}

    def update(self, reports: list[LessonResult]) -> list[str]:
        """Takes a build's results; returns the lessons that failed before and now match their cache (the
        build reports nothing for those, so the terminal's last line would still be their error)."""
        recovered = []
        with self.lock:
            for report in reports:
                if report.state == State.FAILED:
                    self.errors[report.name] = report.message
                    continue
                if self.errors.pop(report.name, None) is not None and report.state == State.CACHED:
                    recovered.append(report.name)
                if report.state != State.CACHED:
                    self.versions[report.name] = self.versions.get(report.name, 0) + 1
            self.versions["index"] = sum(self.versions.values())
        return recovered

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"versions": self.versions, "errors": self.errors}).encode("utf-8")


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
MAX_URL = 2048


class Handler(http.server.SimpleHTTPRequestHandler):
    """dist/ and nothing else: no folder listings, no file a link in dist/ points to elsewhere, only loopback
    Host names (a page from another site cannot reach it by DNS rebinding), and a bad URL is a 400, never a
    traceback in the terminal."""
    status: Status
    script: bytes

    def do_GET(self) -> None:
        self._answer(self._get)

    def do_HEAD(self) -> None:
        self._answer(super().do_HEAD)

    def _answer(self, method: Callable[[], None]) -> None:
        host = (self.headers.get("Host") or "").lower()
        if not any(host == name or host.startswith(name + ":") for name in LOOPBACK_HOSTS):
            return self.send_error(400, "livedeck serves loopback names only")
        if len(self.path) > MAX_URL or "\0" in self.path or "%00" in self.path:
            return self.send_error(400, "bad URL")
        try:
            if not Path(self.translate_path(self.path)).resolve().is_relative_to(Path(self.directory).resolve()):
                return self.send_error(404, "not a file of the output folder")  # a symlink out of dist/
            method()
        except ConnectionError:  # the browser closed the connection (a reload, a closed tab): nothing to say
            pass
        except (ValueError, OSError, UnicodeError):
            self.send_error(400, "bad URL")

    def list_directory(self, path):
        self.send_error(404, "no folder listings")
        return None

    def _get(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == STATUS_PATH:
            return self._send(self.status.as_json(), "application/json")
        if path == SCRIPT_PATH:
            return self._send(self.script, "text/javascript")
        if path == "/" or path.endswith(".html"):
            file = Path(self.translate_path(path if path != "/" else "/index.html"))
            # A lesson whose first build failed has no deck yet: a page that shows the error instead.
            page = file.read_bytes() if file.is_file() else ERROR_PAGE if file.stem in self.status.errors else None
            if page is not None:
                tag = f'<script src="{SCRIPT_PATH}"></script>'.encode()
                return self._send(page.replace(b"</body>", tag + b"\n</body>", 1), "text/html; charset=utf-8")
        super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # the terminal is for build reports
        pass


class DeckServer(http.server.ThreadingHTTPServer):
    request_queue_size = 256  # a page asks for many files at once
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A client that went away mid-answer is normal (a reload); anything else is still printed."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(dist: Path, port: int, status: Status, script: bytes) -> http.server.ThreadingHTTPServer:
    """dist/ served on loopback from a thread; a port that cannot be had is one line (a UsageError)."""
    handler = functools.partial(type("DeckHandler", (Handler,), {"status": status, "script": script}),
                                directory=str(dist))
    try:
        server = DeckServer(("127.0.0.1", port), handler)  # loopback only
    except OSError as exc:
        why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
        raise UsageError(f"--watch: port {port} {why}; --port 0 picks a free one") from None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _snapshot(options: BuildOptions) -> dict[Path, tuple[int, int]]:
    """Size and mtime of every watched file: a cheap trigger (the build itself compares content). The
    lessons, the templates and theme, the PowerPoint template, course.toml and its logo."""
    watched = [p for suffix in LESSON_SUFFIXES for p in options.slides.glob(f"*{suffix}")] + \
        [p for p in options.templates.rglob("*") if p.is_file()] + [options.project / COURSE_FILE]
    if options.pptx_template:
        watched.append(options.pptx_template)
    try:
        logo = read_course(options.project).logo
    except SettingsError:  # the build says what is wrong with it; a save of course.toml is still seen
        logo = None
    if logo:
        watched.append(Path(logo))
    snapshot = {}
    for path in watched:
        try:
            stat = path.stat()
            snapshot[path] = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            pass
    return snapshot


def watch(options: BuildOptions, port: int, report: Callable[[LessonResult], None],
          announce: Callable[[str], None], warn: Callable[[str], None]) -> None:
    """Build, serve, and rebuild on every save until interrupted (Ctrl-C)."""
    status = Status()
    script = (options.templates / "reveal" / "livereload.js").read_bytes()
    server = serve(options.dist, port, status, script)  # first: a port in use is said before a whole build

    def rebuild() -> None:
        for name in status.update(build(options, report, warn)):
            announce(f"✓ {name}: recovered (matches its last good build)")

    try:
        rebuild()
        announce(f"Serving {options.dist}/ on http://127.0.0.1:{server.server_address[1]}/ — "
                 "edit a lesson and the open deck reloads. Ctrl-C stops.")
        seen = _snapshot(options)
        while True:
            time.sleep(POLL_SECONDS)
            now = _snapshot(options)
            if now != seen:
                seen = now
                try:
                    rebuild()
                except LivedeckError as exc:  # e.g. a bad course.toml or lesson name: say so, keep watching
                    announce(f"error: {exc}")
    finally:
        server.shutdown()
