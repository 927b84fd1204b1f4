"""The monsterstack frontend of docs/tp/monsterstack, against a real Redis and a fake image backend.

Redis is Debian's redis-server, started on a free port of 127.0.0.1 for the
module; the image backend is a small HTTP server in this process that answers
like amouat/dnmonster (`GET /monster/<hash>?size=N` gives a PNG) and counts
its requests.
"""

from __future__ import annotations

import importlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_FOLDER = ROOT / "docs" / "tp" / "monsterstack"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, process: subprocess.Popen | None = None, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"process exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory):
    if not Path(REDIS_SERVER).exists():
        pytest.fail("redis-server is missing: run `make test-system-deps`")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process=process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


class FakeBackend:
    """Answers like dnmonster: a PNG whose bytes name the hash and size asked."""

    def __init__(self):
        self.requests: list[str] = []
        self.status = 200
        backend = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server API)
                backend.requests.append(self.path)
                url = urlparse(self.path)
                match = re.fullmatch(r"/monster/([0-9a-f]{64})", url.path)
                if backend.status != 200 or not match:
                    self.send_response(backend.status if match else 404)
                    self.end_headers()
                    return
                size = parse_qs(url.query).get("size", ["80"])[0]
                body = b"\x89PNG\r\n\x1a\n" + f"{match.group(1)} {size}".encode()
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def backend():
    server = FakeBackend()
    yield server
    server.close()


@pytest.fixture(scope="module")
def monstericon():
    """The module of docs/tp/monsterstack/app, imported without writing __pycache__ into docs/."""
    sys.dont_write_bytecode, saved = True, sys.dont_write_bytecode
    sys.path.insert(0, str(APP_FOLDER / "app"))
    try:
        module = importlib.import_module("monstericon")
    finally:
        sys.path.remove(str(APP_FOLDER / "app"))
        sys.dont_write_bytecode = saved
    yield module
    sys.modules.pop("monstericon", None)


@pytest.fixture
def make_client(monstericon, monkeypatch, redis_port):
    import redis

    redis.Redis(port=redis_port).flushall()

    def make(*, backend_port: int, redis_address: str | None = None):
        monkeypatch.setenv("REDIS_DOMAIN", redis_address or f"127.0.0.1:{redis_port}")
        monkeypatch.setenv("IMAGEBACKEND_DOMAIN", f"127.0.0.1:{backend_port}")
        return monstericon.create_app().test_client()

    return make


def visits(page: str) -> str:
    match = re.search(r"<li>Visits: ([^<]*)</li>", page)
    assert match, page
    return match.group(1)


def test_home_page_shows_the_form_the_host_name_and_counts_visits(make_client, backend):
    client = make_client(backend_port=backend.port)
    first = client.get("/")
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert "<h1>Monster Icon</h1>" in page
    assert '<input id="name" name="name" value="monstre"' in page
    assert f"<li>Hostname: {socket.gethostname()}</li>" in page
    assert visits(page) == "1"
    assert visits(client.get("/").get_data(as_text=True)) == "2"
    assert visits(client.get("/?name=Alice").get_data(as_text=True)) == "3"
    assert backend.requests == []  # the page only links the image


def test_image_comes_from_the_backend_then_from_the_redis_cache(make_client, backend, monstericon):
    client = make_client(backend_port=backend.port)
    digest = monstericon.name_hash("Alice")
    first = client.get("/monster/Alice")
    assert first.status_code == 200 and first.mimetype == "image/png"
    assert first.headers["X-Cache"] == "MISS"
    assert first.data == b"\x89PNG\r\n\x1a\n" + f"{digest} 100".encode()
    assert backend.requests == [f"/monster/{digest}?size=100"]
    second = client.get("/monster/Alice")
    assert second.headers["X-Cache"] == "HIT"
    assert second.data == first.data
    assert len(backend.requests) == 1  # served by Redis, the backend was not called
    client.get("/monster/Bob")
    assert len(backend.requests) == 2


def test_the_cache_is_shared_by_every_frontend(make_client, backend):
    """Two frontends (two Pods) share the images and the counter through the one Redis."""
    one, two = make_client(backend_port=backend.port), make_client(backend_port=backend.port)
    one.get("/monster/Carol")
    assert two.get("/monster/Carol").headers["X-Cache"] == "HIT"
    assert len(backend.requests) == 1
    one.get("/")
    assert visits(two.get("/").get_data(as_text=True)) == "2"


def test_healthz_is_ready_only_while_redis_answers(make_client, backend):
    up = make_client(backend_port=backend.port).get("/healthz")
    assert (up.status_code, up.get_json()) == (200, {"ready": True})
    closed = free_port()  # nothing listens there: Redis is down
    client = make_client(backend_port=backend.port, redis_address=f"127.0.0.1:{closed}")
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.get_json()["ready"] is False
    assert f"127.0.0.1:{closed}" in down.get_json()["redis"]


def test_without_redis_the_page_and_images_still_work(make_client, backend):
    client = make_client(backend_port=backend.port, redis_address=f"127.0.0.1:{free_port()}")
    page = client.get("/")
    assert page.status_code == 200
    assert visits(page.get_data(as_text=True)).startswith("unavailable (cannot reach Redis at 127.0.0.1:")
    image = client.get("/monster/Dave")
    assert image.status_code == 200 and image.headers["X-Cache"] == "MISS"


@pytest.mark.parametrize(
    "name", ["a" * 41, "<script>", "%20", "x;rm"], ids=["too-long", "markup", "blank", "semicolon"]
)
def test_a_bad_name_gives_a_clear_page(make_client, backend, name):
    client = make_client(backend_port=backend.port)
    for path in (f"/?name={urllib.request.quote(name)}", f"/monster/{urllib.request.quote(name)}"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, path
        assert "<h1>Nom refusé</h1>" in page and "lettres, chiffres" in page
        assert "Traceback" not in page
        assert "<script>" not in page  # the name is escaped
    assert backend.requests == []


@pytest.mark.parametrize("failure", ["error", "down"])
def test_a_backend_failure_gives_a_clear_page(make_client, backend, failure):
    if failure == "error":
        backend.status = 500
        port = backend.port
    else:
        port = free_port()
    response = make_client(backend_port=port).get("/monster/Eve")
    page = response.get_data(as_text=True)
    assert response.status_code == 502
    assert "<h1>Image indisponible</h1>" in page
    assert f"127.0.0.1:{port}" in page
    assert ("a répondu 500" if failure == "error" else "ne répond pas") in page
    assert "Traceback" not in page


def test_an_unknown_page_is_a_clear_404(make_client, backend):
    response = make_client(backend_port=backend.port).get("/nowhere")
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in response.get_data(as_text=True)


def test_a_missing_address_stops_the_start_with_its_name(monstericon, monkeypatch):
    monkeypatch.delenv("REDIS_DOMAIN", raising=False)
    monkeypatch.setenv("IMAGEBACKEND_DOMAIN", "imagebackend")
    with pytest.raises(RuntimeError, match="REDIS_DOMAIN is not set"):
        monstericon.create_app()


# --- The servers boot.sh starts -------------------------------------------------------------------


def boot_command(context: str) -> list[str]:
    """The server command boot.sh runs for a CONTEXT, as written in boot.sh."""
    script = (APP_FOLDER / "boot.sh").read_text(encoding="utf-8")
    match = re.search(rf"^\s*{context}\)\s*\n\s*exec (.+?) ;;$", script, re.MULTILINE)
    assert match, f"boot.sh has no {context}) branch"
    return shlex.split(match.group(1))


def test_boot_sh_listens_on_port_5000_in_both_modes():
    for context in ("DEV", "PROD"):
        command = boot_command(context)
        assert "5000" in " ".join(command), command


def test_boot_sh_refuses_an_unknown_context_or_a_missing_address():
    base = {"PATH": "/usr/bin:/bin", "REDIS_DOMAIN": "redis", "IMAGEBACKEND_DOMAIN": "imagebackend"}
    wrong = subprocess.run(["sh", str(APP_FOLDER / "boot.sh")], env={**base, "CONTEXT": "TEST"},
                           capture_output=True, text=True)
    assert wrong.returncode == 1 and "CONTEXT must be DEV or PROD, not 'TEST'" in wrong.stderr
    missing = subprocess.run(["sh", str(APP_FOLDER / "boot.sh")], env={"PATH": "/usr/bin:/bin", "CONTEXT": "PROD"},
                             capture_output=True, text=True)
    assert missing.returncode != 0 and "REDIS_DOMAIN" in missing.stderr


@pytest.mark.parametrize("context", ["PROD", "DEV"])
def test_the_server_of_each_context_serves_the_app(context, redis_port, backend, tmp_path):
    """gunicorn (PROD) and Flask's server (DEV) start the app as boot.sh does, here on a free port."""
    shutil.copytree(APP_FOLDER / "app", tmp_path / "app")  # the servers write __pycache__
    port = free_port()
    command = [arg.replace("5000", str(port)).replace("0.0.0.0", "127.0.0.1") for arg in boot_command(context)]
    executable = Path(sys.executable).parent / command[0]
    env = {
        "PATH": f"{executable.parent}:/usr/bin:/bin",
        "REDIS_DOMAIN": f"127.0.0.1:{redis_port}",
        "IMAGEBACKEND_DOMAIN": f"127.0.0.1:{backend.port}",
    }
    # Its own process group: Flask's reloader runs the server in a child process.
    server = subprocess.Popen([str(executable), *command[1:]], cwd=tmp_path / "app", env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        wait_for_port(port, process=server, seconds=30)
        # Flask's reloader opens the port before its child process has imported the app: be patient.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60) as response:
            assert response.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/monster/Frank", timeout=30) as response:
            assert response.headers["Content-Type"] == "image/png"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=10)
    expected = "Booting worker" if context == "PROD" else "Debug mode: on"
    assert expected in output, output


def test_requirements_txt_pins_the_versions_the_tests_run():
    """The image installs requirements.txt; the tests run requirements.lock: they must agree."""
    def pins(path: Path) -> dict[str, str]:
        found = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name, separator, version = line.strip().partition("==")
                assert separator, f"{path.name}: '{line}' is not pinned with =="
                found[name.lower().replace("_", "-")] = version
        return found

    image = pins(APP_FOLDER / "requirements.txt")
    locked = pins(ROOT / "requirements.lock")
    assert {"flask", "gunicorn", "redis"} <= set(image)
    assert {name: locked.get(name) for name in image} == image
