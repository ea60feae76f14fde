"""Fixes from the blind walk of issue 12 in Chromium: link marks that do not swallow what is
typed next, javascript: links refused in French, the mention list's empty state and its author,
the focus after publishing, the question box kept in the draft with a Paris time, and an
oversize attachment refused before upload. axe-core clean on the pages."""

import re

import pytest
from playwright.sync_api import expect

from groups.models import Draft, Post
from tests.browser.test_groups_writing import assert_clean, editor_ready, new_page, team  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_writing_a_question_after_the_walk(browser, live_server, team, settings):  # noqa: F811
    group, coordinator, _ = team
    settings.GROUP_DOCUMENT_MAX_BYTES = 1024
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + f"/groupes/{group.slug}/discussions/nouvelle/")
    area = editor_ready(page)
    undo = page.get_by_role("button", name="Annuler la dernière modification")
    expect(undo).to_have_attribute("title", "Annuler la dernière modification (Ctrl+Z)")
    page.get_by_label("Titre").fill("Contact mairie")
    page.locator("label[for=id_is_question]").click()
    area.click()
    page.keyboard.type("Voir la mairie")
    # A javascript: address is refused in French, the dialog stays open.
    page.keyboard.press("Shift+ArrowLeft")
    for _ in range(5):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+k")
    dialog = page.get_by_role("dialog")
    address = dialog.get_by_label("Adresse du lien (https://…)")
    address.fill("javascript:alert(1)")
    dialog.get_by_role("button", name="Valider").click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Cette adresse n'est pas acceptée")).to_be_visible()
    expect(address).to_have_attribute("aria-invalid", "true")
    assert_clean(page)
    address.fill("https://www.service-public.fr")
    dialog.get_by_role("button", name="Valider").click()
    expect(dialog).to_have_count(0)
    # Typed right after the link: outside it.
    page.keyboard.press("End")
    page.keyboard.type(". ")
    expect(area.get_by_role("link")).to_have_text("mairie")
    # Nobody matches: said on screen; the author is never offered to herself.
    page.keyboard.type("@Zzz")
    expect(page.locator(".cde-mentions__empty")).to_be_visible()
    expect(page.locator(".cde-mentions__empty")).to_have_text("Aucun membre ne correspond")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.type("Cla")
    expect(page.locator(".cde-mentions__empty")).to_be_visible()
    expect(page.get_by_role("option")).to_have_count(0)
    for _ in range(4):
        page.keyboard.press("Backspace")
    # The draft keeps the question box; its time is the server's, as "16 h 44".
    status = page.locator("[data-draft-status]")
    expect(status).to_contain_text(re.compile(r"Brouillon enregistré à \d{1,2} h \d{2}\."))
    assert Draft.objects.get(user=coordinator, thread=None).is_question
    page.reload()
    area = editor_ready(page)
    expect(page.get_by_label("C'est une question")).to_be_checked()
    expect(status).to_contain_text(re.compile(r"à \d{1,2} h \d{2}"))
    expect(status).not_to_contain_text(re.compile(r"\d:\d"))
    # Too heavy a file is refused before the upload, in the server's words.
    page.get_by_label("Pièces jointes (facultatif)").set_input_files(
        {"name": "lourd.pdf", "mimeType": "application/pdf", "buffer": b"%PDF" + b"x" * 2044}
    )
    refusal = page.locator("#id_files-trop-lourd")
    expect(refusal).to_be_visible()
    expect(refusal).to_have_text(
        "Le fichier « lourd.pdf » pèse 2 ko : la taille maximale est de 1 ko. Il n’est pas joint."
    )
    expect(page.get_by_role("button", name=re.compile("Retirer lourd.pdf"))).to_have_count(0)
    assert_clean(page)
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.get_by_text("Votre discussion est publiée.")).to_be_visible()
    opening = Post.objects.get(thread__title="Contact mairie", is_opening=True)
    assert opening.thread.is_question
    assert 'href="https://www.service-public.fr"' in opening.body_html
    assert ">mairie</a>. " in opening.body_html
    # The focus is on the message published, not at the top of the page.
    expect(page.locator(f"#message-{opening.pk}")).to_be_focused()
    assert_clean(page)
    page.context.close()
