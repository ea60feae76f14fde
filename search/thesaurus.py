"""The thesaurus data file (search/data/thesaurus.txt) and its loading into SynonymGroup."""

from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "thesaurus.txt"


def read_groups(path=DATA_FILE):
    """[[expression, …]] of the file: one group a line, expressions separated by "|"."""
    groups = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [" ".join(part.split()) for part in line.split("|")]
        parts = [part for part in dict.fromkeys(parts) if part]
        if len(parts) >= 2:
            groups.append(parts)
    return groups


def load_groups(model, path=DATA_FILE, replace=False):
    """Create the file's groups missing from `model` (SynonymGroup, or its historical version
    in a migration). Returns how many were created."""
    if replace:
        model.objects.all().delete()
    existing = {group.terms for group in model.objects.all()}
    created = [
        model(terms="\n".join(parts))
        for parts in read_groups(path)
        if "\n".join(parts) not in existing
    ]
    model.objects.bulk_create(created)
    return len(created)
