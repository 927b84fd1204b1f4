"""The goprom application of docs/tp/goprom: Go's own checks, then the real binary on free ports.

The binary is built with Debian's golang-go (installed by `make test-system-deps`), started
as the images start it (environment variables only), and asked over HTTP; its /metrics text
is read with prometheus-client's parser, the one Prometheus' own Python client ships.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parent.parent
APP_FOLDER = ROOT / "docs" / "tp" / "goprom"
GO = "/usr/bin/go"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def go(*arguments: str, tmp_path: Path) -> subprocess.CompletedProcess:
    if not Path(GO).exists():
        pytest.fail("go is missing: run `make test-system-deps` (Debian's golang-go)")
    environment = {**os.environ, "GOFLAGS": "-mod=mod", "GOPROXY": "off", "CGO_ENABLED": "0",
                   "GOPATH": str(tmp_path / "gopath")}
    return subprocess.run([GO, *arguments], cwd=APP_FOLDER, env=environment, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def binary(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("goprom")
    output = folder / "goprom"
    built = go("build", "-o", str(output), ".", tmp_path=folder)
    assert built.returncode == 0, built.stderr
    return output


class Running:
    """One goprom process: its ports and a way to ask it."""

    def __init__(self, binary: Path, **environment: str):
        self.port, self.metrics_port = free_port(), free_port()
        self.process = subprocess.Popen(
            [str(binary)],
            env={"PATH": "/usr/bin:/bin", "PORT": str(self.port), "METRICS_PORT": str(self.metrics_port),
                 **environment},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"goprom exited with {self.process.returncode}: {self.process.stdout.read()}")
            try:
                for port in (self.port, self.metrics_port):
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("goprom does not listen after 10 s")

    def get(self, path: str, *, metrics: bool = False) -> tuple[int, str, dict[str, str]]:
        port = self.metrics_port if metrics else self.port
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def samples(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        status, text, headers = self.get("/metrics", metrics=True)
        assert status == 200
        assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
        found = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return found

    def families(self) -> dict[str, str]:
        text = self.get("/metrics", metrics=True)[1]
        return {family.name: family.type for family in text_string_to_metric_families(text)}

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=20)


@pytest.fixture
def start(binary):
    started: list[Running] = []

    def starter(**environment: str) -> Running:
        running = Running(binary, **environment)
        started.append(running)
        return running

    yield starter
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()


def requests_total(samples, *, version: str, code: str, path: str = "/") -> float:
    key = ("http_requests_total", (("code", code), ("path", path), ("version", version)))
    return samples.get(key, 0)


def test_go_vet_and_go_test_pass(tmp_path):
    vetted = go("vet", "./...", tmp_path=tmp_path)
    assert vetted.returncode == 0, vetted.stderr
    tested = go("test", "-count=1", "./...", tmp_path=tmp_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_module_needs_nothing_but_the_standard_library():
    module = (APP_FOLDER / "go.mod").read_text()
    assert "require" not in module
    assert "go 1.19" in module.splitlines()  # Debian bookworm's golang-go builds it
    assert not (APP_FOLDER / "go.sum").exists()


def test_home_answers_its_version_and_host_name(start):
    app = start(VERSION="1.0")
    status, body, headers = app.get("/")
    assert status == 200
    assert body == f"goprom 1.0 sur {socket.gethostname()}\n"
    assert headers["X-Goprom-Version"] == "1.0"
    assert app.get("/nulle-part")[0] == 404


def test_metrics_count_requests_by_version_code_and_path(start):
    app = start(VERSION="2.0")
    before = app.samples()
    assert requests_total(before, version="2.0", code="200") == 0
    for _ in range(3):
        app.get("/")
    app.get("/absente")
    after = app.samples()
    assert requests_total(after, version="2.0", code="200") == 3
    assert requests_total(after, version="2.0", code="404", path="other") == 1
    for _ in range(2):
        app.get("/")
    assert requests_total(app.samples(), version="2.0", code="200") == 5
    assert app.families()["http_requests"] == "counter"
    assert after[("goprom_info", (("version", "2.0"),))] == 1


def test_request_durations_are_a_histogram(start):
    app = start(VERSION="1.0")
    for _ in range(4):
        app.get("/")
    samples = app.samples()
    assert app.families()["http_request_duration_seconds"] == "histogram"
    labels = (("path", "/"), ("version", "1.0"))
    assert samples[("http_request_duration_seconds_count", labels)] == 4
    buckets = sorted(
        (float(dict(key[1])["le"]), value) for key, value in samples.items()
        if key[0] == "http_request_duration_seconds_bucket" and dict(key[1])["path"] == "/"
    )
    assert buckets[-1] == (float("inf"), 4)
    assert [value for _, value in buckets] == sorted(value for _, value in buckets)  # cumulative
    assert 0 < samples[("http_request_duration_seconds_sum", labels)] < 4


def test_probes_are_not_counted(start):
    app = start(VERSION="1.0")
    assert app.get("/healthz")[:2] == (200, "ok\n")
    samples = app.samples()
    assert not [key for key in samples if ("path", "/healthz") in key[1]]


def test_failing_version_fails_at_the_configured_rate(start):
    app = start(VERSION="2.1", ERROR_RATE="0.5")
    codes = [app.get("/")[0] for _ in range(20)]
    assert codes.count(500) == 10 and codes.count(200) == 10
    samples = app.samples()
    assert requests_total(samples, version="2.1", code="500") == 10
    assert requests_total(samples, version="2.1", code="200") == 10
    assert app.get("/healthz")[0] == 200  # the failing version is Ready: only the analysis can catch it

    rare = start(VERSION="2.1", ERROR_RATE="0.1")
    assert [rare.get("/")[0] for _ in range(30)].count(500) == 3


def test_success_rate_query_of_the_analysis_can_be_computed(start):
    """What the AnalysisTemplate asks: the share of non-5xx answers."""
    app = start(VERSION="2.1", ERROR_RATE="0.25")
    for _ in range(40):
        app.get("/")
    samples = app.samples()
    total = sum(v for (name, _labels), v in samples.items() if name == "http_requests_total")
    errors = sum(v for (name, labels), v in samples.items()
                 if name == "http_requests_total" and dict(labels)["code"].startswith("5"))
    assert (total - errors) / total == 0.75


def test_bad_configuration_stops_with_a_message(binary):
    result = subprocess.run([str(binary)], env={"ERROR_RATE": "2", "PORT": str(free_port())},
                            capture_output=True, text=True, timeout=10)
    assert result.returncode != 0
    assert 'ERROR_RATE="2"' in result.stderr


def test_sigterm_turns_healthz_to_503_then_exits(start):
    app = start(VERSION="1.0", SHUTDOWN_DELAY="1s")
    app.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 5
    while app.get("/healthz")[0] != 503:
        assert time.monotonic() < deadline, "healthz never answered 503"
        time.sleep(0.05)
    assert app.get("/")[0] == 200  # still serving while it leaves the endpoints
    assert app.stop() == 0


PAGE = ROOT / "docs" / "08-observabilite-deploiement" / "tp-strategies-deploiement.md"


def test_every_file_the_page_names_is_in_the_folder():
    named = set(re.findall(r"k8s/[\w./-]*[\w/]", PAGE.read_text(encoding="utf-8")))
    assert len(named) > 15
    missing = sorted(path for path in named if not (APP_FOLDER / path).exists())
    assert not missing, f"the page names files that docs/tp/goprom lacks: {missing}"


def test_the_manifests_use_the_images_the_dockerfile_builds():
    built = set(re.findall(r"docker build -t (goprom:[\d.]+)", (APP_FOLDER / "Dockerfile").read_text()))
    assert built == {"goprom:1.0", "goprom:2.0", "goprom:2.1"}
    used = set()
    for path in (APP_FOLDER / "k8s").rglob("*.yaml"):
        for document in yaml.safe_load_all(path.read_text()):
            containers = (document or {}).get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])
            used.update(container["image"] for container in containers)
    assert used and used <= built


def test_the_analysis_query_filters_on_labels_the_series_have(start):
    """app and rollouts_pod_template_hash come from the ServiceMonitor; the others from goprom."""
    monitor = next(d for d in yaml.safe_load_all((APP_FOLDER / "k8s" / "supervision.yaml").read_text())
                   if d["kind"] == "ServiceMonitor")
    target_labels = {label.replace("-", "_") for label in monitor["spec"]["podTargetLabels"]}
    template = yaml.safe_load((APP_FOLDER / "k8s" / "argo-analysis" / "analysistemplate.yaml").read_text())
    query = template["spec"]["metrics"][0]["provider"]["prometheus"]["query"]
    filtered = set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)\s*\"", query))
    app = start(VERSION="1.0")
    app.get("/")
    series_labels = {name for (metric, labels) in app.samples() if metric == "http_requests_total"
                     for name, _ in labels}
    assert filtered and filtered <= series_labels | target_labels
    assert {"app", "rollouts_pod_template_hash"} <= target_labels
