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


def test_refused_file_in_a_reply_takes_the_focus_and_is_announced(browser, live_server, team):  # noqa: F811
    group, coordinator, _ = team
    thread = services.create_thread(group, coordinator, title="Fichiers", body="Ouverture")
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + thread.get_absolute_url())
    area = editor_ready(page)
    area.click()
    page.keyboard.type("Voici le programme")
    page.locator("#id_files").set_input_files(
        [{"name": "programme.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00binaire"}]
    )
    page.get_by_role("button", name="Publier la réponse").click()
    error = page.locator("#id_files-erreurs")
    expect(error).to_contain_text("programme.pdf")
    expect(page.locator("#id_files")).to_be_focused()
    # The error is what a screen reader reads with the field.
    assert (
        page.locator("#id_files").get_attribute("aria-describedby").split()[0] == "id_files-erreurs"
    )
    page.wait_for_timeout(500)  # after the page's own scroll to #repondre
    expect(page.locator("#id_files")).to_be_focused()
    assert "Voici le programme" in page.get_by_role("textbox", name="Votre réponse").inner_text()
    assert_clean(page)
    page.context.close()
