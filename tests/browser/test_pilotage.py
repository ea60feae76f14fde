"""Pilotage in headless Chromium: a coordinator fills the questionnaire in (an error first, the
focus on it), submits it; ANCT reads the dashboard and an indicator's charts (DSFR Chart under the
site's CSP, no console error); every page passes axe."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cde_site.setup import setup_site
from pilotage.models import Response, ResponseStatus
from tests.browser.conftest import assert_accessible
from tests.browser.test_rgpd import login
from tests.factories import CiteFactory, UserFactory, make_anct_user
from tests.factories.pilotage import answer_and_submit, make_campaign, make_indicators

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_coordinator_submits_then_anct_reads_the_dashboard(page, browser, live_server):
    setup_site()
    make_indicators()
    anct = make_anct_user(first_name="Claire", last_name="Moreau")
    campaign = make_campaign(open_by=anct)
    for i in range(3):
        other = CiteFactory()
        answer_and_submit(
            campaign,
            other,
            UserFactory(cite=other, coordinator=True),
            {"comites-pilotage": i + 1, "taux-femmes": 45 + i, "beneficiaires": 200 + 50 * i},
        )
    cite = CiteFactory(short_name="Saint-Omer")
    coordinator = UserFactory(cite=cite, coordinator=True, first_name="Léa", last_name="Roux")

    login(page, live_server, coordinator)
    page.goto(live_server.url + reverse("pilotage:index"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Saint-Omer")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Ouvrir")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Questionnaire de pilotage")
    assert_accessible(page)

    # A mistake: the error summary gets the focus and names the field.
    page.get_by_label(re.compile("Comités de pilotage réunis")).fill("trois")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    summary = page.locator("#erreurs")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Saisissez un nombre")
    assert_accessible(page)

    page.get_by_label(re.compile("Comités de pilotage réunis")).fill("2")
    page.get_by_text("Oui", exact=True).click()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
    page.get_by_label(re.compile("Part de femmes")).fill("52,5")
    page.get_by_label(re.compile("Bénéficiaires accompagnés")).fill("240")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
    page.get_by_role("button", name="Enregistrer et continuer").click()  # step 3: optional only
    page.get_by_role("link", name=re.compile("Récapitulatif")).click()
    expect(page.get_by_role("cell", name="52,5")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Transmettre le questionnaire à l'ANCT").click()
    expect(page.get_by_text("transmis à l'ANCT")).to_be_visible()
    assert Response.objects.get(cite=cite).status == ResponseStatus.SUBMITTED

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    anct_page = context.new_page()
    errors = []
    anct_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    anct_page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        login(anct_page, live_server, anct)
        anct_page.goto(live_server.url + reverse("pilotage:dashboard"))
        expect(
            anct_page.get_by_role("heading", level=2, name=re.compile("4 cités sur"))
        ).to_be_visible()
        assert_accessible(anct_page)
        anct_page.get_by_role("link", name="Bénéficiaires accompagnés").click()
        expect(anct_page.get_by_role("heading", level=1)).to_have_text("Bénéficiaires accompagnés")
        anct_page.get_by_label("Comparer une cité à la médiane nationale").select_option(
            label="Saint-Omer"
        )
        anct_page.get_by_role("button", name="Afficher").click()
        expect(
            anct_page.get_by_role("heading", name="Saint-Omer et la médiane nationale")
        ).to_be_visible()
        # The DSFR chart web component renders a canvas; its data table is there too.
        expect(anct_page.locator("bar-chart canvas").first).to_be_visible()
        expect(
            anct_page.get_by_role("table", name=re.compile("Données du graphique")).first
        ).to_be_visible()
        assert_accessible(anct_page)
        assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
        assert not errors, errors
    finally:
        context.close()
