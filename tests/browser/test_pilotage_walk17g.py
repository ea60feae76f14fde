"""Pilotage after the blind walk walk17g of issue #17, in Chromium (1280 and 390 px, axe-core):
the conflict page shows every newer value, error links reach their field, the chart stays
readable on a phone, text limits are announced."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cde_site.setup import setup_site
from pilotage.models import Answer, Enjeu, Indicator, Kind
from tests.browser.conftest import assert_accessible
from tests.browser.test_rgpd import login
from tests.factories import CiteFactory, UserFactory, make_anct_user
from tests.factories.pilotage import make_campaign, make_indicators

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = "/work/var-h17h/shots"


def _check(page, name):
    """Axe-clean and no wider than the screen, at 1280 then 390 px (a screenshot of each)."""
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        page.screenshot(path=f"{SHOTS}/w17g-{name}-{width}.png", full_page=True)
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_conflict_page_shows_the_other_members_values_and_keeps_them(page, browser, live_server):
    setup_site()
    make_indicators()
    Indicator.objects.create(
        code="types-acteurs",
        label="Types d'acteurs mobilisés",
        enjeu=Enjeu.COOPERATION,
        kind=Kind.INTEGER,
        position=1,
    )
    anct = make_anct_user()
    campaign = make_campaign(open_by=anct)
    cite = CiteFactory(short_name="Saint-Omer", name="Cité de l'emploi de Saint-Omer")
    amandine = UserFactory(cite=cite, coordinator=True, first_name="Amandine", last_name="Leroy")
    julien = UserFactory(cite=cite, first_name="Julien", last_name="Caron")
    url = live_server.url + reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 1])
    copil = re.compile("Comités de pilotage réunis")
    types = re.compile("Types d'acteurs mobilisés")

    login(page, live_server, amandine)
    page.goto(url)
    page.get_by_label(copil).fill("7")
    page.get_by_label(types).fill("11")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()

    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    partner = other.new_page()
    try:
        login(partner, live_server, julien)
        partner.goto(url)
        expect(partner.get_by_label(types)).to_have_value("11")
        # Amandine changes both values, then Julien only the Copil from his open page.
        page.get_by_label(copil).fill("8")
        page.get_by_label(types).fill("20")
        page.get_by_role("button", name="Enregistrer le brouillon").click()
        expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
        partner.get_by_label(copil).fill("6")
        partner.get_by_role("button", name="Enregistrer le brouillon").click()
        conflict = partner.locator("#conflit")
        expect(conflict).to_be_focused()
        expect(conflict).to_contain_text("« 8 » par Amandine Leroy")
        expect(conflict).to_contain_text("Également modifiées pendant votre saisie")
        expect(partner.get_by_label(copil)).to_have_value("6")
        expect(partner.get_by_label(types)).to_have_value("20")
        expect(partner.locator("#v-types-acteurs-maj")).to_contain_text(
            "votre page affichait « 11 »"
        )
        _check(partner, "conflict")
        partner.get_by_role("button", name="Enregistrer le brouillon").click()
        expect(partner.get_by_text("Brouillon enregistré.")).to_be_visible()
    finally:
        other.close()
    values = {a.indicator.code: a.number for a in Answer.objects.select_related("indicator")}
    assert values["comites-pilotage"] == 6 and values["types-acteurs"] == 20
    page.reload()
    expect(page.get_by_label(types)).to_have_value("20")
