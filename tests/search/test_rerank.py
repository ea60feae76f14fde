"""The shared second stage (search.rerank): the backend's first candidates reordered in Python,
the same way on every backend, without adding or removing anything, and never a synonym-only
match above a document matching the words typed."""

import pytest

from ressources.models import ActionInspirantePage, FicheDispositifPage
from search import rerank
from search.indexing import process_pending
from search.pipeline import build_plan, clear_thesaurus_cache
from search.text import analyzed
from tests.search.conftest import make_ressource
from tests.search.test_search import keys, run, titles


def candidate(key, title="", summary="", body="", tier=1, kind="fiche"):
    return rerank.Candidate(
        ref=key,
        key=key,
        kind=kind,
        title=analyzed(title),
        summary=analyzed(summary),
        body=analyzed(body),
        tier=tier,
    )


STATS = (1000, {}, {"title": 40.0, "summary": 150.0, "body": 1500.0})


def test_a_synonym_only_candidate_stays_below_the_words_typed(thesaurus):
    plan = build_plan("nounou")
    assert plan.alternatives
    weak = candidate("typed", title="Relais", body="Une nounou. " + "Familles. " * 200)
    strong = candidate(
        "synonym",
        title="Assistante maternelle, garde d'enfants, assistante maternelle",
        summary="Assistantes maternelles et garde d'enfants.",
        tier=0,
    )
    # Whatever the weights: even when synonyms would weigh far more than the words typed.
    synonyms_first = {**rerank.WEIGHTS, "synonym_only": 100.0, "synonym_title": 100.0}
    for weights in (None, synonyms_first):
        for order in ([strong, weak], [weak, strong]):
            ranked = rerank.rerank(plan, order, weights=weights, stats=STATS)
            assert [c.key for c in ranked] == ["typed", "synonym"]


def test_words_in_the_title_and_side_by_side_rank_first(thesaurus):
    plan = build_plan("permis de conduire")
    scattered = candidate(
        "scattered",
        title="Mobilité solidaire",
        body="Le permis. " + "Un garage. " * 30 + "Conduire un scooter.",
    )
    focused = candidate(
        "focused", title="Financer le permis de conduire", summary="Le permis de conduire."
    )
    ranked = rerank.rerank(plan, [scattered, focused], stats=STATS)
    assert [c.key for c in ranked] == ["focused", "scattered"]


# --- Through a real backend (osmem-server and PostgreSQL) ----------------------------------


@pytest.fixture
def nounou_documents(world):
    """A document that says the word typed once, at the end of its body; another that says
    its synonyms everywhere, title and summary included."""
    library = world["library"]
    typed = make_ressource(
        library,
        FicheDispositifPage,
        "relais-familles",
        title="Relais des familles",
        summary="Un lieu d'information pour les parents.",
        body=[
            (
                "paragraph",
                "<p>" + "Accueil des parents, ateliers et permanences. " * 20 + "Une nounou.</p>",
            )
        ],
        themes=["contraintes-familiales"],
    )
    synonym = make_ressource(
        library,
        ActionInspirantePage,
        "assistantes-maternelles-quartier",
        title="Assistante maternelle et garde d'enfants : devenir assistante maternelle",
        summary="Garde d'enfants : former des assistantes maternelles, garde d'enfants.",
        body=[("paragraph", "<p>Assistante maternelle, garde d'enfants, mode de garde.</p>")],
        themes=["contraintes-familiales"],
    )
    process_pending()
    clear_thesaurus_cache()
    return typed, synonym


def test_thesaurus_only_match_never_outranks_the_typed_word(world, nounou_documents):
    typed, synonym = nounou_documents
    found = titles(run(None, "nounou"))
    assert typed.title in found and synonym.title in found
    assert found.index(typed.title) < found.index(synonym.title)


def test_second_stage_only_reorders(world, settings):
    """Same documents, same count, same facets with and without the second stage; reserved
    content stays out either way (the backend's filter is untouched)."""
    make_ressource(
        world["library"],
        FicheDispositifPage,
        "permis-disperse",
        title="Mobilité solidaire",
        summary="Un garage solidaire.",
        body=[("paragraph", "<p>Le permis. " + "Un garage. " * 30 + "Conduire.</p>")],
    )
    process_pending()
    queries = ["permis de conduire", "mobilite", "nounou", "accompagner les jeunes vers l'emploi"]
    for query in queries:
        settings.SEARCH_RERANK = True
        after = run(None, query)
        settings.SEARCH_RERANK = False
        before = run(None, query)
        assert keys(after) == keys(before), query
        assert after.count == before.count
        assert after.facets == before.facets
    settings.SEARCH_RERANK = True
    assert run(None, "okapi").count == 0  # only in a reserved group's file


def test_second_stage_applies_to_pages_within_its_depth(world, monkeypatch):
    """Pages within the reordered window and beyond it share one order (no duplicates)."""
    monkeypatch.setattr(rerank, "RERANK_DEPTH", 3)
    for number in range(6):
        make_ressource(
            world["library"],
            FicheDispositifPage,
            f"garage-{number}",
            title=f"Garage solidaire {number}",
            summary="Réparer sa voiture à petit prix." + " Un garage." * number,
        )
    process_pending()
    pages = [run(None, "garage", page=page, page_size=2) for page in (1, 2, 3, 4)]
    seen = [key for response in pages for key in (hit.key for hit in response.hits)]
    assert len(seen) == len(set(seen)) == pages[0].count
