"""Walk 12e in Chromium: Word lists pasted into the editor, focus after a refused file in a
reply, the @mention list next to the caret, times, the phone layout, drafts, attachments."""

import pytest
from playwright.sync_api import expect

from groups import services
from tests.browser.test_groups_writing import (  # noqa: F401 (fixture)
    assert_clean,
    editor_ready,
    new_page,
    paste_html,
    team,
)
from tests.groups.test_walk12e import EXPECTED_LISTS, WORD_NO_IGNORE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_word_bullets_and_numbers_pasted_without_their_markers(browser, live_server, team):  # noqa: F811
    group, coordinator, _ = team
    thread = services.create_thread(group, coordinator, title="Ordre du jour", body="Ouverture")
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + thread.get_absolute_url())
    editor_ready(page)
    paste_html(page, WORD_NO_IGNORE)
    area = page.get_by_role("textbox", name="Votre réponse")
    expect(area.locator("ol > li")).to_have_count(2)
    expect(area.locator("ol > li").first).to_have_text("Premier point numéroté")
    expect(area.locator("ul ul ul > li")).to_have_text("Lundi matin")
    text = area.inner_text()
    for marker in ("·", "§", "1.", "2."):
        assert marker not in text
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.get_by_text("Votre réponse est publiée.")).to_be_visible()
    body = thread.posts.latest("pk").body_html
    flat = body.replace("<p>", "").replace("</p>", "")
    assert EXPECTED_LISTS in flat
    assert "<ol><li>Premier point numéroté</li><li>Second point numéroté</li></ol>" in flat
    assert "·" not in body and "§" not in body
    assert_clean(page)
    page.context.close()
