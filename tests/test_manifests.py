"""Manifest checks on small Markdown fixtures: what passes, what fails, and on which line."""

import textwrap

import pytest

from course import manifests

VERSION = "1.35"

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
          image: nginx:1.27
          ports:
            - containerPort: 80
"""

CLUSTER_ISSUER = """\
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    email: formateur@example.org
    privateKeySecretRef:
      name: letsencrypt-account
    solvers:
      - http01:
          ingress:
            ingressClassName: nginx
"""


def page(*blocks: str, title: str = "manifest.yaml") -> str:
    """A Markdown page with a heading, then each YAML block under a paragraph."""
    parts = ["# TP : essai", ""]
    for block in blocks:
        parts += [
            "Créez le fichier :",
            "",
            f'```yaml title="{title}"',
            block.rstrip("\n"),
            "```",
            "",
        ]
    return "\n".join(parts)


def check(markdown: str) -> manifests.Report:
    return manifests.check_page(markdown, kubernetes_version=VERSION)


def lines_of(report: manifests.Report) -> list[int]:
    return [problem.line for problem in report.problems]


def line_number(markdown: str, text: str) -> int:
    """1-based line of the first line containing text."""
    return next(n for n, line in enumerate(markdown.splitlines(), 1) if text in line)


# --- Kubernetes objects --------------------------------------------------------------------------


def test_a_valid_deployment_passes():
    report = check(page(DEPLOYMENT))
    assert report.problems == []
    assert report.counts["valid"] == 1


def test_hostpath_type_beside_hostpath_fails_on_its_line():
    volumes = """\
      volumes:
        - name: data
          hostPath:
            path: /srv/data
          type: DirectoryOrCreate
"""
    markdown = page(DEPLOYMENT + volumes)
    report = check(markdown)
    assert lines_of(report) == [line_number(markdown, "type: DirectoryOrCreate")]
    problem = report.problems[0]
    assert problem.subject == "Deployment/web"
    assert "spec.template.spec.volumes[0]: unknown field «type»" in problem.message
    assert report.counts["invalid"] == 1 and report.counts["valid"] == 0


def test_ingress_rules_nested_under_tls_fails_on_the_rules_line():
    ingress = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  tls:
    - hosts:
        - web.example.org
      secretName: web-tls
      rules:
        - host: web.example.org
"""
    markdown = page(ingress)
    report = check(markdown)
    assert lines_of(report) == [line_number(markdown, "rules:")]
    assert report.problems[0].message == "spec.tls[0]: unknown field «rules»"
    assert (
        report.problems[0]
        .format("docs/p.md")
        .startswith(f"docs/p.md:{line_number(markdown, 'rules:')}: Ingress/web: ")
    )


def test_batch_v1beta1_cronjob_fails_as_a_removed_api():
    cronjob = """\
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: nettoyage
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: nettoyage
              image: busybox:1.36
"""
    markdown = page(DEPLOYMENT, cronjob)
    report = check(markdown)
    assert lines_of(report) == [line_number(markdown, "apiVersion: batch/v1beta1")]
    message = report.problems[0].message
    assert "does not serve CronJob in batch/v1beta1" in message
    assert "apiVersion: batch/v1" in message
    assert report.counts["valid"] == 1


def test_a_cert_manager_cluster_issuer_passes():
    report = check(page(CLUSTER_ISSUER))
    assert report.problems == []
    assert report.counts["valid"] == 1


@pytest.mark.parametrize(
    ("original", "misspelt", "message"),
    [
        ("    email:", "    emial:", "spec.acme: unknown field «emial»"),
        ("spec:", "sepc:", "unknown field «sepc»"),
        (
            "  name: letsencrypt",
            "  name: letsencrypt\n  lables: {}",
            "metadata: unknown field «lables»",
        ),
    ],
)
def test_a_misspelt_field_in_a_cluster_issuer_fails(original, misspelt, message):
    markdown = page(CLUSTER_ISSUER.replace(original, misspelt, 1))
    report = check(markdown)
    assert message in [problem.message for problem in report.problems]
    field = message.rsplit("«", 1)[1].rstrip("»")
    assert line_number(markdown, f"{field}:") in lines_of(report)


def test_an_unknown_kind_fails():
    markdown = page("apiVersion: example.org/v1\nkind: Widget\nmetadata:\n  name: w\n")
    report = check(markdown)
    assert lines_of(report) == [line_number(markdown, "apiVersion: example.org/v1")]
    assert report.problems[0].message.startswith("unknown kind Widget (example.org/v1)")


def test_an_object_without_a_name_fails():
    markdown = page("apiVersion: v1\nkind: Namespace\nmetadata:\n  labels:\n    a: b\n")
    report = check(markdown)
    assert [problem.message for problem in report.problems] == [
        "metadata: no «name» (nor generateName) in metadata"
    ]


def test_every_document_of_a_block_is_checked_on_its_own_line():
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  prots: []\n"
    markdown = page(DEPLOYMENT + "---\n" + service)
    report = check(markdown)
    assert report.counts["valid"] == 1
    assert lines_of(report) == [line_number(markdown, "prots:")]


def test_yaml_indented_in_a_correction_and_a_tab_is_found_and_located():
    body = textwrap.indent(f'```yaml title="d.yaml"\n{DEPLOYMENT}  replica: 2\n```', " " * 8)
    markdown = f'# TP\n\n??? correction\n\n    === "kind"\n\n{body}\n'
    report = check(markdown)
    assert lines_of(report) == [line_number(markdown, "replica: 2")]


def test_a_yaml_syntax_error_is_a_failure_with_its_line():
    markdown = page("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: {}\n")
    report = check(markdown)
    assert lines_of(report) == [line_number(markdown, " data: {}")]
    assert report.problems[0].message.startswith("YAML syntax error:")


def test_a_duplicate_key_fails():
    markdown = page(DEPLOYMENT.replace("  replicas: 2\n", "  replicas: 2\n  replicas: 3\n"))
    report = check(markdown)
    assert lines_of(report) == [line_number(markdown, "replicas: 3")]


# --- Markers and other YAML ----------------------------------------------------------------------

SKELETON = DEPLOYMENT.replace("nginx:1.27", "<image>").replace("replicas: 2", "replicas: <nombre>")


def test_a_skeleton_with_placeholders_passes_only_when_marked():
    marked = check(page(SKELETON, title="web.yaml (squelette à compléter)"))
    assert marked.problems == [] and marked.counts["skeletons"] == 1

    unmarked_page = page(SKELETON)
    unmarked = check(unmarked_page)
    assert lines_of(unmarked) == [line_number(unmarked_page, "<nombre>")]
    assert "placeholder <nombre> outside a skeleton" in unmarked.problems[0].message
    assert "squelette" in unmarked.problems[0].message


def test_a_skeleton_is_still_parsed_as_yaml():
    report = check(page("a: [<image>\n", title="Skeleton to complete"))
    assert report.counts["invalid"] == 1


def test_a_fragment_is_parsed_only():
    env = "env:\n  - name: REDIS_HOST\n    value: redis\n"
    report = check(page(env, title="extrait du Deployment"))
    assert report.problems == [] and report.counts["fragments"] == 1


def test_html_in_a_block_scalar_is_not_a_placeholder():
    configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: page\ndata:\n"
    configmap += "  index.html: |\n    <h1>Bonjour</h1>\n"
    report = check(page(configmap))
    assert report.problems == [] and report.counts["valid"] == 1


def test_tool_configurations_and_plain_yaml_are_counted_apart():
    kind_cluster = (
        "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes:\n  - role: control-plane\n"
    )
    values = "replicaCount: 2\nimage:\n  tag: '1.27'\n"
    report = check(page(kind_cluster, values))
    assert report.problems == []
    assert report.counts["configs"] == 1 and report.counts["other"] == 1


def test_a_kubeadm_file_with_its_kubelet_and_kube_proxy_documents_is_a_config():
    kubeadm = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nclusterName: formation\n"
    kubelet = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n"
    kube_proxy = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n"
    report = check(page("---\n".join([kubeadm, kubelet, kube_proxy])))
    assert report.problems == [] and report.counts["configs"] == 3


def test_a_manifest_missing_its_kind_fails():
    report = check(page("apiVersion: v1\nmetadata:\n  name: x\n"))
    assert "no «kind»" in report.problems[0].message


def test_a_kustomization_is_validated_without_a_name():
    kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
    assert check(page(kustomization + "resources:\n  - deployment.yaml\n")).problems == []
    assert check(page(kustomization + "resource:\n  - deployment.yaml\n")).problems


def test_other_code_blocks_are_ignored():
    markdown = "````markdown\n```yaml\nkind: Nope\n```\n````\n\n```bash\nkubectl get pods\n```\n"
    assert check(markdown).counts == {}


# --- Pieces --------------------------------------------------------------------------------------


def test_fenced_blocks_remove_the_fence_indentation_and_read_the_title():
    markdown = '!!! note\n\n    ```yaml title="a.yaml"\n    a: 1\n      b: 2\n    ```\n'
    (block,) = manifests.fenced_blocks(markdown)
    assert (block.lang, block.title, block.first_line, block.last_line) == ("yaml", "a.yaml", 3, 6)
    assert block.text == "a: 1\n  b: 2\n"


def test_custom_resource_schemas_are_closed_except_where_fields_are_free():
    schema = manifests.strict_schema(
        {
            "properties": {
                "spec": {
                    "properties": {"config": {"x-kubernetes-preserve-unknown-fields": True}},
                    "oneOf": [{"properties": {"a": {}}}],
                }
            }
        }
    )
    assert schema["additionalProperties"] is False
    spec = schema["properties"]["spec"]
    assert spec["additionalProperties"] is False
    assert "additionalProperties" not in spec["properties"]["config"]
    assert "additionalProperties" not in spec["oneOf"][0]


def test_an_unsupported_kubernetes_version_is_refused():
    with pytest.raises(manifests.ManifestError, match="no schemas for Kubernetes 1.2"):
        manifests.check_version_supported("1.2")
