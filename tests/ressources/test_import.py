"""manage.py import_ressources on good, bad and repeated input."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import PageViewRestriction

from cde_site.setup import setup_site
from ressources.models import ActionInspirantePage, FicheDispositifPage, RessourcePage
from ressources.setup import ensure_library


@pytest.fixture
def library():
    return ensure_library(setup_site())[0]


def write(tmp_path, lines):
    path = tmp_path / "ressources.jsonl"
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines),
        encoding="utf-8",
    )
    return str(path)


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ressources", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


GOOD = [
    {
        "type": "fiche",
        "slug": "aide-mobilite",
        "title": "Aide à la mobilité",
        "summary": "Un coup de pouce pour le permis.",
        "body": "<p>Texte</p><script>alert(1)</script><p onclick='x()'>Suite</p>",
        "themes": ["mobilite"],
        "cite": None,
        "region": "Hauts-de-France",
        "public_cible": ["jeunes", "tous"],
        "date": "2024-02-01",
        "visibility": "public",
    },
    {
        "type": "action",
        "slug": "garage-solidaire",
        "title": "Un garage solidaire",
        "summary": "Réparer sa voiture à prix coûtant.",
        "body": "<p>Action</p>",
        "themes": ["mobilite", "precarite-financiere"],
        "cite": "testville-import",
        "region": None,
        "public_cible": [],
        "date": None,
        "visibility": "members",
    },
]


def test_import_good_then_repeated(tmp_path, library):
    from tests.factories import CiteFactory

    CiteFactory(slug="testville-import", region="11")
    path = write(tmp_path, GOOD)
    out, _ = run(path)
    assert "2 ressources ont été créées, 0 mise à jour, 0 ligne ignorée" in out
    fiche = FicheDispositifPage.objects.get(slug="aide-mobilite")
    assert fiche.live and fiche.region == "32"
    body = str(fiche.body)
    assert "<script>" not in body and "onclick" not in body and "Suite" in body
    assert sorted(fiche.publics_cibles.values_list("slug", flat=True)) == ["jeunes", "tous"]
    action = ActionInspirantePage.objects.get(slug="garage-solidaire")
    assert action.cite.slug == "testville-import" and action.region == "11"
    assert PageViewRestriction.objects.filter(page=action).exists()
    # Re-running updates in place: no duplicate.
    changed = [dict(GOOD[0], title="Aide à la mobilité (mise à jour)"), GOOD[1]]
    out, _ = run(write(tmp_path, changed))
    assert "0 ressource a été créée, 2 mises à jour" in out
    assert RessourcePage.objects.count() == 2
    assert FicheDispositifPage.objects.get(slug="aide-mobilite").title.endswith("(mise à jour)")


def test_import_reports_bad_lines_and_keeps_good_ones(tmp_path, library):
    lines = [
        GOOD[0],
        "{pas du json",
        dict(GOOD[0], slug="autre", type="article"),
        dict(GOOD[0], slug="theme-inconnu", themes=["cuisine"]),
        dict(GOOD[0], slug="region-inconnue", region="Atlantide"),
        dict(GOOD[0], slug="date-fausse", date="01/02/2024"),
        dict(GOOD[0], slug="sans-titre", title=""),
        dict(GOOD[0], slug="cite-inconnue", cite="nulle-part"),
        dict(GOOD[0]),  # same slug twice in the file
        dict(GOOD[0], slug="visibilite", visibility="secret"),
    ]
    out, err = run(write(tmp_path, lines))
    assert "1 ressource a été créée, 0 mise à jour, 9 lignes ignorées" in out
    assert "Ligne 2 ignorée : JSON invalide" in err
    assert "Ligne 3 ignorée : type inconnu « article »" in err
    assert "Ligne 4 ignorée : champ d'action inconnu : cuisine" in err
    assert "Ligne 5 ignorée : région inconnue « Atlantide »" in err
    assert "Ligne 6 ignorée : date « 01/02/2024 » invalide" in err
    assert "Ligne 7 ignorée : champ obligatoire manquant : title" in err
    assert "Ligne 8 ignorée : cité inconnue « nulle-part »" in err
    assert "Ligne 9 ignorée : identifiant « aide-mobilite » déjà présent" in err
    assert "Ligne 10 ignorée : visibilité « secret » invalide" in err
    assert RessourcePage.objects.count() == 1


def test_import_type_change_is_refused(tmp_path, library):
    run(write(tmp_path, [GOOD[0]]))
    _out, err = run(write(tmp_path, [dict(GOOD[0], type="action")]))
    assert "existe déjà avec un autre type" in err
    assert ActionInspirantePage.objects.count() == 0


def test_dry_run_changes_nothing(tmp_path, library):
    out, _ = run(write(tmp_path, [GOOD[0]]), "--dry-run")
    assert "1 ressource serait créée" in out and "Simulation" in out
    assert RessourcePage.objects.count() == 0


def test_missing_file_is_a_clear_error(library):
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command("import_ressources", "/nexistepas.jsonl")
