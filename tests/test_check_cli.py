"""The content checker as `make check` runs it: summary lines, failure lines, exit status."""

import subprocess
import sys
from pathlib import Path

import pytest

from check_links import extract_urls
from course.spelling import prose_words

ROOT = Path(__file__).resolve().parent.parent
CHECKER = ROOT / "hooks" / "check_content.py"
THIN = "\u202f"

MKDOCS_YML = """\
site_url: !ENV [SITE_URL, "http://127.0.0.1:8000/"]
extra:
  kubernetes_version: "1.35"
  corrections:
    mode: !ENV [CORRECTIONS, release]
"""

GOOD_PAGE = """\
# TP : déployer

Créez le fichier :

```yaml title="pod.yaml"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
```

```yaml title="pod.yaml (squelette à compléter)"
image: <image>
```

```yaml title="extrait du Pod"
ports:
  - containerPort: 80
```

??? correction

    Appliquez le manifeste avec kubectl.
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECKER), *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.fixture
def site(tmp_path) -> Path:
    """A folder with a mkdocs.yml and docs/ holding one good page."""
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    docs = tmp_path / "docs" / "01-chapitre"
    docs.mkdir(parents=True)
    (docs / "tp.md").write_text(GOOD_PAGE, encoding="utf-8")
    return tmp_path


def check(site: Path, *args: str) -> subprocess.CompletedProcess:
    # Run from elsewhere: the checker must not depend on the current directory.
    return run("--config", str(site / "mkdocs.yml"), *args, str(site / "docs"), cwd=Path("/"))


def test_a_clean_folder_prints_the_summaries_and_exits_0(site):
    result = check(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "manifests: 1 valid, 1 skeletons, 1 fragments, 0 configs, 0 other, 0 invalid"
        " (Kubernetes 1.35)",
        "exercises: 0 questions, 1 corrections, 0 unanswered",
        "tp files: 0 folders, manifests 0 valid, 0 skeletons, 0 fragments, 0 configs, 0 other, 0 invalid,"
        " 0 problems",
        "renders: no overlay or chart",
        f"spelling: {words_of(site)} words, 0 unknown",
        "vocabulary: 0 avoided words",
    ]
    assert result.stderr == ""


def words_of(site: Path) -> int:
    return len(prose_words((site / "docs" / "01-chapitre" / "tp.md").read_text()))


def test_failures_are_listed_with_their_page_and_line_and_exit_1(site):
    page = site / "docs" / "01-chapitre" / "tp.md"
    page.write_text(
        GOOD_PAGE.replace(
            "apiVersion: v1\nkind: Pod", "apiVersion: v1\nkind: Pod\nstatu: {}"
        ).replace("Créez", "Crééz"),
        encoding="utf-8",
    )
    result = check(site)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "docs/01-chapitre/tp.md:8: Pod/web: unknown field «statu»" in lines
    assert "docs/01-chapitre/tp.md:3: unknown word «Crééz»" in lines
    assert lines[-2] == f"spelling: {words_of(site)} words, 1 unknown"
    assert any(line.startswith("manifests: 0 valid,") and "1 invalid" in line for line in lines)


def test_a_yaml_syntax_error_is_a_failure_line_not_a_traceback(site):
    (site / "docs" / "broken.md").write_text("```yaml\na: [1, 2\n```\n", encoding="utf-8")
    result = check(site, "--only", "manifests")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.splitlines()[0].startswith("docs/broken.md:3: YAML syntax error:")


def test_avoided_words_are_listed_with_their_page_and_line_and_exit_1(site):
    page = site / "docs" / "01-chapitre" / "tp.md"
    page.write_text(GOOD_PAGE.replace("Créez le fichier", "Créez le pod"), encoding="utf-8")
    result = check(site, "--only", "vocabulary")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "docs/01-chapitre/tp.md:3: «pod»: write «Pod» (WRITING.md, Vocabulary)",
        "vocabulary: 1 avoided words",
    ]


def test_only_runs_one_check(site):
    result = check(site, "--only", "spelling")
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["spelling"]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("  kubernetes_version: 1.30\n", "quote extra.kubernetes_version"),
        ("  other: 1\n", "extra.kubernetes_version is missing"),
        ('  kubernetes_version: "1.2"\n', "no schemas for Kubernetes 1.2"),
    ],
)
def test_a_bad_version_setting_is_explained(site, setting, message):
    config = site / "mkdocs.yml"
    config.write_text(
        MKDOCS_YML.replace('  kubernetes_version: "1.35"\n', setting), encoding="utf-8"
    )
    result = check(site, "--only", "manifests")
    assert result.returncode == 1
    assert result.stdout.startswith("manifests: cannot run:") and message in result.stdout


def test_a_missing_docs_folder_is_an_error_message(tmp_path):
    result = run(str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("error:") and "Traceback" not in result.stderr


def test_the_thousands_of_the_summary_are_separated_by_a_thin_space(site):
    page = site / "docs" / "long.md"
    page.write_text("Un conteneur tourne.\n" * 400, encoding="utf-8")
    result = check(site, "--only", "spelling")
    assert f"spelling: 1{THIN}" in result.stdout


ANSWER_PAGE = """\
# TP

Travaillez dans `~/tp/demo`, puis dans `~/tp/demo-final`.

??? correction demo-final "Manifestes complets"
    ```yaml title="k8s/app.yaml"
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: demo
    ```
"""


@pytest.fixture
def tp_site(site) -> Path:
    """The site, plus a starting folder and a folder that answers the correction demo-final."""
    config = site / "mkdocs.yml"
    config.write_text(MKDOCS_YML + "  tp_files:\n    demo-final:\n      answers: demo-final\n", encoding="utf-8")
    (site / "docs" / "01-chapitre" / "tp.md").write_text(ANSWER_PAGE, encoding="utf-8")
    for folder in ("demo", "demo-final"):
        (site / "docs" / "tp" / folder / "k8s").mkdir(parents=True)
        (site / "docs" / "tp" / folder / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n")
    (site / "docs" / "tp" / "demo-final" / "k8s" / "app.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n", encoding="utf-8"
    )
    return site


def test_tp_folders_pass_when_pages_files_and_answers_agree(tp_site):
    result = check(tp_site, "--only", "tp-files")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "tp files: 2 folders, manifests 1 valid, 0 skeletons, 0 fragments, 0 configs, 2 other, 0 invalid, 0 problems"
    ]


def test_tp_folder_problems_name_the_file_and_line(tp_site):
    page = tp_site / "docs" / "01-chapitre" / "tp.md"
    page.write_text(ANSWER_PAGE.replace("`~/tp/demo`", "`~/tp/absent`").replace("name: demo", "name: autre"))
    (tp_site / "docs" / "tp" / "demo" / "k8s" / "bad.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  prots: []\n"
    )
    result = check(tp_site, "--only", "tp-files")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "docs/01-chapitre/tp.md:3: ~/tp/absent names no folder of docs/tp/ (known: demo, demo-final)" in lines
    bad_field = "docs/tp/demo/k8s/bad.yaml:6: Service/web: spec: unknown field «prots»"
    assert any(line.startswith(bad_field) for line in lines)
    assert ("docs/01-chapitre/tp.md:6: 'k8s/app.yaml' differs from docs/tp/demo-final/k8s/app.yaml; "
            "keep the correction and the TP folder identical") in lines
    assert lines[-1].endswith("3 problems")


def test_tp_settings_naming_an_unknown_folder_or_correction_fail(tp_site):
    config = tp_site / "mkdocs.yml"
    config.write_text(MKDOCS_YML + "  tp_files:\n    demo:\n      answers: nulle-part\n", encoding="utf-8")
    result = check(tp_site, "--only", "tp-files")
    assert result.returncode == 1
    assert "mkdocs.yml: extra.tp_files.demo.answers: no correction has the identifier 'nulle-part'" in result.stdout


def test_link_extraction_skips_code_and_local_hosts():
    page = """\
Voir la [documentation](https://kubernetes.io/docs/concepts/#pods), et https://kind.sigs.k8s.io.
Ouvrez http://localhost:8080 ou http://web.example.com/ ou http://192.168.49.2:30080.
`https://dans-du-code.io`

```bash
curl https://dans-un-bloc.io
```
"""
    assert list(extract_urls(page)) == [
        (1, "https://kubernetes.io/docs/concepts/"),
        (1, "https://kind.sigs.k8s.io"),
    ]
