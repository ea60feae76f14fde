"""Walk 12g in Chromium: mentions typed without accents, unticking a solved question, HTML
pasted without reaching the page's document, the editor's toolbar states, the attachments."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from groups import services
from tests.browser.conftest import assert_accessible
from tests.browser.test_groups_writing import (  # noqa: F401 (fixture)
    assert_clean,
    editor_ready,
    new_page,
    team,
)
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_mention_suggestions_ignore_accents(browser, live_server, team):  # noqa: F811
    group, coordinator, _ = team
    ines = UserFactory(cite=group.cite, partner=True, first_name="Inès", last_name="Benali")
    services.add_member(group, ines)
    elodie = UserFactory(cite=group.cite, partner=True, first_name="Élodie", last_name="Delattre")
    services.add_member(group, elodie)
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + reverse("groups:new_thread", args=[group.slug]))
    area = editor_ready(page)
    area.click()
    page.keyboard.type("Merci @Ines")
    expect(page.get_by_role("option", name=re.compile("Inès Benali"))).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.type("et @elodie")
    expect(page.get_by_role("option", name=re.compile("Élodie Delattre"))).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(area).to_contain_text("Merci @Inès Benali et @Élodie Delattre")
    assert page.evaluate("() => window.__csp") == []
    page.context.close()
