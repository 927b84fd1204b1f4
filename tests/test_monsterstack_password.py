"""Chapter 4 protects Redis with a password from a Secret: the frontend reads it from REDIS_PASSWORD.

Against Debian's redis-server started with `--requirepass`, as the chapter 4 TP starts
redis:8.10.1 (`--requirepass $(REDIS_PASSWORD)`). Every later TP archive carries this same
application (`base: monsterstack`, tests/test_tp_files.py).
"""

from __future__ import annotations

import importlib
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "docs" / "tp" / "monsterstack" / "app"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PASSWORD = "mot-de-passe-du-tp"


@pytest.fixture(scope="module")
def redis_with_password(tmp_path_factory):
    if not Path(REDIS_SERVER).exists():
        pytest.fail("redis-server is missing: run `make test-system-deps`")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--requirepass", PASSWORD, "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError("redis-server did not start") from None
            time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def monstericon():
    sys.dont_write_bytecode, saved = True, sys.dont_write_bytecode
    sys.path.insert(0, str(APP))
    try:
        module = importlib.import_module("monstericon")
    finally:
        sys.path.remove(str(APP))
        sys.dont_write_bytecode = saved
    yield module
    sys.modules.pop("monstericon", None)


def client(monstericon, monkeypatch, port, password):
    monkeypatch.setenv("REDIS_DOMAIN", f"127.0.0.1:{port}")
    monkeypatch.setenv("IMAGEBACKEND_DOMAIN", "127.0.0.1:9")
    if password is None:
        monkeypatch.delenv("REDIS_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("REDIS_PASSWORD", password)
    return monstericon.create_app().test_client()


def test_the_password_of_redis_password_opens_redis(monstericon, monkeypatch, redis_with_password):
    app = client(monstericon, monkeypatch, redis_with_password, PASSWORD)
    assert app.get("/healthz").status_code == 200
    assert "<li>Visits: 1</li>" in app.get("/").get_data(as_text=True)


@pytest.mark.parametrize("password", [None, "", "mauvais"])
def test_without_the_right_password_redis_is_unavailable(monstericon, monkeypatch, redis_with_password, password):
    app = client(monstericon, monkeypatch, redis_with_password, password)
    health = app.get("/healthz")
    assert health.status_code == 503
    assert "<li>Visits: unavailable" in app.get("/").get_data(as_text=True)
