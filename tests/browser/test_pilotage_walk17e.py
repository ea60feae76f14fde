"""Pilotage after the blind walk walk17e of issue #17, in Chromium: the chart legend's swatches
show (the dsfr-chart stylesheet reaches the component's shadow root); at 390 px every scrolling
table can take the keyboard focus, and the dashboard's « Prolonger / Rouvrir » stays on screen."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cde_site.setup import setup_site
from pilotage import services
from tests.browser.conftest import assert_accessible
from tests.browser.test_rgpd import login
from tests.factories import CiteFactory, UserFactory, make_anct_user
from tests.factories.pilotage import answer_and_submit, make_campaign, make_indicators

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = "/work/var-h17e"


def _network():
    """Saint-Omer and three other cités transmitted 2026-T3 (closed); 2026-T4 open."""
    setup_site()
    make_indicators()
    anct = make_anct_user()
    cite = CiteFactory(short_name="Saint-Omer", name="Cité de l'emploi de Saint-Omer")
    coordinator = UserFactory(cite=cite, coordinator=True)
    previous = make_campaign(2026, 3, open_by=anct)
    values = {"comites-pilotage": 2, "taux-femmes": 48, "beneficiaires": 310}
    answer_and_submit(previous, cite, coordinator, values)
    for i in range(3):
        other = CiteFactory()
        answer_and_submit(
            previous,
            other,
            UserFactory(cite=other, coordinator=True),
            {**values, "beneficiaires": 100 * i},
        )
    services.close_campaign(previous, anct)
    current = make_campaign(2026, 4, open_by=anct)
    return anct, cite, coordinator, current


def test_comparison_legend_shows_its_colour_swatches(page, live_server):
    anct, cite, _, _ = _network()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server, anct)
    page.goto(
        live_server.url
        + reverse("pilotage:indicator", args=["beneficiaires"])
        + f"?campagne=2026-T3&cite={cite.slug}"
    )
    expect(page.locator("bar-chart canvas").first).to_be_visible()
    dots = page.locator("#comparaison-titre ~ div bar-chart .legende_dot")
    expect(dots).to_have_count(2)
    expect(page.locator("bar-chart").nth(1).locator("link[data-chart-css]").first).to_be_attached()
    sizes = dots.evaluate_all(
        """dots => dots.map(d => {
            const r = d.getBoundingClientRect();
            return [r.width, r.height, getComputedStyle(d).backgroundColor];
        })"""
    )
    for width, height, colour in sizes:
        assert width >= 10 and height >= 10, sizes
        assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), sizes
    assert sizes[0][2] != sizes[1][2]  # two series, two colours
    page.locator("figure").nth(1).screenshot(path=f"{SHOTS}/w17e-legend.png")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    # Last: axe-core parses the shadow roots' stylesheets into <style> elements of its own (its
    # CSSOM preload), which the CSP reports; that is the test tool, not the page.
    assert_accessible(page)


def test_phone_tables_take_the_focus_and_the_dashboard_controls_stay_on_screen(page, live_server):
    anct, cite, coordinator, current = _network()
    login(page, live_server, coordinator)  # at 1280 px: the account link is in the header
    page.set_viewport_size({"width": 390, "height": 844})
    recap = reverse("pilotage:questionnaire", args=[cite.slug, current.code, 4])
    for name, url in [("recap", recap), ("cite", reverse("pilotage:cite", args=[cite.slug]))]:
        page.goto(live_server.url + url)
        regions = page.locator(".fr-table__container[role=region][tabindex='0']")
        assert regions.count() >= 1, url
        for i in range(regions.count()):
            # Named by an aria-label, or by the heading above the table (walk17f N8).
            named = regions.nth(i).evaluate(
                "r => (r.getAttribute('aria-label') || '').trim() || "
                "(document.getElementById(r.getAttribute('aria-labelledby')) || {}).textContent"
            )
            assert named and named.strip(), url
        page.screenshot(path=f"{SHOTS}/w17e-390-{name}.png", full_page=True)
        assert_accessible(page)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, anct)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("pilotage:activity"))
    assert_accessible(page)
    page.goto(live_server.url + reverse("pilotage:dashboard"))
    button = page.get_by_role("button", name=re.compile(r"Prolonger\s+Saint-Omer"))
    field = page.get_by_label("Nouvelle échéance pour Saint-Omer")
    page.screenshot(path=f"{SHOTS}/w17e-390-dashboard.png", full_page=True)
    for control in (field, button):
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    # The questionnaires' table no longer scrolls sideways: one block per cité.
    assert page.locator(".pilotage-stack .fr-table__container").evaluate(
        "c => c.scrollWidth <= c.clientWidth"
    )
    assert_accessible(page)
