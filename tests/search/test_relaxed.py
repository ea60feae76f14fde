"""The relaxed pass (search.pipeline.should_relax), on an Elasticsearch-API server (osmem-server)
and on the database (PostgreSQL, or SQLite without DATABASE_URL): when few documents contain
every word, the documents containing some of them complete the list — always after, flagged,
within the same privacy and facet filters — and the page and the API say so."""

import re

import pytest
from django.urls import reverse

from ressources.models import ActionInspirantePage, FicheDispositifPage
from search.indexing import process_pending
from tests.search.conftest import make_ressource
from tests.search.test_search import run, titles


@pytest.fixture
def lamantins(world):
    """Two rare words: one fiche has both, three documents one of them (one of them reserved
    to signed-in professionals), in two champs d'action."""
    library = world["library"]
    made = {
        "both": make_ressource(
            library,
            FicheDispositifPage,
            "lamantins-xylophones",
            title="Lamantins et xylophones",
            summary="Un atelier de xylophone pour les lamantins.",
        ),
        "first": make_ressource(
            library,
            ActionInspirantePage,
            "lamantins-seuls",
            title="Le refuge des lamantins",
            summary="Soigner les lamantins du quartier.",
            themes=["contraintes-familiales"],
        ),
        "second": make_ressource(
            library,
            FicheDispositifPage,
            "xylophones-seuls",
            title="Prêt de xylophones",
            summary="Des xylophones pour les écoles.",
        ),
        "private": make_ressource(
            library,
            FicheDispositifPage,
            "xylophones-reserves",
            title="Xylophones réservés aux professionnels",
            summary="Le xylophone du comité.",
            members_only=True,
        ),
    }
    process_pending()
    return made


def test_complement_comes_after_flagged(world, lamantins):
    response = run(None, "lamantins xylophones")
    found = titles(response)
    assert response.exact_count == 1
    assert found[0] == lamantins["both"].title
    assert set(found[1:]) == {lamantins["first"].title, lamantins["second"].title}
    assert [hit.approaching for hit in response.hits] == [False, True, True]
    assert response.count == 3
    # Never before a complete match, whatever the sort.
    by_date = run(None, "lamantins xylophones", tri="date")
    assert [hit.approaching for hit in by_date.hits] == [False, True, True]
    assert titles(by_date)[0] == lamantins["both"].title
    # Across pages: the same list, the flag follows each result.
    first = run(None, "lamantins xylophones", page_size=2)
    second = run(None, "lamantins xylophones", page_size=2, page=2)
    assert first.count == second.count == 3 and first.exact_count == second.exact_count == 1
    assert [hit.approaching for hit in first.hits + second.hits] == [False, True, True]
    # One word: nothing to relax.
    single = run(None, "lamantins")
    assert single.exact_count == single.count == 2
    assert not any(hit.approaching for hit in single.hits)


def test_no_complement_when_enough_complete_matches(world, lamantins, settings):
    settings.SEARCH_RELAXED_BELOW = 1  # one complete match is enough
    response = run(None, "lamantins xylophones")
    assert titles(response) == [lamantins["both"].title]
    assert response.count == response.exact_count == 1
    settings.SEARCH_RELAXED_BELOW = 0  # turned off
    assert run(None, "xylophones zanzibar").count == 0


def test_reserved_content_never_in_the_complement(world, lamantins):
    anonymous = run(None, "lamantins xylophones")
    assert lamantins["private"].title not in titles(anonymous)
    # The reserved discussion says "zanzibar": an anonymous visitor gets only public documents
    # with the other word, the member sees the discussion among the approaching results.
    outsider = run(None, "zanzibar xylophones")
    assert outsider.exact_count == 0
    assert all(hit.approaching for hit in outsider.hits)
    assert "zanzibar" not in str([(h.title, h.snippet) for h in outsider.hits]).lower()
    assert lamantins["private"].title not in titles(outsider)
    assert set(titles(outsider)) == {lamantins["both"].title, lamantins["second"].title}
    assert sum(v.count for v in outsider.facets["type"]) == outsider.count == 2
    signed_in = run(world["outsider"], "lamantins xylophones")
    assert lamantins["private"].title in titles(signed_in)
    assert signed_in.hits[0].title == lamantins["both"].title
    member = run(world["member"], "zanzibar xylophones")
    assert any(hit.type == "discussion" and hit.approaching for hit in member.hits)


def test_facets_count_the_list_shown(world, lamantins):
    response = run(None, "lamantins xylophones")
    types = {v.value: v.count for v in response.facets["type"]}
    assert types == {"fiche": 2, "action": 1}
    themes = {v.value: v.count for v in response.facets["theme"]}
    assert themes["mobilite"] == 2 and themes["contraintes-familiales"] == 1
    # A facet filter applies to both passes; its count is what the filtered list shows.
    fiches = run(None, "lamantins xylophones", type="fiche")
    assert titles(fiches) == [lamantins["both"].title, lamantins["second"].title]
    assert fiches.count == types["fiche"] and fiches.exact_count == 1
    actions = run(None, "lamantins xylophones", type="action")
    assert actions.exact_count == 0 and titles(actions) == [lamantins["first"].title]
    assert actions.count == types["action"]
    assert {v.value: v.count for v in actions.facets["type"]} == types  # its own choice aside


def test_did_you_mean_still_offered(world, lamantins):
    # A typo: the plan finds the misspelt word's variant (one complete match), the relaxed
    # pass adds two; "Essayez plutôt" depends on the complete matches, it is still offered.
    response = run(None, "lamantins xylophonnes")
    assert response.hits[0].title == lamantins["both"].title
    assert response.exact_count == 1 and response.count == 3
    assert response.did_you_mean.lower() == "lamantins xylophones"


def test_api_and_page_say_which_results_are_approaching(world, lamantins, client):
    payload = client.get(reverse("search:api"), {"q": "lamantins xylophones"}).json()
    assert payload["count"] == 3 and payload["exact_count"] == 1
    assert set(payload) == {
        "count",
        "page",
        "page_size",
        "results",
        "facets",
        "did_you_mean",
        "degraded",
        "exact_count",
    }
    assert payload["results"][0]["title"] == lamantins["both"].title
    page = client.get(reverse("search:search"), {"q": "lamantins xylophones"})
    text = re.sub(r"\s+", " ", page.content.decode())
    assert "1 résultat contient tous vos mots." in text
    heading = "Résultats approchants : ils contiennent une partie de vos mots"
    assert text.index(lamantins["both"].title) < text.index(heading)
    assert text.index(heading) < text.index(lamantins["first"].title)
    plain = client.get(reverse("search:search"), {"q": "lamantins"})
    assert "Résultats approchants" not in plain.content.decode()
    assert client.get(reverse("search:api"), {"q": "lamantins"}).json()["exact_count"] == 2
