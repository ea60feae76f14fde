"""Issue 12's fixes in headless Chromium: ANCT creates a group and names its animateur in the
Wagtail admin; deleting a post and muting someone in the chat ask first. axe-core on each."""

import re

import pytest
from playwright.sync_api import expect

from cafes_cites.models import ChatMute
from cde_site.setup import setup_site
from groups import services
from groups.models import Group, Role
from tests.browser.conftest import assert_accessible
from tests.browser.test_cafes_cites import _alice_and_bob_in_the_chat, asgi_server  # noqa: F401
from tests.browser.test_groups import log_in
from tests.factories import CiteFactory, UserFactory, make_anct_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_anct_creates_a_group_and_names_its_animateur(page, live_server):
    setup_site()
    anct = make_anct_user(first_name="Nadia", last_name="National")
    coordinator = UserFactory(
        cite=CiteFactory(), coordinator=True, first_name="Claire", last_name="Coord"
    )
    # The admin's pages are heavy for a shared two-core machine.
    page.set_default_timeout(60_000)
    log_in(page, live_server.url, anct.email)
    page.goto(live_server.url + "/admin/snippets/groups/group/add/")
    expect(page.locator("#header-title")).to_contain_text("Groupe")
    assert_accessible(page)
    page.locator("#id_name").fill("Mobilité et permis")
    page.locator("#id_name").press("Tab")
    # The URL identifier is filled in from the name when leaving it (no typing needed).
    expect(page.locator("#id_slug")).to_have_value("mobilite-et-permis")
    page.locator("#id_access").select_option("open")
    page.locator("#id_memberships-ADD").click()
    # The person picker is a chooser with a search field: part of her name is enough.
    UserFactory(first_name="Claude", last_name="Autre")
    page.get_by_role("button", name="Choisir une personne").click()
    modal = page.locator(".modal")
    search = modal.get_by_label("Rechercher une personne")
    # Named dialog, focus in the search field (groups/static/groups/person-chooser.js).
    expect(search).to_be_focused()
    expect(modal).to_have_attribute("aria-labelledby", re.compile(r".+"))
    page.keyboard.type("clai")
    choice = modal.locator("a[data-chooser-modal-choice]")
    expect(choice).to_have_count(1)
    expect(modal.locator("#search-results")).to_contain_text(coordinator.email)
    assert_accessible(page)
    choice.focus()
    page.keyboard.press("Enter")
    expect(modal).to_be_hidden()
    expect(page.locator("#id_memberships-0-user").locator("..")).to_contain_text(
        f"Claire Coord — {coordinator.email}"
    )
    page.locator("select[name='memberships-0-role']").select_option(Role.ANIMATEUR)
    # Whoever creates the group runs it too, unless she unticks the box (walk 12e).
    expect(
        page.get_by_role("checkbox", name="M’ajouter comme animatrice ou animateur de ce groupe")
    ).to_be_checked()
    page.locator("button.action-save").click()
    expect(page.locator(".messages")).to_contain_text("Mobilité et permis")
    expect(page.get_by_role("link", name="Voir le groupe sur le site")).to_be_visible()
    # Wagtail's own flash banner fades in: axe measures its contrast mid-animation.
    assert_accessible(page, exclude=[".messages"])
    group = Group.objects.get(slug="mobilite-et-permis")
    assert group.memberships.get(user=coordinator).role == Role.ANIMATEUR
    assert group.memberships.get(user=anct).role == Role.ANIMATEUR
    page.get_by_role("link", name="Voir le groupe sur le site").click()
    expect(page.get_by_text("Vous animez ce groupe")).to_be_visible()


def test_deleting_a_post_asks_first(page, live_server):
    setup_site()
    cite = CiteFactory()
    author = UserFactory(cite=cite, coordinator=True, first_name="Anne", last_name="Auteure")
    services.add_member(cite.group, author, role=Role.ANIMATEUR)
    thread = services.create_thread(
        cite.group, author, title="Comité de pilotage", body="Ordre du jour provisoire"
    )
    reply = services.reply(thread, author, body="Une précision à effacer")
    log_in(page, live_server.url, author.email)
    page.goto(live_server.url + thread.get_absolute_url())
    page.locator(f"#message-{reply.pk}").get_by_role("link", name="Supprimer").click()
    expect(page.get_by_role("heading", name="Supprimer votre message ?")).to_be_visible()
    expect(page.get_by_text("Une précision à effacer")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Annuler").click()
    expect(page.locator(f"#message-{reply.pk}")).to_contain_text("Une précision à effacer")
    page.locator(f"#message-{reply.pk}").get_by_role("link", name="Supprimer").click()
    page.get_by_role("button", name="Supprimer le message").click()
    expect(page.locator(f"#message-{reply.pk}")).to_contain_text("Message supprimé par son auteur")
    reply.refresh_from_db()
    assert reply.deleted_at is not None


def test_muting_someone_in_the_chat_asks_first(browser, asgi_server):  # noqa: F811
    alice = make_anct_user(first_name="Alice", last_name="Martin")  # an animateur
    with _alice_and_bob_in_the_chat(browser, asgi_server, alice) as (alice_page, bob_page):
        bob_page.get_by_label("Votre message").fill("Bonjour")
        bob_page.get_by_label("Votre message").press("Enter")
        mute = alice_page.get_by_role("button", name="Rendre muet Bob Durand")
        mute.click()
        dialog = alice_page.get_by_role("dialog", name="Rendre muet ce participant ?")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("Bob Durand ne pourra plus écrire")
        assert_accessible(alice_page)
        alice_page.keyboard.press("Escape")  # cancels
        expect(dialog).to_be_hidden()
        expect(mute).to_be_focused()
        assert not ChatMute.objects.exists()
        mute.click()
        dialog.get_by_role("button", name="Rendre muet").click()
        expect(bob_page.locator("#chat-erreur")).to_contain_text("suspendu votre participation")
        assert ChatMute.objects.filter(user__first_name="Bob").exists()


def test_deleting_a_chat_message_asks_first_and_focus_goes_to_the_list(
    browser,
    asgi_server,  # noqa: F811
):
    alice = make_anct_user(first_name="Alice", last_name="Martin")  # an animateur
    with _alice_and_bob_in_the_chat(browser, asgi_server, alice) as (alice_page, bob_page):
        for text in ("Premier", "Second"):
            bob_page.get_by_label("Votre message").fill(text)
            bob_page.get_by_label("Votre message").press("Enter")
        messages = alice_page.locator("#chat-messages li")
        expect(messages).to_have_count(2)
        delete = messages.first.get_by_role("button", name="Supprimer le message de Bob Durand")
        delete.click()
        dialog = alice_page.get_by_role("dialog", name="Supprimer ce message ?")
        expect(dialog).to_contain_text("disparaîtra du chat pour tous les participants")
        assert_accessible(alice_page)
        alice_page.keyboard.press("Escape")  # cancels
        expect(dialog).to_be_hidden()
        expect(delete).to_be_focused()
        expect(messages).to_have_count(2)
        delete.click()
        dialog.get_by_role("button", name="Supprimer").click()
        expect(messages).to_have_count(1)
        expect(messages.first).to_contain_text("Second")
        # Not on the next message's "Supprimer": on the list, the deletion announced.
        expect(alice_page.locator("#chat-messages")).to_be_focused()
        expect(alice_page.locator("#chat-annonces")).to_contain_text("supprimé")
        expect(bob_page.locator("#chat-messages li")).to_have_count(1)
