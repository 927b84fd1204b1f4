"""Check the YAML blocks of the course's Markdown pages against Kubernetes.

Every fenced ```yaml (or ```yml) block of a page, also when it is indented inside
an admonition, a `??? correction` or a content tab, is split on `---` into YAML
documents, and each one lands in exactly one category:

- **valid**: a Kubernetes object (it has `apiVersion` and `kind`) that validates
  in strict mode, unknown fields rejected, against the Kubernetes version of the
  course: core kinds with the `kubernetes-validate` package, custom resources with
  the JSON schemas of `crds/` (`<group>/<kind>_<version>.json`). A kind known to
  neither, or an API version that Kubernetes no longer serves, is an error.
- **skeleton**: the block's title contains "squelette" (or "skeleton"), as in
  ```yaml title="frontend.yaml (squelette à compléter)". The trainee completes
  it, so it may hold placeholders written `<like-this>`: YAML syntax only. Its
  correction must be a complete manifest, which is checked like any other.
- **fragment**: the title contains "extrait" (or "excerpt"), as in
  ```yaml title="extrait du Deployment": a part of an object (an `env:` list, a
  `resources:` block), YAML syntax only.
- **config**: a configuration file that borrows the `apiVersion`/`kind` shape
  but is read by a tool, not by the API server (kubeconfig, kind cluster,
  skaffold, kubeadm...): YAML syntax only. The list is CONFIG_FILES, at the end.
- **other**: a document with neither `apiVersion` nor `kind` (Helm values, a
  compose file, a k3s config.yaml): YAML syntax only. A document with only one
  of the two keys is an error: it is a manifest with a key missing.

Skeletons and fragments are counted by block (the marker is on the block),
the others by document. Placeholders `<...>` outside a skeleton are an error:
the author must either mark the block or write the real values.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources
from pathlib import Path

import jsonschema
import kubernetes_validate
import yaml

from course.markdown import CodeBlock, block_marker, fenced_blocks

CRD_DIR = Path(__file__).parent / "crds"
CATEGORIES = ("valid", "skeletons", "fragments", "configs", "other", "invalid")


class ManifestError(ValueError):
    """A setting the checker cannot work with (not a problem in a page)."""


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based line in the page
    message: str
    subject: str = ""  # "Deployment/web" when the problem belongs to an object

    def format(self, path: str) -> str:
        subject = f"{self.subject}: " if self.subject else ""
        return f"{path}:{self.line}: {subject}{self.message}"


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)

    def add(self, other: Report) -> None:
        self.counts.update(other.counts)
        self.problems.extend(other.problems)

    def count(self, category: str) -> None:
        self.counts[category] += 1

    def fail(self, problems: list[Problem]) -> None:
        """One invalid document (or block), with everything wrong in it."""
        self.counts["invalid"] += 1
        self.problems.extend(problems)


# --- Pages and blocks ----------------------------------------------------------------------------


def check_page(markdown: str, *, kubernetes_version: str) -> Report:
    """Check every YAML block of a page; problems carry their line in the page."""
    report = Report()
    for block in fenced_blocks(markdown):
        if block.lang in YAML_LANGUAGES:
            report.add(check_block(block, kubernetes_version=kubernetes_version))
    report.problems.sort(key=lambda problem: problem.line)
    return report


def check_block(block: CodeBlock, *, kubernetes_version: str) -> Report:
    report = Report()
    try:
        documents = parse_documents(block.text)
    except yaml.MarkedYAMLError as error:
        report.fail([syntax_problem(error, block.body_line)])
        return report
    marker = block_marker(block.title)
    if marker:
        # The marker is on the block: the block is one skeleton or one fragment.
        problems = [
            problem
            for document in documents
            for problem in yaml_problems(
                document, block.body_line, placeholders_allowed=marker == "skeletons"
            )
        ]
        if problems:
            report.fail(problems)
        else:
            report.count(marker)
        return report
    for document in documents:
        if problems := yaml_problems(document, block.body_line, placeholders_allowed=False):
            report.fail(problems)
        else:
            report.add(check_document(document, block.body_line, version=kubernetes_version))
    return report


def syntax_problem(error: yaml.MarkedYAMLError, block_line: int) -> Problem:
    """Where PyYAML stopped, with what it was parsing when that started elsewhere."""
    mark = error.problem_mark or error.context_mark
    line = block_line + (mark.line if mark else 0)
    message = f"YAML syntax error: {error.problem or error.context}"
    if (
        error.context
        and error.context_mark
        and error.context_mark.line != getattr(mark, "line", None)
    ):
        message += f" ({error.context}, line {block_line + error.context_mark.line})"
    return Problem(line, message)


def yaml_problems(
    document: Document, block_line: int, *, placeholders_allowed: bool
) -> list[Problem]:
    """What is wrong in a document before any schema: duplicate keys, stray placeholders."""
    problems = [
        Problem(block_line + line, f"duplicate key «{key}»: kubectl refuses it")
        for line, key in document.duplicate_keys
    ]
    if document.placeholder and not placeholders_allowed:
        line, text = document.placeholder
        problems.append(
            Problem(
                block_line + line,
                f"placeholder {text} outside a skeleton: write the real value, or put "
                "«squelette» in the block's title if the trainee completes it",
            )
        )
    return problems


# --- YAML documents ------------------------------------------------------------------------------


class _ManifestLoader(yaml.SafeLoader):
    """PyYAML's safe loader, with dates left as strings.

    kubectl reads YAML through JSON, where `2025-01-31` stays a string; PyYAML
    would make it a date, which no schema accepts as a string field.
    """


_ManifestLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# `<like-this>` in a key or a plain or quoted scalar. Block scalars (`|`, `>`) are
# left out: they hold file contents such as HTML, where `<h1>` is not a placeholder.
_PLACEHOLDER = re.compile(r"<[^\W\d_][^<>\s]*(?: [^<>]*)?>")


@dataclass
class Document:
    data: object
    node: yaml.Node
    line: int  # 0-based line of the document's first node in the block
    duplicate_keys: list[tuple[int, str]]  # (0-based line, key)
    placeholder: tuple[int, str] | None  # first placeholder: (0-based line, text)


def parse_documents(text: str) -> list[Document]:
    """The non-empty YAML documents of a block; raises yaml.MarkedYAMLError on bad syntax."""
    loader = _ManifestLoader(text)
    documents = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            duplicate_keys = list(_duplicate_keys(node))  # walks the whole document first
            documents.append(
                Document(
                    data=loader.construct_document(node),
                    node=node,
                    line=node.start_mark.line,
                    duplicate_keys=duplicate_keys,
                    placeholder=next(_placeholders(node), None),
                )
            )
    finally:
        loader.dispose()
    return documents


def _walk(root: yaml.Node) -> Iterator[yaml.Node]:
    """Every node of a document once, even when anchors share them.

    An alias inside the node it names would make a structure without end, which
    no schema validation survives: it is reported as a YAML error instead.
    """
    seen: set[int] = set()

    def visit(node: yaml.Node, ancestors: frozenset[int]) -> Iterator[yaml.Node]:
        if id(node) in ancestors:
            raise yaml.constructor.ConstructorError(
                None, None, "an alias refers to a node that contains it", node.start_mark
            )
        if id(node) in seen:
            return
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        else:
            children = []
        for child in children:
            yield from visit(child, ancestors | {id(node)})

    yield from visit(root, frozenset())


def _duplicate_keys(root: yaml.Node) -> Iterator[tuple[int, str]]:
    # PyYAML keeps the last of two equal keys without a word; kubectl rejects them.
    for node in _walk(root):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        yield key.start_mark.line, key.value
                    seen.add(key.value)


def _placeholders(root: yaml.Node) -> Iterator[tuple[int, str]]:
    for node in _walk(root):
        if isinstance(node, yaml.ScalarNode) and node.style not in ("|", ">"):
            if match := _PLACEHOLDER.search(node.value):
                yield node.start_mark.line, match.group()


# --- Kubernetes objects --------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """A schema error inside one document, located by its JSON path."""

    path: tuple
    message: str
    names_field: bool = False  # the path ends on the field the message names: show its parent

    def describe(self) -> str:
        where = json_path(self.path[:-1] if self.names_field else self.path)
        return f"{where}: {self.message}" if where else self.message


def check_document(document: Document, block_line: int, *, version: str) -> Report:
    """Classify one YAML document and validate it when it is a Kubernetes object."""
    report = Report()
    data = document.data
    if not isinstance(data, dict) or not {"apiVersion", "kind"} & data.keys():
        report.count("other")
        return report
    api_version, kind = data.get("apiVersion") or "", data.get("kind") or ""
    line = block_line + document.line
    if not isinstance(api_version, str) or not isinstance(kind, str):
        report.fail([Problem(line, "apiVersion and kind must be strings")])
        return report
    if config_file(api_version, kind):
        report.count("configs")
        return report
    if not api_version or not kind:
        missing = "apiVersion" if kind else "kind"
        report.fail([Problem(line, f"no «{missing}»: a manifest needs both apiVersion and kind")])
        return report
    if not _API_VERSION.fullmatch(api_version):
        message = f"apiVersion «{api_version}» is neither group/version (apps/v1) nor version (v1)"
        report.fail([Problem(line, message)])
        return report
    if not _KIND.fullmatch(kind):
        report.fail([Problem(line, f"kind «{kind}» is not a kind name such as Deployment")])
        return report
    issues = validate_object(data, version=version)
    if not issues:
        report.count("valid")
        return report
    subject = object_label(data)
    report.fail(
        [
            Problem(block_line + line_of(document.node, issue.path), issue.describe(), subject)
            for issue in issues
        ]
    )
    return report


_API_VERSION = re.compile(r"(?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?/)?v\d+(?:(?:alpha|beta)\d+)?")
_KIND = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def validate_object(data: dict, *, version: str) -> list[Issue]:
    """Strict validation of one object: a custom resource schema of crds/, else Kubernetes."""
    api_version, kind = data["apiVersion"], data["kind"]
    group, _, group_version = api_version.rpartition("/")
    validator = crd_validator(group, kind.lower(), group_version) if group else None
    if validator is not None:
        issues = [issue for error in validator.iter_errors(data) for issue in issues_of(error)]
        if group not in TOOL_FILE_GROUPS:
            issues += object_meta_issues(data.get("metadata"), version=version)
        return issues + name_issues(data, group)
    try:
        kubernetes_validate.validate(data, full_version(version), strict=True)
    except kubernetes_validate.SchemaNotFoundError:
        message = not_served_message(api_version, kind, version=version)
        return [Issue(("apiVersion",), message, names_field=True)]
    except kubernetes_validate.ValidationError as error:
        return [*issues_of(error), *name_issues(data, group)]
    return name_issues(data, group)


def name_issues(data: dict, group: str) -> list[Issue]:
    """An object sent to the API server needs a name (or generateName); a tool's file does not."""
    if group in TOOL_FILE_GROUPS:
        return []
    metadata = data.get("metadata")
    if metadata is None:
        return [Issue((), "no «metadata»: the object needs metadata.name")]
    if not isinstance(metadata, dict):
        return []  # the schema says metadata must be a mapping
    if not (metadata.get("name") or metadata.get("generateName")):
        return [Issue(("metadata",), "no «name» (nor generateName) in metadata")]
    return []


def object_meta_issues(metadata: object, *, version: str) -> list[Issue]:
    """Check a custom resource's metadata as strictly as a core object's.

    CRD schemas only say `metadata: {type: object}`; validating it as the metadata
    of a ConfigMap applies Kubernetes' own ObjectMeta schema through the public API.
    """
    if not isinstance(metadata, dict):
        return []  # name_issues says what is missing
    carrier = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata}
    try:
        kubernetes_validate.validate(carrier, full_version(version), strict=True)
    except kubernetes_validate.ValidationError as error:
        return list(issues_of(error))
    return []


def issues_of(error: jsonschema.ValidationError) -> Iterator[Issue]:
    """Turn a jsonschema error into messages an author understands, at the right path."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        for key in _unexpected_keys(error.instance, error.schema):
            yield Issue((*path, key), f"unknown field «{key}»", names_field=True)
    elif error.validator == "required" and (match := _REQUIRED.match(error.message)):
        yield Issue(path, f"missing required field «{match.group(1)}»")
    elif error.validator in ("anyOf", "oneOf") and error.context:
        # "is not valid under any of the given schemas" says nothing: show the closest branch.
        yield from issues_of(jsonschema.exceptions.best_match(error.context))
    else:
        yield Issue(path, _shorten(error.message))


_REQUIRED = re.compile(r"^'(.*)' is a required property$")


def _unexpected_keys(instance: dict, schema: dict) -> list[str]:
    known = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    return [
        key
        for key in instance
        if key not in known and not any(re.search(pattern, str(key)) for pattern in patterns)
    ]


def _shorten(message: str, limit: int = 200) -> str:
    # jsonschema quotes the whole offending value, which can be a large mapping.
    return message if len(message) <= limit else message[: limit - 1] + "…"


def json_path(path: tuple) -> str:
    """spec.template.spec.volumes[0] from ('spec', 'template', 'spec', 'volumes', 0)."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def line_of(root: yaml.Node, path: tuple) -> int:
    """0-based line of what a JSON path designates in a document.

    A mapping entry is reported on its key's line (an unknown field, the
    `spec:` that misses a field), a list item on its first line; a path that
    leaves the document stops at the deepest node it reached.
    """
    node, line = root, root.start_mark.line
    for step in path:
        if isinstance(node, yaml.MappingNode):
            pair = next((pair for pair in node.value if pair[0].value == str(step)), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if step >= len(node.value):
                break
            node = node.value[step]
            line = node.start_mark.line
        else:
            break
    return line


def object_label(data: dict) -> str:
    """Kind/name, as kubectl names an object."""
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    name = metadata.get("name") or metadata.get("generateName") or "?"
    return f"{data.get('kind')}/{name}"


def config_file(api_version: str, kind: str) -> str | None:
    """The name of the tool's configuration file a document is, or None."""
    for name, api_pattern, kind_pattern in CONFIG_FILES:
        if fnmatchcase(api_version, api_pattern) and fnmatchcase(kind, kind_pattern):
            return name
    return None


# --- Versions and schemas ------------------------------------------------------------------------


def full_version(version: str) -> str:
    """The x.y.z form kubernetes-validate expects: 1.35 -> 1.35.0."""
    return version if version.count(".") == 2 else f"{version}.0"


def check_version_supported(version: str) -> None:
    """Raise ManifestError unless kubernetes-validate ships the schemas of this version."""
    if not re.fullmatch(r"\d+\.\d+(\.\d+)?", version):
        raise ManifestError(f"'{version}' is not a Kubernetes version such as \"1.35\"")
    available = kubernetes_validate.utils.all_versions()
    if full_version(version) not in available:
        raise ManifestError(
            f"kubernetes-validate {kubernetes_validate.version.__version__} has no schemas for "
            f"Kubernetes {version} (it has {available[0]} to {available[-1]}): "
            "upgrade it or change the course's version"
        )


def not_served_message(api_version: str, kind: str, *, version: str) -> str:
    served = served_api_versions(kind, version=version)
    if served:
        return (
            f"Kubernetes {version} does not serve {kind} in {api_version} "
            f"(removed or misspelt API version): use apiVersion: {' or '.join(served)}"
        )
    return (
        f"unknown kind {kind} ({api_version}): neither Kubernetes {version} nor the "
        "custom resource schemas of hooks/course/crds/ know it; add its schema there "
        "or drop the manifest"
    )


def served_api_versions(kind: str, *, version: str) -> list[str]:
    """The apiVersions that do serve a kind: Kubernetes' own, then the custom resources'."""
    core = _core_api_versions(kind, full_version(version))
    custom = [
        f"{path.parent.name}/{path.stem.rpartition('_')[2]}"
        for path in sorted(CRD_DIR.glob(f"*/{kind.lower()}_*.json"))
    ]
    return [*core, *custom]


@cache
def _core_api_versions(kind: str, version: str) -> tuple[str, ...]:
    # kubernetes-validate names its schemas <kind>-<group>-<version>.json; the group is
    # shortened there, so the full apiVersion is read from each candidate schema.
    folder = resources.files("kubernetes_validate") / "kubernetes-json-schema"
    folder = folder / f"v{version}-local-strict"
    if not folder.is_dir():
        return ()
    found = []
    for entry in folder.iterdir():
        if entry.name.startswith(f"{kind.lower()}-"):
            properties = json.loads(entry.read_text(encoding="utf-8")).get("properties", {})
            if kind in properties.get("kind", {}).get("enum", []):
                found += properties.get("apiVersion", {}).get("enum", [])
    return tuple(sorted(found))


@cache
def crd_validator(group: str, kind: str, version: str) -> jsonschema.protocols.Validator | None:
    """A strict validator for a custom resource, or None when crds/ has no schema for it."""
    path = CRD_DIR / group / f"{kind}_{version}.json"
    if not path.is_file():
        return None
    schema = strict_schema(json.loads(path.read_text(encoding="utf-8")))
    validator_class = jsonschema.validators.validator_for(
        schema, default=jsonschema.Draft202012Validator
    )
    return validator_class(schema)


def strict_schema(schema: dict) -> dict:
    """A copy of a custom resource schema that rejects unknown fields everywhere.

    The catalog's schemas close every nested object but leave the top level
    open, so a misspelt `spec` would pass; and they close some objects marked
    `x-kubernetes-preserve-unknown-fields`, where the API server keeps any field.
    """
    schema = copy.deepcopy(schema)
    properties = schema.setdefault("properties", {})
    properties.setdefault("apiVersion", {"type": "string"})
    properties.setdefault("kind", {"type": "string"})
    properties.setdefault("metadata", {"type": "object"})
    _close_objects(schema, closable=True)
    return schema


def _close_objects(schema: object, *, closable: bool) -> None:
    if not isinstance(schema, dict):
        return
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        if schema.get("additionalProperties") is False:
            del schema["additionalProperties"]
    elif closable and "properties" in schema and "additionalProperties" not in schema:
        schema["additionalProperties"] = False
    for keyword in ("properties", "patternProperties", "definitions", "$defs"):
        for subschema in schema.get(keyword, {}).values():
            _close_objects(subschema, closable=True)
    for keyword in ("items", "additionalProperties"):
        subschemas = schema.get(keyword)
        for subschema in subschemas if isinstance(subschemas, list) else [subschemas]:
            _close_objects(subschema, closable=True)
    # A branch of allOf/anyOf/oneOf/not only adds constraints to the fields its
    # parent declares: closing it would reject those fields.
    for keyword in ("allOf", "anyOf", "oneOf"):
        for subschema in schema.get(keyword, []):
            _close_objects(subschema, closable=False)
    _close_objects(schema.get("not"), closable=False)


# --- Data ----------------------------------------------------------------------------------------

YAML_LANGUAGES = frozenset({"yaml", "yml"})

# Words of a fence title that mark a block, matched case-insensitively anywhere in the title.

# Configuration files that look like objects but are read by a tool, never sent to the
# API server: (name, apiVersion pattern, kind pattern); an empty kind pattern means no kind.
CONFIG_FILES = (
    ("kubeconfig", "v1", "Config"),
    ("kind cluster configuration", "kind.x-k8s.io/*", "Cluster"),
    ("k3d cluster configuration", "k3d.io/*", "Simple"),
    ("skaffold.yaml", "skaffold/*", "Config"),
    ("kubeadm configuration", "kubeadm.k8s.io/*", "*"),
    ("kubelet configuration", "kubelet.config.k8s.io/*", "KubeletConfiguration"),
    ("kube-proxy configuration", "kubeproxy.config.k8s.io/*", "KubeProxyConfiguration"),
    ("audit policy", "audit.k8s.io/*", "Policy"),
    ("Helm Chart.yaml", "v2", ""),
)

# Groups of crds/ whose files are read by a tool (kustomize build), not stored by the API
# server: validated against their schema, but they have no metadata.name.
TOOL_FILE_GROUPS = frozenset({"kustomize.config.k8s.io"})
