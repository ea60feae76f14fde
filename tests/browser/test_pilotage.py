"""Pilotage in headless Chromium: a coordinator fills the questionnaire in (an error first, the
focus on it), submits it; ANCT reads the dashboard and an indicator's charts (DSFR Chart under the
site's CSP, no console error); every page passes axe."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cde_site.setup import setup_site
from pilotage import services
from pilotage.models import Response, ResponseStatus
from tests.browser.conftest import assert_accessible
from tests.browser.test_rgpd import login
from tests.factories import CiteFactory, UserFactory, make_anct_user
from tests.factories.pilotage import answer_and_submit, make_campaign, make_indicators
from themes.models import Theme

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
    # The page's title uses the official name (« Pilotage de la cité de l'emploi de Saint-Omer »).
    cite = CiteFactory(short_name="Saint-Omer", name="Cité de l'emploi de Saint-Omer")
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
    page.get_by_role("textbox", name=re.compile("Part de femmes")).fill("52,5")
    page.get_by_label(re.compile("Bénéficiaires accompagnés")).fill("240")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
    page.get_by_role("button", name="Enregistrer et continuer").click()  # step 3: optional only
    page.get_by_role("link", name=re.compile("Récapitulatif")).click()
    expect(page.get_by_role("cell", name="52,5")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Transmettre le questionnaire à l'ANCT").click()
    # A confirmation first (the transmission cannot be undone without ANCT), focused on load.
    expect(page.locator("#confirmation")).to_be_focused()
    expect(page.get_by_text("vous ne pourrez plus le modifier")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer la transmission à l’ANCT").click()
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
        assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
        assert not errors, errors
        # After the console check: axe-core parses the charts' shadow-root stylesheets into
        # <style> elements of its own (CSSOM preload), which the CSP reports — the tool, not the page.
        assert_accessible(anct_page)
    finally:
        context.close()


def test_ticks_and_breakdown_survive_round_trips_and_a_warning_saves_the_draft(page, live_server):
    setup_site()
    make_indicators()
    anct = make_anct_user()
    cite = CiteFactory(short_name="Saint-Omer")
    coordinator = UserFactory(cite=cite, coordinator=True)
    previous = make_campaign(2026, 3, open_by=anct)
    answer_and_submit(
        previous,
        cite,
        coordinator,
        {"comites-pilotage": 2, "taux-femmes": 48, "beneficiaires": 310},
    )
    services.close_campaign(previous, anct)
    current = make_campaign(2026, 4, open_by=anct)
    step2 = reverse("pilotage:questionnaire", args=[cite.slug, current.code, 2])

    login(page, live_server, coordinator)
    page.goto(live_server.url + step2)
    breakdown = page.locator("#q-beneficiaires details")
    # Nothing in it yet: collapsed.
    expect(breakdown).not_to_have_attribute("open", "")
    page.locator("label[for=p-beneficiaires]").click()  # DSFR: the label covers the box
    breakdown.locator("summary").click()
    breakdown.locator("input").first.fill("30")
    page.get_by_role("textbox", name=re.compile("Part de femmes")).fill("148")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    # Sent back for the error: the tick and the breakdown are as the coordinator left them.
    expect(page.locator("#erreurs")).to_be_focused()
    expect(page.locator("#p-beneficiaires")).to_be_checked()
    expect(breakdown).to_have_attribute("open", "")
    assert_accessible(page)

    # The breakdown does not add up: a warning, but the draft is saved.
    page.get_by_role("textbox", name=re.compile("Part de femmes")).fill("48")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Brouillon enregistré. Avant de transmettre")).to_be_visible()
    expect(page.locator("#v-beneficiaires-msg")).to_contain_text(
        "fait 30 alors que le total est 310"
    )
    expect(breakdown).to_have_attribute("open", "")
    expect(page.locator("#c-beneficiaires")).not_to_be_checked()
    assert Response.objects.get(campaign=current).answers.get(
        indicator__code="beneficiaires"
    ).breakdown == {"themes": {Theme.objects.ordered().first().slug: "30"}}
    assert_accessible(page)

    page.locator("label[for=c-beneficiaires]").click()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
    page.goto(live_server.url + step2)
    expect(page.locator("#c-beneficiaires")).to_be_checked()


def _overlaps(a, b):
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_breakdown_boxes_stand_apart_and_the_warning_is_announced(page, live_server, width):
    """Issue #17 walk: at 1280 px the breakdown inputs overlapped (three boxes read as one bar);
    after a save with a breakdown to check, the focus stayed on the body."""
    setup_site()
    make_indicators()
    anct = make_anct_user()
    cite = CiteFactory(short_name="Saint-Omer")
    coordinator = UserFactory(cite=cite, coordinator=True)
    campaign = make_campaign(open_by=anct)
    login(page, live_server, coordinator)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(
        live_server.url + reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 2])
    )
    breakdown = page.locator("#q-beneficiaires details")
    breakdown.locator("summary").click()
    inputs = breakdown.locator("input")
    boxes = [inputs.nth(i).bounding_box() for i in range(inputs.count())]
    assert len(boxes) >= 3
    for i, a in enumerate(boxes):
        assert a["x"] >= 0 and a["x"] + a["width"] <= width, (i, a)
        for b in boxes[i + 1 :]:
            assert not _overlaps(a, b), (a, b)
    # Each label sits right above its own box.
    labels = breakdown.locator("label")
    for i in range(labels.count()):
        label, box = labels.nth(i).bounding_box(), boxes[i]
        assert 0 <= box["y"] - (label["y"] + label["height"]) < 16
        assert label["x"] == pytest.approx(box["x"], abs=2)
    page.screenshot(path=f"var/breakdown-{width}.png", full_page=True)

    inputs.first.fill("30")
    page.get_by_role("textbox", name=re.compile("Part de femmes")).fill("48")
    page.locator("#v-beneficiaires").fill("310")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    warning = page.locator("[role=status] .fr-alert--warning")
    expect(warning).to_contain_text("vérifiez la ventilation")
    expect(warning).to_be_focused()
    expect(page.locator("#v-beneficiaires")).not_to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_stale_tab_and_closed_campaign_pages_pass_axe(page, browser, live_server):
    setup_site()
    make_indicators()
    anct = make_anct_user()
    cite = CiteFactory(short_name="Saint-Omer")
    coordinator = UserFactory(cite=cite, coordinator=True, first_name="Amandine")
    partner = UserFactory(cite=cite, partner=True)
    campaign = make_campaign(open_by=anct)
    login(page, live_server, partner)
    page.goto(
        live_server.url + reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 1])
    )
    answer_and_submit(
        campaign, cite, coordinator, {"comites-pilotage": 1, "taux-femmes": 40, "beneficiaires": 9}
    )
    page.get_by_label(re.compile("Comités de pilotage réunis")).fill("7")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    notice = page.locator("#transmis-entre-temps")
    expect(notice).to_be_focused()
    expect(notice).to_contain_text("par Amandine")
    expect(page.get_by_label(re.compile("Comités de pilotage réunis"))).to_have_value("7")
    assert_accessible(page)

    services.close_campaign(campaign, anct)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    anct_page = context.new_page()
    try:
        login(anct_page, live_server, anct)
        anct_page.goto(live_server.url + reverse("pilotage:cite", args=[cite.slug]))
        assert_accessible(anct_page)
        anct_page.goto(live_server.url + reverse("pilotage:dashboard"))
        expect(anct_page.get_by_role("button", name=re.compile("Rouvrir"))).to_have_count(1)
        expect(anct_page.get_by_role("button", name=re.compile("Prolonger"))).to_have_count(0)
        anct_page.get_by_role("navigation", name=re.compile("principal", re.I)).get_by_role(
            "link", name="Pilotage"
        ).click()
        expect(anct_page).to_have_url(re.compile(reverse("pilotage:dashboard")))
        anct_page.screenshot(path="var/dashboard-closed-1280.png", full_page=True)
        assert_accessible(anct_page)
    finally:
        context.close()
