"""Rendering the TP folders' Kustomize overlays and Helm charts with the real tools (make tools)."""

from pathlib import Path

import pytest

from course.renders import RenderError, Target, check_target, find_targets, find_tools, render

ROOT = Path(__file__).resolve().parent.parent
TOOLS_DIR = ROOT / ".venv" / "tools"


@pytest.fixture(scope="module")
def tools():
    # make test runs make check first, which installs them: a missing tool is a failure, not a skip.
    return find_tools(TOOLS_DIR)


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.29
"""

OVERLAY = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: prod
resources:
  - ../../base
replicas:
  - name: web
    count: 5
"""

COMPONENT = """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
labels:
  - pairs:
      plateforme: k3s
"""


def kustomize_tree(tmp_path: Path) -> Path:
    tp = tmp_path / "tp"
    write(tp / "app" / "k8s", {
        "base/deployment.yaml": DEPLOYMENT,
        "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
        "overlays/prod/kustomization.yaml": OVERLAY,
        "components/k3s/kustomization.yaml": COMPONENT,
    })
    return tp


def test_targets_are_overlays_and_charts_not_components(tmp_path):
    tp = kustomize_tree(tmp_path)
    write(tp / "chart", {"Chart.yaml": "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
                         "templates/kustomization.yaml": "resources: []\n"})
    found = [(target.tool, target.folder.relative_to(tp).as_posix()) for target in find_targets(tp)]
    assert found == [("kustomize", "app/k8s/base"), ("kustomize", "app/k8s/overlays/prod"), ("helm", "chart")]


def test_overlay_renders_with_kustomize_of_kubectl(tmp_path, tools):
    tp = kustomize_tree(tmp_path)
    rendered = render(Target("kustomize", tp / "app/k8s/overlays/prod"), tools=tools)
    assert "namespace: prod" in rendered
    assert "replicas: 5" in rendered


def test_rendered_objects_are_validated(tmp_path, tools):
    tp = kustomize_tree(tmp_path)
    (tp / "app/k8s/base/deployment.yaml").write_text(DEPLOYMENT.replace("replicas: 2", "replica: 2"))
    report = check_target(Target("kustomize", tp / "app/k8s/base"), tools=tools, base=tmp_path,
                          kubernetes_version="1.35")
    assert report.objects.counts["invalid"] == 1
    assert any(p.startswith("tp/app/k8s/base (rendered by kustomize):") and "replica" in p for p in report.problems)


def test_broken_overlay_names_its_folder(tmp_path, tools):
    tp = kustomize_tree(tmp_path)
    (tp / "app/k8s/overlays/prod/kustomization.yaml").write_text(OVERLAY.replace("../../base", "../../basse"))
    report = check_target(Target("kustomize", tp / "app/k8s/overlays/prod"), tools=tools, base=tmp_path,
                          kubernetes_version="1.35")
    assert len(report.problems) == 1
    assert report.problems[0].startswith("tp/app/k8s/overlays/prod: kustomize:")
    assert "basse" in report.problems[0]


CHART = {
    "Chart.yaml": """\
apiVersion: v2
name: web
version: 0.1.0
appVersion: "1.29"
dependencies:
  - name: redis
    version: 0.34.18
    repository: oci://registry-1.docker.io/cloudpirates
    condition: redis.enabled
""",
    "values.yaml": "replicas: 2\nredis:\n  enabled: true\n",
    "templates/deployment.yaml": DEPLOYMENT.replace("name: web\nspec", "name: {{ .Release.Name }}-web\nspec")
    .replace("replicas: 2", "replicas: {{ .Values.replicas }}"),
}


def test_chart_renders_without_fetching_its_dependencies(tmp_path, tools):
    write(tmp_path / "tp" / "web", CHART)
    report = check_target(Target("helm", tmp_path / "tp" / "web"), tools=tools, base=tmp_path,
                          kubernetes_version="1.35")
    assert report.problems == []
    assert report.objects.counts["valid"] == 1


def test_dependency_without_condition_is_refused(tmp_path, tools):
    chart = dict(CHART, **{"Chart.yaml": CHART["Chart.yaml"].replace("    condition: redis.enabled\n", "")})
    write(tmp_path / "tp" / "web", chart)
    with pytest.raises(RenderError, match="dependency 'redis' has no condition"):
        render(Target("helm", tmp_path / "tp" / "web"), tools=tools)


def test_template_error_is_reported(tmp_path, tools):
    chart = dict(CHART, **{"templates/deployment.yaml": "{{ .Values.replicas | nosuchfunction }}\n"})
    write(tmp_path / "tp" / "web", chart)
    report = check_target(Target("helm", tmp_path / "tp" / "web"), tools=tools, base=tmp_path,
                          kubernetes_version="1.35")
    assert report.problems
    assert all(problem.startswith("tp/web") for problem in report.problems)
    assert any("nosuchfunction" in problem for problem in report.problems)


def test_missing_tools_say_how_to_install_them(tmp_path):
    with pytest.raises(RenderError, match="make tools"):
        find_tools(tmp_path)


def test_templates_and_patch_files_are_rendered_only(tmp_path):
    from course.renders import rendered_only

    tp = kustomize_tree(tmp_path)
    write(tp / "app/k8s/overlays/prod", {"replicas.yaml": "kind: Deployment\n"})
    (tp / "app/k8s/overlays/prod/kustomization.yaml").write_text(OVERLAY + "patches:\n  - path: replicas.yaml\n")
    write(tp / "app/k8s/components/k3s", {"route.yaml": "kind: HTTPRoute\n"})
    (tp / "app/k8s/components/k3s/kustomization.yaml").write_text(COMPONENT + "patches:\n  - path: route.yaml\n")
    write(tp / "web", CHART)
    found = sorted(path.relative_to(tp.resolve()).as_posix() for path in rendered_only(tp))
    assert found == ["app/k8s/components/k3s/route.yaml", "app/k8s/overlays/prod/replicas.yaml",
                     "web/templates/deployment.yaml"]
