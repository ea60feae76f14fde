"""The query pipeline (search.text, search.pipeline) and its behaviour on every backend:
normalisation, elision, stop words, stems, relaxed OR, typo tolerance per word, the thesaurus
at a lower weight, suggestions after hyphens and apostrophes, "Essayez plutôt", the honest
fallback message, and `import_ressources` on a freshly set-up instance."""

import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse

from ressources.models import ActionInspirantePage, FicheDispositifPage, RessourcesIndexPage
from search import service
from search.indexing import process_pending
from search.models import Entry, SynonymGroup
from search.pipeline import build_plan, clear_thesaurus_cache, minimum_should_match
from search.text import analyze, normalize, stem, words
from search.thesaurus import read_groups
from tests.search.conftest import make_ressource
from tests.search.test_search import run, titles

# --- The analysis, unit by unit --------------------------------------------------------------


def test_normalisation_comes_before_tokenisation():
    assert words("L’Accès aux CRÈCHES") == ["acces", "creches"]
    assert words("Tremblay-en-France") == ["tremblay", "france"]  # "en" is a stop word
    assert normalize("Œuvre") == "oeuvre"


@pytest.mark.parametrize(
    "text", ["l'emploi", "l’emploi", "L’EMPLOI", "d'emploi", "qu’emploi", "jusqu'emploi"]
)
def test_elision_with_every_apostrophe(text):
    assert words(text) == ["emploi"]


def test_stop_words_apply_to_the_normalised_form():
    assert words("à les où") == []  # "à" is "a", "où" is "ou": both stop words
    assert words("aujourd'hui") == ["aujourd", "hui"]  # no elided article here


def test_stems():
    assert stem(normalize("vélos")) == stem(normalize("Vélo")) == stem("velo")
    assert stem("loger") == stem("logement")
    assert stem("emplois") == stem("emploi")
    assert stem(normalize("français")) != stem("france")  # protected: the stemmer conflates them
    assert analyze("Les assistantes maternelles") == analyze("assistante maternelle")


def test_minimum_should_match_relaxes_with_length():
    assert [minimum_should_match(n) for n in range(1, 9)] == [1, 2, 2, 2, 3, 3, 4, 4]


def test_thesaurus_file_is_a_few_hundred_entries():
    groups = read_groups()
    assert len(groups) >= 150
    assert sum(len(group) for group in groups) >= 500
    assert any({"nounou", "assistante maternelle"} <= set(group) for group in groups)


def test_plan_expands_the_thesaurus_on_stems(thesaurus):
    plan = build_plan("Apprendre le français")
    assert [term.word for term in plan.terms] == ["apprendre", "francais"]
    whole = {alt.text for alt in plan.alternatives if alt.covers == (0, 1)}
    assert {"fle", "francais langue etrangere", "cours francais"} <= whole
    assert "apprendre francais" not in whole  # the words typed are not their own synonym
    assert build_plan("nounous").alternatives  # plural of a thesaurus word


# --- Behaviour on every backend (osmem-server and the database) -------------------------------


@pytest.fixture
def nounou(world):
    """One document that says what is typed (in its body only), one that only says a
    synonym (in its title: the strongest field)."""
    library = world["library"]
    typed = make_ressource(
        library,
        FicheDispositifPage,
        "relais-parents",
        title="Relais petite enfance",
        summary="Un lieu d'information pour les familles.",
        body=[("paragraph", "<p>Trouver une nounou près de chez soi.</p>")],
        themes=["contraintes-familiales"],
    )
    synonym = make_ressource(
        library,
        ActionInspirantePage,
        "assistantes-maternelles",
        title="Assistante maternelle : un métier d'assistante maternelle",
        summary="Former des assistantes maternelles dans les quartiers.",
        themes=["contraintes-familiales"],
    )
    process_pending()
    clear_thesaurus_cache()
    return typed, synonym


def test_synonym_only_match_ranks_below_typed_word(world, nounou):
    typed, synonym = nounou
    found = titles(run(None, "nounou"))
    assert typed.title in found and synonym.title in found
    assert found.index(typed.title) < found.index(synonym.title)


def test_thesaurus_edits_apply_at_once(world, nounou):
    SynonymGroup.objects.filter(terms__icontains="nounou").update(is_active=False)
    clear_thesaurus_cache()
    assert nounou[1].title not in titles(run(None, "nounou"))


def test_relaxed_or_on_a_long_question(world):
    # 6 words once "comment", "le", "de", "des" are dropped; the fiche has 4 of them ("sans",
    # "voiture" are not in it): requiring every word would find nothing.
    response = run(None, "comment financer le permis de conduire des jeunes sans voiture")
    assert world["fiche"].title in titles(response)
    # Two words: both required for a complete match; documents with one of them only come
    # from the relaxed pass, flagged.
    both = run(None, "permis zanzibar")
    assert both.exact_count == 0 and all(hit.approaching for hit in both.hits)


def test_typo_tolerance_per_word(world):
    # One word misspelt among correct ones: the others still count, the typo finds its word.
    assert world["mobility_action"].title in titles(run(None, "plateforme mobilitte"))
    assert world["fiche"].title in titles(run(None, "permis de conduirre"))


def test_suggestions_after_hyphens_and_apostrophes(world):
    anonymous = AnonymousUser()
    assert any("Saint-Omer" in s["title"] for s in service.suggest(anonymous, "Saint-Om"))
    for prefix in ("vocation d'insertion prof", "vocation d’insertion", "l'insertion prof"):
        found = [s["title"] for s in service.suggest(anonymous, prefix)]
        assert world["action"].title in found, prefix


def test_did_you_mean_keeps_accents_and_filters(world, client):
    response = run(None, "mobilitee solidair", type="action")
    assert response.did_you_mean == "mobilité solidaire"
    page = client.get(
        reverse("search:search"), {"q": "mobilitee solidair", "type": "action", "page": "1"}
    ).content.decode()
    assert "Essayez plutôt" in page
    assert "q=mobilit%C3%A9+solidaire" in page and "type=action" in page


def test_demo_without_elasticsearch_is_not_degraded(world, client, settings):
    if settings.ELASTICSEARCH_URL:
        pytest.skip("checks the database engine as the configured one")
    payload = client.get(reverse("search:api"), {"q": "mobilité"}).json()
    assert payload["degraded"] is False and payload["count"] > 0
    page = client.get(reverse("search:search"), {"q": "mobilité"}).content.decode()
    assert "ne répond pas" not in page and "Recherche simplifiée" not in page


# --- A fresh instance: migrate + setup_site + import_ressources -------------------------------


def test_import_on_a_freshly_set_up_instance(thesaurus, tmp_path, settings):
    settings.ELASTICSEARCH_URL = ""
    assert not RessourcesIndexPage.objects.exists()
    call_command("setup_site", stdout=io.StringIO())
    records = [
        {
            "type": "fiche",
            "slug": "assistantes-maternelles",
            "title": "Devenir assistante maternelle",
            "summary": "Un métier de la garde d'enfants à domicile.",
        },
        {
            "type": "action",
            "slug": "velo-ecole",
            "title": "Une vélo-école pour aller au travail",
            "summary": "Apprendre à circuler à vélo.",
        },
    ]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    out = io.StringIO()
    call_command("import_ressources", str(corpus), stdout=out, stderr=io.StringIO())
    assert "2 ressources ont été créées" in out.getvalue()
    process_pending()
    assert Entry.objects.filter(kind__in=["fiche", "action"]).count() == 2
    assert "Devenir assistante maternelle" in titles(run(None, "nounou"))
    assert "Une vélo-école pour aller au travail" in titles(run(None, "velos"))

    # The relevance command reads a set file over that corpus.
    judged = tmp_path / "set.json"
    judged.write_text(
        json.dumps(
            {
                "corpus": "corpus.jsonl",
                "queries": [
                    {
                        "id": "q1",
                        "query": "vélo",
                        "judgments": {"action:velo-ecole": 3},
                    }
                ],
            }
        )
    )
    out = io.StringIO()
    call_command("search_relevance", "--set", str(judged), stdout=out)
    assert "1.000  q1  vélo" in out.getvalue()
    assert "nDCG@10 moyen : 1.000" in out.getvalue()


@pytest.mark.django_db
def test_load_thesaurus_adds_the_file_groups_and_keeps_the_admin_edits(tmp_path):
    SynonymGroup.objects.all().delete()
    edited = SynonymGroup.objects.create(terms="nounou\nbaby-sitter", is_active=False)
    file = tmp_path / "thesaurus.txt"
    file.write_text("# a comment\nordi | ordinateur\nnounou | baby-sitter\n", encoding="utf-8")
    out = io.StringIO()
    call_command("load_thesaurus", file=str(file), stdout=out)
    assert "1 groupe ajouté ; 2 au total." in out.getvalue()
    edited.refresh_from_db()
    assert edited.is_active is False  # a group switched off in the admin stays off
    # The new group applies at the next search (the plan's cache is cleared).
    expanded = {stem for alt in build_plan("ordi").alternatives for stem in alt.stems}
    assert set(analyze("ordinateur")) <= expanded
    call_command("load_thesaurus", file=str(file), stdout=out)
    assert "0 groupe ajouté ; 2 au total." in out.getvalue()
    call_command("load_thesaurus", file=str(file), replace=True, stdout=out)
    assert SynonymGroup.objects.filter(is_active=True).count() == 2
