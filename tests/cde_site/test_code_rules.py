"""Rules of docs/architecture.md that a reader checks by eye, checked on every file instead."""

import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = [
    "accounts", "audit", "cafes_cites", "cites", "commons", "espace", "groups", "notifications",
    "pilotage", "platform", "ressources", "rgpd", "search", "themes",
]  # fmt: skip


def source_files():
    for name in APP_DIRS:
        for path in (ROOT / name).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def choice_labels():
    """The French labels of every field with choices ("En attente", "Acceptée"…)."""
    labels = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for _value, label in getattr(field, "choices", None) or []:
                if (isinstance(label, str) and not label.isascii()) or (
                    isinstance(label, str) and " " in label
                ):
                    labels.add(str(label))
    return labels


DISPLAY = re.compile(r"get_\w+_display\(\)\s*(==|!=|\bin\b)")


def offences(paths, labels):
    found = []
    patterns = [
        re.compile(rf"(==|!=)\s*{re.escape(q)}|{re.escape(q)}\s*(==|!=)")
        for label in labels
        for q in (f'"{label}"', f"'{label}'")
    ]
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if DISPLAY.search(line) or any(pattern.search(line) for pattern in patterns):
                found.append(f"{path.name}:{number}: {line.strip()}")
    return found


def test_code_compares_values_not_french_display_strings():
    """A label is for people: reworded in the admin or translated, it must not change what the
    code decides. Code compares the stored values (TextChoices members)."""
    labels = choice_labels()
    assert labels, "no choice label found: the rule would check nothing"
    assert offences(source_files(), labels) == []


def test_the_rule_finds_comparisons_with_labels(tmp_path):
    """The check above can fail: lines that break the rule, in a file of its own."""
    labels = choice_labels()
    label = sorted(labels)[0]
    bad = tmp_path / "bad.py"
    bad.write_text(
        f'if request.get_status_display() == "x":\n    pass\nif status != "{label}":\n    pass\n',
        encoding="utf-8",
    )
    assert len(offences([bad], labels)) == 2
