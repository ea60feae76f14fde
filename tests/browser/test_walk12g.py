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
    paste_html,
    team,
)
from tests.factories import UserFactory


def close(page):
    """Leave the page first: a draft's beacon sent by closing the tab would reach the live
    server while the database is being flushed for the next test."""
    page.goto("about:blank")
    page.wait_for_timeout(500)
    page.context.close()


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
    close(page)


def test_unticking_a_solved_question_shows_the_warning(browser, live_server, team):  # noqa: F811
    group, coordinator, partner = team
    thread = services.create_thread(
        group, partner, title="Un garage solidaire ?", body="Lequel ?", is_question=True
    )
    reply = services.reply(thread, coordinator, body="Mobilis.")
    services.mark_solution(thread, reply, partner)
    opening = thread.posts.get(is_opening=True)
    page = new_page(browser, live_server.url, partner)
    page.goto(live_server.url + reverse("groups:edit_post", args=[group.slug, opening.pk]))
    editor_ready(page)
    warning = page.get_by_text("La réponse de Claire Coord est la solution de cette question.")
    expect(warning).to_be_hidden()
    page.locator("label[for=id_is_question]").click()
    expect(warning).to_be_visible()
    assert_clean(page)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
    page.locator("label[for=id_drop_solution]").click()
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_text("Message modifié.")).to_be_visible()
    thread.refresh_from_db()
    assert not thread.is_question and thread.solution is None
    close(page)


def test_pasted_event_handlers_never_reach_the_csp(browser, live_server, team):  # noqa: F811
    """Pasted HTML is cleaned as text before any parser sees it: Chromium reports a CSP
    violation for an onerror attribute even in an inert document."""
    group, coordinator, _ = team
    thread = services.create_thread(group, coordinator, title="Collages", body="Ouverture")
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + thread.get_absolute_url())
    editor_ready(page)
    paste_html(
        page,
        '<p>Bonjour <b>gras</b><img src=x onerror="window.__xss=1">'
        '<img src="data:," onerror=window.__xss=2><svg onload="window.__xss=3"></svg>'
        "<a href=\"https://example.org/\" onmouseover='window.__xss=4'>lien</a></p>",
    )
    area = page.get_by_role("textbox", name="Votre réponse")
    expect(area).to_contain_text("Bonjour gras")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__csp") == []
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.get_by_text("Votre réponse est publiée.")).to_be_visible()
    assert thread.posts.latest("pk").body_html == (
        '<p>Bonjour <strong>gras</strong><a href="https://example.org/" '
        'rel="nofollow noopener">lien</a></p>'
    )
    assert_clean(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    close(page)


def test_remove_buttons_are_named_after_their_file(browser, live_server, team, tmp_path):  # noqa: F811
    group, coordinator, _ = team
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("x")
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + reverse("groups:new_thread", args=[group.slug]))
    editor_ready(page)
    page.locator("input[type=file]").set_input_files([tmp_path / "a.txt", tmp_path / "b.txt"])
    expect(page.get_by_role("button", name="Retirer « a.txt »")).to_be_visible()
    page.get_by_role("button", name="Retirer « b.txt »").click()
    expect(page.get_by_role("button", name="Retirer « b.txt »")).to_have_count(0)
    expect(page.get_by_role("button", name="Retirer « a.txt »")).to_be_visible()
    assert_clean(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    close(page)


def test_mention_status_emptied_when_the_list_closes(browser, live_server, team):  # noqa: F811
    group, coordinator, _ = team
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + reverse("groups:new_thread", args=[group.slug]))
    area = editor_ready(page)
    status = page.locator(".cde-editor p[role=status]").first
    area.click()
    page.keyboard.type("@Pau")
    expect(status).to_contain_text("Suggestions ouvertes")
    page.keyboard.press("Enter")
    expect(status).to_have_text("@Paula Partenaire inséré.")
    page.keyboard.type("et @Pau")
    expect(status).to_contain_text("Suggestions ouvertes")
    page.keyboard.press("Escape")
    expect(status).to_have_text("Suggestions fermées.")
    expect(page.get_by_role("listbox")).to_be_hidden()
    close(page)


def test_toolbar_states_and_an_emptied_link_address(browser, live_server, team):  # noqa: F811
    group, coordinator, _ = team
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + reverse("groups:new_thread", args=[group.slug]))
    area = editor_ready(page)
    undo = page.get_by_role("button", name="Annuler la dernière modification")
    redo = page.get_by_role("button", name="Rétablir la modification annulée")
    expect(undo).to_have_attribute("aria-disabled", "true")
    expect(redo).to_have_attribute("aria-disabled", "true")
    area.click()
    page.keyboard.type("Voir le site ici merci")
    expect(undo).to_have_attribute("aria-disabled", "false")
    # Nothing selected, nothing typed in the dialog: said, the dialog stays.
    page.keyboard.press("Control+k")
    dialog = page.get_by_role("dialog", name="Lien")
    page.keyboard.press("Enter")
    expect(
        dialog.get_by_text("Indiquez l'adresse du lien, ou choisissez « Annuler ».")
    ).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    for _ in range(6):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Control+Shift+ArrowLeft")
    page.keyboard.press("Control+k")
    page.keyboard.type("https://exemple.fr")
    page.keyboard.press("Enter")
    expect(area.get_by_role("link", name="ici")).to_be_visible()
    link_button = page.get_by_role("button", name="Lien", exact=True)
    area.get_by_role("link", name="ici").click(position={"x": 5, "y": 5})
    expect(link_button).to_have_attribute("aria-pressed", "true")
    # The address emptied: the link goes.
    page.keyboard.press("Control+k")
    page.get_by_label("Adresse du lien (https://…)").fill("")
    page.keyboard.press("Enter")
    expect(area.get_by_role("link")).to_have_count(0)
    expect(area).to_contain_text("Voir le site ici merci")
    expect(link_button).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Control+z")
    expect(redo).to_have_attribute("aria-disabled", "false")
    close(page)


def test_file_dropped_on_the_message_frame_is_attached(browser, live_server, team):  # noqa: F811
    group, coordinator, _ = team
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + reverse("groups:new_thread", args=[group.slug]))
    area = editor_ready(page)
    prevented = page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["x"], "photo.png", {type: "image/png"}));
            const area = document.querySelector(".cde-editor__area");
            area.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true,
                                                          cancelable: true}));
            const drop = new DragEvent("drop", {dataTransfer: data, bubbles: true,
                                                cancelable: true});
            area.dispatchEvent(drop);
            return drop.defaultPrevented;
        }"""
    )
    assert prevented
    expect(page.get_by_role("button", name="Retirer « photo.png »")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="1 fichier joint.")).to_have_count(1)
    assert page.locator("input[type=file]").evaluate("(i) => i.files.length") == 1
    expect(area).to_have_text("")
    assert_clean(page)
    close(page)


def test_attachments_of_the_documents_page_fit_a_phone_and_are_paginated(
    browser,
    live_server,
    team,  # noqa: F811
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    group, coordinator, _ = team
    thread = services.create_thread(
        group, coordinator, title="Convention de stage pour les jeunes du quartier ?", body="x"
    )
    for batch in range(3):
        services.reply(
            thread,
            coordinator,
            body=f"Lot {batch}",
            files=[SimpleUploadedFile(f"note-{batch}-{i}.txt", b"texte") for i in range(9)],
        )
    page = new_page(browser, live_server.url, coordinator)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("groups:documents", args=[group.slug]))
    attachments = page.locator(".cde-attachment-list > li")
    expect(attachments).to_have_count(20)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    expect(attachments.first).to_contain_text("Convention de stage")
    assert_clean(page)
    page.get_by_role("navigation", name="Pagination").get_by_role(
        "link", name="Page suivante"
    ).click()
    expect(attachments).to_have_count(7)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page)
    close(page)
