"""Walk 12e in Chromium: Word lists pasted into the editor, focus after a refused file in a
reply, the @mention list next to the caret, times, the phone layout, drafts, attachments."""

from pathlib import Path

import pytest
from django.conf import settings
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


def shot(page, name, full_page=False):
    """A screenshot kept under VAR_DIR/test-results, to be looked at."""
    results = Path(settings.VAR_DIR) / "test-results"
    results.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(results / f"walk12e-{name}.png"), full_page=full_page)


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


@pytest.mark.parametrize("width", [1280, 390])
def test_mention_list_sits_at_the_caret_on_screen(browser, live_server, team, width):  # noqa: F811
    import re

    group, coordinator, _ = team
    page = new_page(browser, live_server.url, coordinator)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + f"/groupes/{group.slug}/discussions/nouvelle/")
    area = editor_ready(page)
    area.click()
    for line in range(35):  # a normal compte-rendu: the editor is taller than the screen
        page.keyboard.type(f"Ligne {line + 1} du compte-rendu")
        page.keyboard.press("Enter")
    page.keyboard.type("Merci @Pau")
    option = page.get_by_role("option", name=re.compile("Paula Partenaire"))
    expect(option).to_be_visible()
    listbox = page.get_by_role("listbox", name="Membres du groupe").bounding_box()
    caret = page.evaluate(
        """() => { const r = window.getSelection().getRangeAt(0).getBoundingClientRect();
                   return {top: r.top, bottom: r.bottom, left: r.left}; }"""
    )
    toolbar = page.get_by_role("toolbar").first.bounding_box()
    # On screen, right under (or over) the line being typed, not over the toolbar.
    assert listbox["y"] >= 0 and listbox["y"] + listbox["height"] <= 800
    assert listbox["x"] >= 0 and listbox["x"] + listbox["width"] <= width
    near_below = 0 <= listbox["y"] - caret["bottom"] <= 12
    near_above = 0 <= caret["top"] - (listbox["y"] + listbox["height"]) <= 12
    assert near_below or near_above, (listbox, caret)
    assert listbox["y"] >= toolbar["y"] + toolbar["height"] or (
        listbox["y"] + listbox["height"] <= toolbar["y"]
    )
    shot(page, f"mention-{width}")
    assert_clean(page)
    # Escape closes the list: Enter is then a new line, not a mention.
    page.keyboard.press("Escape")
    expect(option).to_be_hidden()
    page.keyboard.press("Enter")
    page.keyboard.type("suite")
    assert "@Paula" not in area.inner_text()
    assert area.locator("p").last.inner_text() == "suite"
    # Open again: Enter inserts the highlighted member.
    page.keyboard.type(" @Pau")
    expect(option).to_be_visible()
    page.keyboard.press("Enter")
    expect(area.get_by_role("link", name="@Paula Partenaire")).to_be_visible()
    page.context.close()


def test_an_eleventh_file_is_refused_when_chosen(browser, live_server, team):  # noqa: F811
    from tests.browser.test_groups_writing import PDF

    group, coordinator, _ = team
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + f"/groupes/{group.slug}/discussions/nouvelle/")
    editor_ready(page)
    page.locator("#id_files").set_input_files(
        [
            {"name": f"annexe-{n}.pdf", "mimeType": "application/pdf", "buffer": PDF}
            for n in range(1, 12)
        ]
    )
    expect(page.locator("#id_files-trop-lourd")).to_have_text(
        "« annexe-11.pdf » n’est pas joint : 10 fichiers au maximum par message."
    )
    expect(page.locator(".cde-attachments li")).to_have_count(10)
    assert page.locator("#id_files").evaluate("input => input.files.length") == 10
    expect(page.locator("[data-attachments] [role=status]")).to_contain_text("10 fichiers joints.")
    shot(page, "onze-fichiers", full_page=True)
    assert_clean(page)
    page.context.close()


def test_discard_offered_only_with_a_draft_and_on_replies_too(browser, live_server, team):  # noqa: F811
    import re

    from groups.models import Draft

    group, coordinator, _ = team
    thread = services.create_thread(group, coordinator, title="Réunion", body="Ouverture")
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + f"/groupes/{group.slug}/discussions/nouvelle/")
    area = editor_ready(page)
    discard = page.get_by_role("button", name="Abandonner ce brouillon")
    expect(discard).to_have_count(0)  # nothing written, nothing to give up
    area.click()
    page.keyboard.type("Une idée")
    expect(discard).to_be_visible()

    page.goto(live_server.url + thread.get_absolute_url())
    area = editor_ready(page)
    expect(discard).to_have_count(0)
    area.click()
    page.keyboard.type("Réponse que je n’enverrai pas")
    expect(page.get_by_text(re.compile("Brouillon enregistré"))).to_be_visible(timeout=15_000)
    page.reload()
    editor_ready(page)
    expect(discard).to_be_visible()
    shot(page, "reponse-brouillon", full_page=True)
    assert_clean(page)
    discard.click()
    expect(page.get_by_role("heading", name="Abandonner ce brouillon ?")).to_be_visible()
    expect(page.get_by_text("Votre réponse en cours à « Réunion » sera supprimée")).to_be_visible()
    assert_clean(page)
    discard.click()
    expect(page.get_by_text("Votre brouillon est abandonné.")).to_be_visible()
    assert not Draft.objects.filter(user=coordinator, thread=thread).exists()
    assert thread.posts.count() == 1
    expect(editor_ready(page)).to_have_text("")
    page.context.close()


def test_phone_thread_author_line_and_actions_are_compact(browser, live_server, team):  # noqa: F811
    group, coordinator, partner = team
    thread = services.create_thread(
        group, partner, title="Permanences", body="Qui tient celle de lundi ?", is_question=True
    )
    services.reply(thread, coordinator, body="Moi.")
    page = new_page(browser, live_server.url, coordinator)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + thread.get_absolute_url())
    reply = page.locator("li[id^=message-]").last
    meta = reply.locator(".cde-post-meta")
    date = meta.locator(".cde-nowrap")
    # The date stays on one line, aligned with the start of the author line.
    box, line = date.bounding_box(), meta.bounding_box()
    height = page.evaluate(
        "el => parseFloat(getComputedStyle(el).lineHeight)", date.element_handle()
    )
    assert box["height"] <= height * 1.2
    assert meta.evaluate("el => getComputedStyle(el).textAlign") in ("start", "left")
    assert line["x"] <= box["x"]
    # Signaler / Marquer comme solution / Masquer: side by side (wrapping), not full-width rows.
    buttons = reply.locator(".cde-post-actions > li")
    # Her own reply, as animatrice: Modifier, Supprimer, Marquer comme solution, Masquer.
    expect(buttons).to_have_count(4)
    first, second = buttons.nth(0).bounding_box(), buttons.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 4 and first["width"] < 200
    opening = page.locator("li[id^=message-]").first.locator(".cde-post-actions > li")
    boxes = [opening.nth(i).bounding_box() for i in range(opening.count())]
    assert len({round(b["y"]) for b in boxes}) < len(boxes)  # at least two share a line
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(page, "phone-thread", full_page=True)
    assert_clean(page)
    page.context.close()


def test_edit_page_with_attachments_title_and_question(browser, live_server, team):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.browser.test_groups_writing import PDF

    group, coordinator, _ = team
    thread = services.create_thread(
        group,
        coordinator,
        title="Convention",
        body="Le modèle",
        files=[SimpleUploadedFile("brouillon.pdf", PDF)],
    )
    post = thread.posts.get()
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + f"/groupes/{group.slug}/messages/{post.pk}/modifier/")
    editor_ready(page)
    expect(page.get_by_label("Titre")).to_have_value("Convention")
    expect(page.get_by_text("Pour mentionner un membre")).to_be_visible()
    expect(page.get_by_role("button", name="Annuler", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Revenir sans enregistrer")).to_be_visible()
    shot(page, "modifier", full_page=True)
    assert_clean(page)
    page.locator("label[for=id_is_question]").click()
    page.get_by_text("Retirer « brouillon.pdf »").click()
    page.locator("#id_files").set_input_files(
        [{"name": "faux.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00binaire"}]
    )
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.locator("#id_files-erreurs")).to_contain_text("faux.pdf")
    expect(page.locator("#id_files")).to_be_focused()
    assert_clean(page)
    page.locator("#id_files").set_input_files(
        [{"name": "final.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Titre").fill("Convention signée")
    # What was ticked before the refusal is still ticked.
    expect(page.get_by_label("Retirer « brouillon.pdf »")).to_be_checked()
    expect(page.get_by_label("C'est une question")).to_be_checked()
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_text("Message modifié.")).to_be_visible()
    thread.refresh_from_db()
    assert thread.title == "Convention signée" and thread.is_question
    assert list(post.attachments.values_list("original_name", flat=True)) == ["final.pdf"]
    page.context.close()
