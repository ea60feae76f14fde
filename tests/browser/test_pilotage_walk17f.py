"""Pilotage after the blind walk walk17f of issue #17, in Chromium: at 390 px the cité's page and
the national dashboard are no wider than the screen (the screen-reader-only words of the table
links stay inside the table's scroll area); a choice question reads once."""

import pytest
from django.urls import reverse

from tests.browser.conftest import assert_accessible
from tests.browser.test_pilotage_walk17e import _network
from tests.browser.test_rgpd import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = "/work/var-h17f"
WIDTH = 390


def _page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_cite_page_and_dashboard_fit_a_phone_screen(page, live_server):
    anct, cite, coordinator, current = _network()
    login(page, live_server, coordinator)
    page.set_viewport_size({"width": WIDTH, "height": 844})
    for name, url in [
        ("cite", reverse("pilotage:cite", args=[cite.slug])),
        ("step1", reverse("pilotage:questionnaire", args=[cite.slug, current.code, 1])),
    ]:
        page.goto(live_server.url + url)
        assert _page_width(page) <= WIDTH, (name, _page_width(page))
        page.screenshot(path=f"{SHOTS}/w17f-390-{name}.png", full_page=True)
        assert_accessible(page)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, anct)
    page.set_viewport_size({"width": WIDTH, "height": 844})
    for name, url in [
        ("dashboard", reverse("pilotage:dashboard")),
        ("activity", reverse("pilotage:activity")),
    ]:
        page.goto(live_server.url + url)
        assert _page_width(page) <= WIDTH, (name, _page_width(page))
        page.screenshot(path=f"{SHOTS}/w17f-390-{name}.png", full_page=True)
        assert_accessible(page)
