"""Vérifie le jeu jugé contre data.py (analyse `ast` du texte, aucune importation du projet)."""

import ast
import json
import sys
from pathlib import Path

DATA = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/main/platform/cde_site/demo/data.py")
HERE = Path(__file__).resolve().parent


def lists(tree):
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out[t.id] = node.value.elts
    return out


def field(d, key):
    for k, v in zip(d.keys, d.values, strict=False):
        if isinstance(k, ast.Constant) and k.value == key and isinstance(v, ast.Constant):
            return v.value
    return None


L = lists(ast.parse(DATA.read_text(encoding="utf-8")))
cites = {field(d, "slug"): field(d, "name") for d in L["CITES"]}
actions = {field(d, "slug"): field(d, "cite_name") for d in L["ACTIONS_INSPIRANTES"]}
fiches = {field(d, "slug") for d in L["FICHES_DISPOSITIFS"]}
name_to_cite = {n: s for s, n in cites.items()}

errors = []
full = json.loads((HERE / "pour-ma-cite.json").read_text(encoding="utf-8"))
for e in full["cites"]:
    kind, slug = e["cite"].split(":", 1)
    if kind != "cite" or slug not in cites:
        errors.append(f"cité inconnue {e['cite']}")
    n = len(e["judgments"])
    if not 8 <= n <= 15:
        errors.append(f"{e['cite']}: {n} items")
    for key, g in e["judgments"].items():
        k, s = key.split(":", 1)
        if g not in (1, 2, 3):
            errors.append(f"{e['cite']} {key}: note {g}")
        if k == "action":
            if s not in actions:
                errors.append(f"{e['cite']}: action inconnue {s}")
            elif name_to_cite.get(actions[s]) == slug:
                errors.append(f"{e['cite']}: action de la cité elle-même {s}")
        elif k == "fiche":
            if s not in fiches:
                errors.append(f"{e['cite']}: fiche inconnue {s}")
        elif k == "cite":
            if s not in cites:
                errors.append(f"{e['cite']}: cité inconnue {s}")
            if s == slug:
                errors.append(f"{e['cite']}: se juge elle-même")
        else:
            errors.append(f"{e['cite']}: type inconnu {key}")
        if g == 3 and not e["reasons"].get(key):
            errors.append(f"{e['cite']} {key}: note 3 sans raison")
    for key in e["reasons"]:
        if e["judgments"].get(key) != 3:
            errors.append(f"{e['cite']} {key}: raison pour une note != 3")

missing = set(cites) - {e["cite"].split(":", 1)[1] for e in full["cites"]}
if missing:
    errors.append(f"cités non couvertes : {sorted(missing)}")

dev = json.loads((HERE / "pour-ma-cite-dev.json").read_text(encoding="utf-8"))["cites"]
held = json.loads((HERE / "pour-ma-cite-heldout.json").read_text(encoding="utf-8"))["cites"]
dk, hk = {e["cite"] for e in dev}, {e["cite"] for e in held}
if dk & hk or (dk | hk) != {e["cite"] for e in full["cites"]}:
    errors.append("découpage dev/heldout incohérent")

for name, part in (("total", full["cites"]), ("dev", dev), ("heldout", held)):
    items = [g for e in part for g in e["judgments"].values()]
    kinds = {}
    for e in part:
        for key in e["judgments"]:
            kinds[key.split(":")[0]] = kinds.get(key.split(":")[0], 0) + 1
    print(
        f"{name}: {len(part)} cités, {len(items)} jugements "
        f"(3:{items.count(3)} 2:{items.count(2)} 1:{items.count(1)}) par type {kinds}"
    )
used = {k for e in full["cites"] for k in e["judgments"]}
print("actions jamais jugées :", sorted(s for s in actions if f"action:{s}" not in used))
print("fiches jamais jugées :", sorted(s for s in fiches if f"fiche:{s}" not in used))
print("ERREURS :" if errors else "OK : toutes les clés existent dans data.py", *errors, sep="\n")
sys.exit(1 if errors else 0)
