"""« Pour ma cité » in a browser: the coordinator sees suggestions with their reasons on the cité
page and in Mon espace, says "pas utile" (a plain form, JavaScript or not) and the suggestion is
gone; both pages are axe-clean."""

import pytest
from playwright.sync_api import expect

from cde_site.setup import setup_site
from ressources.models import ActionInspirantePage, FicheDispositifPage
from ressources.services import save_ressource
from ressources.setup import ensure_library
from tests.browser.conftest import assert_accessible
from tests.browser.test_ressources import log_in
from tests.factories import CiteFactory, UserFactory
from themes.models import PublicCible, Theme

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _assert_identity_card_within_its_column(page):
    """The « Fiche d'identité » card, below the cité's panels, ends inside its column and above
    the footer (DSFR's full-height card once overflowed onto it)."""
    aside = page.locator("aside").filter(has=page.locator("#fiche-identite")).bounding_box()
    card = page.locator(".fr-card").filter(has=page.locator("#fiche-identite")).bounding_box()
    footer = page.locator("footer").first.bounding_box()
    assert card["y"] + card["height"] <= aside["y"] + aside["height"] + 1, (card, aside)
    assert card["y"] + card["height"] <= footer["y"], (card, footer)
    assert card["height"] < 900, card


def _assert_outcome_focused(page, text):
    """Walk 1518e: after « Utile » / « Pas utile » the focus is on the outcome message (autofocus
    without JavaScript, error_summary.js with it), which is in view, not on <body>."""
    message = page.locator("[data-cde-success-message]", has_text=text)
    expect(message).to_be_focused()
    expect(message).to_be_in_viewport()


@pytest.mark.parametrize("javascript", [True, False])
def test_coordinator_sees_and_dismisses_suggestions(browser, live_server, javascript):
    library, _ = ensure_library(setup_site())
    mobilite = Theme.objects.get(slug="mobilite")
    femmes = PublicCible.objects.get(slug="femmes")
    cite = CiteFactory(short_name="Testville", themes=[mobilite])
    twin = CiteFactory(short_name="Jumelleville", themes=[mobilite])
    for c in (cite, twin):
        c.publics_cibles.set([femmes])
        c.save()
    save_ressource(
        library,
        ActionInspirantePage,
        "garage-solidaire",
        {"title": "Garage solidaire", "summary": "Réparer pour 1 €.", "cite": cite},
        themes=[mobilite],
    )
    save_ressource(
        library,
        ActionInspirantePage,
        "auto-ecole-sociale",
        {"title": "Auto-école sociale", "summary": "Le permis en six mois.", "cite": twin},
        themes=[mobilite],
        publics=[femmes],
    )
    save_ressource(
        library,
        FicheDispositifPage,
        "aide-au-permis",
        {"title": "Aide au permis", "summary": "Jusqu'à 500 €."},
        themes=[mobilite],
    )
    coordinator = UserFactory(cite=cite, coordinator=True)

    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, live_server, coordinator)
        page.goto(live_server.url + cite.get_absolute_url())
        own = page.get_by_role("region", name="Actions inspirantes de la cité")
        expect(own.get_by_role("link", name="Garage solidaire")).to_be_visible()
        section = page.get_by_role("region", name="Pour ma cité")
        expect(section.get_by_role("link", name="Auto-école sociale")).to_be_visible()
        expect(section.get_by_text("Même priorité : mobilité · public : femmes")).to_have_count(2)
        if javascript:
            assert_accessible(page)
            for width, height in ((1280, 900), (390, 844)):
                page.set_viewport_size({"width": width, "height": height})
                _assert_identity_card_within_its_column(page)
            page.set_viewport_size({"width": 1280, "height": 900})

        section.get_by_role("button", name="Pas utile : Aide au permis").click()
        expect(page.get_by_text("cette suggestion ne sera plus proposée")).to_be_visible()
        _assert_outcome_focused(page, "cette suggestion ne sera plus proposée")
        section = page.get_by_role("region", name="Pour ma cité")
        expect(section.get_by_role("link", name="Auto-école sociale")).to_be_visible()
        expect(section.get_by_role("link", name="Aide au permis")).to_have_count(0)
        # A wrong click is undone right there.
        expect(section.get_by_text("Vous avez écarté « Aide au permis »")).to_be_visible()
        if javascript:
            assert_accessible(page)
        section.get_by_role("button", name="Annuler : Aide au permis").click()
        expect(
            page.get_by_text("C'est annulé : cette suggestion est de nouveau proposée.")
        ).to_be_visible()
        section = page.get_by_role("region", name="Pour ma cité")
        expect(section.get_by_role("link", name="Aide au permis")).to_be_visible()
        section.get_by_role("button", name="Pas utile : Aide au permis").click()
        # Later, from the list of dismissed suggestions.
        page.goto(live_server.url + f"/ressources/pour-ma-cite/{cite.slug}/")
        dismissed = page.get_by_role("region", name="Suggestions écartées (1)")
        expect(dismissed.get_by_role("link", name="Aide au permis")).to_be_visible()
        if javascript:
            assert_accessible(page)
        dismissed.get_by_role("button", name="Rétablir : Aide au permis").click()
        expect(page.get_by_text("C'est annulé")).to_be_visible()
        expect(page.get_by_role("region", name="Suggestions écartées (1)")).to_have_count(0)
        page.goto(live_server.url + cite.get_absolute_url())
        section = page.get_by_role("region", name="Pour ma cité")
        section.get_by_role("button", name="Pas utile : Aide au permis").click()
        expect(page.get_by_text("cette suggestion ne sera plus proposée")).to_be_visible()

        page.goto(live_server.url + "/mon-espace/")
        section = page.get_by_role("region", name="Pour ma cité")
        expect(section.get_by_role("link", name="Auto-école sociale")).to_be_visible()
        expect(section.get_by_role("link", name="Aide au permis")).to_have_count(0)
        if javascript:
            assert_accessible(page)
        section.get_by_role("button", name="Utile : Auto-école sociale", exact=True).click()
        expect(page.get_by_text("cette suggestion est notée utile")).to_be_visible()
        _assert_outcome_focused(page, "cette suggestion est notée utile")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    finally:
        context.close()
