"""Search in Chromium: suggestions by keyboard, results, facets, privacy; axe-clean."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from search.backends import elastic
from tests.browser.conftest import assert_accessible
from tests.search.conftest import build_world, use_elasticsearch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def es_world(settings, tmp_path, osmem_server):
    clone = osmem_server.clone()
    use_elasticsearch(settings, clone.url)
    yield build_world(settings, tmp_path)
    clone.close()
    elastic.reset()


def test_search_with_suggestions_facets_and_privacy(page, live_server, es_world):
    page.goto(f"{live_server.url}/recherche/")
    assert_accessible(page)
    box = page.get_by_role("combobox", name=re.compile("Rechercher une fiche"))
    box.press_sequentially("plateforme mob", delay=30)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    assert_accessible(page)
    # Escape closes the suggestions and keeps the query (a native search field would erase it).
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("plateforme mob")
    box.press_sequentially("i", delay=30)
    expect(listbox).to_be_visible()
    box.press("ArrowDown")
    expect(page.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(es_world["mobility_action"].url) + "$"))

    page.goto(f"{live_server.url}/recherche/?q=mobilite")
    expect(page.locator("#recherche-total")).to_contain_text("résultat")
    results = page.locator(".cde-results__item")
    expect(results.first).to_be_visible()
    expect(page.locator(".cde-results mark").first).to_be_visible()
    # Facets: tick "Action inspirante", apply.
    # DSFR draws the checkbox on its label, which receives the click.
    page.locator("label[for=f-type-action]").click()
    expect(page.get_by_label(re.compile(r"^Action inspirante \(\d+\)$"))).to_be_checked()
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile(r"type=action"))
    for badge in page.locator(".cde-results__item .fr-badge").all_text_contents():
        assert badge == "Action inspirante"
    expect(page.get_by_role("link", name="Effacer les filtres")).to_be_visible()
    assert_accessible(page)

    # Reserved discussions: invisible to an outsider, found by the member.
    log_in(page, live_server, es_world["outsider"])
    page.goto(f"{live_server.url}/recherche/?q=zanzibar")
    expect(page.locator("#recherche-total")).to_contain_text("0 résultat")
    expect(page.get_by_text("Comité confidentiel")).to_have_count(0)
    log_in(page, live_server, es_world["member"])
    page.goto(f"{live_server.url}/recherche/?q=zanzibar")
    expect(page.get_by_role("link", name="Comité confidentiel sur la mobilité")).to_be_visible()
    page.screenshot(path=str(live_server_screenshot()), full_page=True)


def live_server_screenshot():
    from pathlib import Path

    folder = Path(settings.VAR_DIR) / "test-results"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "recherche.png"


def test_no_degraded_notice_when_elasticsearch_is_not_configured(
    page, live_server, settings, tmp_path
):
    """The database is then the configured engine, not a fallback: nothing to warn about."""
    settings.ELASTICSEARCH_URL = ""
    elastic.reset()
    build_world(settings, tmp_path)
    page.goto(f"{live_server.url}/recherche/?q=creches")
    expect(page.get_by_text("Recherche simplifiée")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("crèches à vocation"))).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_approaching_results_are_announced(page, live_server, settings, tmp_path, width):
    """Few documents contain both words: the complete match first, then a heading, then the
    approaching results (the database engine: PostgreSQL, or SQLite without DATABASE_URL)."""
    from ressources.models import ActionInspirantePage, FicheDispositifPage
    from search.indexing import process_pending
    from tests.search.conftest import make_ressource

    settings.ELASTICSEARCH_URL = ""
    elastic.reset()
    world = build_world(settings, tmp_path)
    make_ressource(
        world["library"],
        FicheDispositifPage,
        "lamantins-xylophones",
        title="Lamantins et xylophones",
        summary="Un atelier de xylophone pour les lamantins.",
    )
    make_ressource(
        world["library"],
        ActionInspirantePage,
        "lamantins-seuls",
        title="Le refuge des lamantins",
        summary="Soigner les lamantins du quartier.",
    )
    process_pending()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/recherche/?q=lamantins+xylophones")
    expect(page.locator("#recherche-total")).to_contain_text("2 résultats")
    expect(page.locator("#recherche-exacts")).to_contain_text("1 résultat contient tous vos mots.")
    complete = page.get_by_role("heading", name="Résultats qui contiennent tous vos mots")
    approaching = page.get_by_role(
        "heading", name="Résultats approchants : ils contiennent une partie de vos mots"
    )
    expect(complete).to_be_visible()
    expect(approaching).to_be_visible()
    first_list = page.get_by_role("list", name="Résultats qui contiennent tous vos mots")
    expect(first_list.get_by_role("link")).to_have_text(["Lamantins et xylophones"])
    second_list = page.get_by_role("list", name=re.compile("^Résultats approchants"))
    expect(second_list.get_by_role("link")).to_have_text(["Le refuge des lamantins"])
    expect(second_list).to_have_attribute("start", "2")
    # DSFR numbers with a CSS counter reset by each list: the approaching results continue it
    # (2., not 1.; see the screenshots).
    assert second_list.evaluate("ol => getComputedStyle(ol).counterReset") == "none"
    assert_accessible(page)
    page.screenshot(
        path=str(live_server_screenshot().with_name(f"recherche-approchants-{width}.png")),
        full_page=True,
    )
