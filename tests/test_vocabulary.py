"""The vocabulary check: the "not" words of WRITING.md's table, found in prose only, by line."""

from course.vocabulary import check_vocabulary

PAGE = """\
# Les sondes

Le planificateur place chaque pod ; une sonde de vie le redémarre.
Un déploiement progressif, *on premise* ou on-prem, pour packager l'application.
Poussez l'image sur un registry ; installez un Ingress Controller.

Les Pods, une sonde de vivacité, une mise à jour progressive, *on-premises*, empaqueter.
Un registre d'images (*registry*) et un contrôleur Ingress (*ingress controller*).
Les produits Docker Registry et GitHub Container Registry gardent leur nom.
Les commandes `kubectl get pods` et `app=demo-pod` sont du code, [lien](../pod/index.md) aussi.

```bash
kubectl get pods   # un pod, une sonde de vie
```

<!-- un pod dans un commentaire -->
"""


def found(pages):
    return [(finding.path, finding.line, finding.found) for finding in check_vocabulary(pages)]


def test_each_avoided_word_is_reported_at_its_line():
    assert found({"docs/p.md": PAGE}) == [
        ("docs/p.md", 3, "planificateur"),
        ("docs/p.md", 3, "pod"),
        ("docs/p.md", 3, "sonde de vie"),
        ("docs/p.md", 4, "déploiement progressif"),
        ("docs/p.md", 4, "on premise"),
        ("docs/p.md", 4, "on-prem"),
        ("docs/p.md", 4, "packager"),
        ("docs/p.md", 5, "Ingress Controller"),
        ("docs/p.md", 5, "registry"),
    ]


def test_the_words_to_say_code_comments_and_glosses_in_italics_pass():
    page = "\n".join(PAGE.splitlines()[6:])
    assert found({"docs/p.md": page}) == []


def test_english_pages_are_not_checked_and_the_message_names_the_word_to_write():
    assert found({"docs/p.en.md": "Every pod has a registry."}) == []
    (finding,) = check_vocabulary({"docs/p.md": "Un pod."})
    assert finding.format() == "docs/p.md:1: «pod»: write «Pod» (WRITING.md, Vocabulary)"
