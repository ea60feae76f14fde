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


FOCUSABLE = """(id) => {
    const el = document.getElementById(id);
    if (!el) { return "absent"; }
    el.focus();
    return document.activeElement === el ? "ok" : "not focusable: " + el.tagName;
}"""


def test_every_error_and_blocker_link_reaches_a_focusable_field(page, live_server):
    """One question of each kind, all required: the recap's « Avant de transmettre » links and
    the error summary's links each lead to an element that exists and takes the focus."""
    setup_site()
    make_indicators()
    Indicator.objects.create(
        code="fait-marquant",
        label="Fait marquant du trimestre",
        enjeu=Enjeu.COOPERATION,
        kind=Kind.TEXT,
        position=9,
    )
    Indicator.objects.update(required=True)
    anct = make_anct_user()
    campaign = make_campaign(open_by=anct)
    cite = CiteFactory(short_name="Saint-Omer")
    coordinator = UserFactory(cite=cite, coordinator=True)
    login(page, live_server, coordinator)
    recap = reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 4])
    page.goto(live_server.url + recap)
    links = page.locator("#avant-transmission a[href*='#']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    kinds = {i.code: i.kind for i in Indicator.objects.all()}
    assert {h.rsplit("#v-", 1)[1].removesuffix("-oui") for h in hrefs} == set(kinds)
    for href in hrefs:
        page.goto(live_server.url + href)
        target = href.rsplit("#", 1)[1]
        assert page.evaluate(FOCUSABLE, target) == "ok", href

    # Step 1 sent back with an error on each kind (values a browser would not send, forged).
    step1 = reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 1])
    page.goto(live_server.url + step1)
    page.get_by_label(re.compile("Comités de pilotage réunis")).fill("trois")
    page.evaluate(
        """() => {
            const select = document.getElementById('v-diagnostic');
            select.options[1].value = 'bogus'; select.selectedIndex = 1;
            const yes = document.getElementById('v-cotech-oui');
            yes.value = 'peut-être'; yes.checked = true;
            document.getElementById('v-fait-marquant').value = 'x'.repeat(300);
        }"""
    )
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator("#erreurs")).to_be_focused()
    summary = page.locator("#erreurs a")
    assert summary.count() == 4
    for i in range(summary.count()):
        target = summary.nth(i).get_attribute("href").lstrip("#")
        assert page.evaluate(FOCUSABLE, target) == "ok", target
    # A click on the choice question's link puts the focus on the list.
    page.locator("#erreurs a[href='#v-diagnostic']").click()
    expect(page.locator("#v-diagnostic")).to_be_focused()
    # N6: the short text says and enforces its limit.
    field = page.locator("#v-fait-marquant")
    expect(field).to_have_attribute("maxlength", "255")
    expect(page.locator("label[for='v-fait-marquant']")).to_contain_text("255 caractères au plus")
    _check(page, "errors")


def test_chart_is_readable_on_a_phone_and_public_figures_say_their_coverage(page, live_server):
    from tests.browser.test_pilotage_walk17e import _network

    anct, cite, coordinator, current = _network()
    login(page, live_server, anct)
    url = live_server.url + reverse("pilotage:indicator", args=["beneficiaires"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url + "?campagne=2026-T3")
    canvas = page.locator("bar-chart canvas").first
    expect(canvas).to_be_visible()
    page.wait_for_timeout(500)
    height = canvas.bounding_box()["height"]
    assert height >= 250, height
    page.screenshot(path=f"{SHOTS}/w17g-indicator-390.png", full_page=True)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url + "?campagne=2026-T3")
    expect(page.locator("bar-chart canvas").first).to_be_visible()
    page.screenshot(path=f"{SHOTS}/w17g-indicator-1280.png", full_page=True)
    assert_accessible(page)
    # The dashboard (real closing date) and the public key figures.
    page.goto(live_server.url + reverse("pilotage:dashboard") + "?campagne=2026-T3")
    expect(page.get_by_text(re.compile(r"close le \d\d/\d\d/\d{4}")).first).to_be_visible()
    _check(page, "dashboard")
    # The closing confirmation: who is told by e-mail, how many answers the publication needs.
    page.goto(live_server.url + reverse("pilotage:dashboard") + "?campagne=2026-T4")
    page.get_by_role("button", name=re.compile("Clore la campagne")).first.click()
    expect(page.get_by_text("en est informée par courriel")).to_be_visible()
    _check(page, "close-confirm")
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("pilotage:key_figures"))
    expect(page.get_by_text(re.compile(r"4 cités sur \d+ ont transmis"))).to_be_visible()
    _check(page, "key-figures")
    # The questionnaire of the open quarter, pre-filled from the last transmitted one.
    login(page, live_server, coordinator)
    page.goto(
        live_server.url + reverse("pilotage:questionnaire", args=[cite.slug, current.code, 1])
    )
    expect(page.get_by_text("Repris du trimestre précédent").first).to_be_visible()
    _check(page, "prefilled")
