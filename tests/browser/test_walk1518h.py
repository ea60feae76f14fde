"""Walk 1518h in Chromium: « Pas utile » keeps the page at the suggestions, its outcome and
« Annuler » focused there, at 1280 and 390 px, axe-clean."""

import re

import pytest
from playwright.sync_api import expect

from groups import services as group_services
from tests.browser.conftest import assert_accessible
from tests.browser.test_ressources import log_in
from tests.browser.test_walk1518g import WIDTHS, _cite_with_suggestions
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("width, height", WIDTHS)
def test_not_useful_keeps_the_place_and_focuses_the_outcome_beside_annuler(
    browser, live_server, width, height
):
    cite = _cite_with_suggestions()
    coordinator = UserFactory(cite=cite, coordinator=True)
    group_services.add_member(cite.group, coordinator)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, live_server, coordinator)
        page.goto(live_server.url + "/mon-espace/")
        section = page.get_by_role("region", name="Pour ma cité")
        last = section.get_by_role("button", name=re.compile(r"^Pas utile : ")).last
        name = last.inner_text().split(":", 1)[1].strip()
        last.scroll_into_view_if_needed()
        last.focus()
        page.keyboard.press("Enter")
        message = page.locator("[data-cde-success-message]", has_text="C'est noté")
        expect(message).to_be_focused()
        expect(message).to_be_in_viewport()
        assert page.evaluate("window.scrollY") > 300  # not back at the top of the page
        section = page.get_by_role("region", name="Pour ma cité")
        expect(section.get_by_role("link", name=name)).to_have_count(0)
        expect(section.get_by_role("button", name=f"Annuler : {name}")).to_be_in_viewport()
        assert_accessible(page)
    finally:
        context.close()


@pytest.mark.parametrize("width, height", WIDTHS)
def test_pending_champs_shown_and_ticking_a_champ_on_the_sign_up_form_chooses_it(
    browser, live_server, settings, width, height
):
    from ressources.models import Subscriber

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cite = _cite_with_suggestions()
    person = UserFactory(cite=cite, coordinator=True)  # address not verified
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        # N2: the champs asked for stay ticked while the confirmation is pending.
        log_in(page, live_server, person)
        page.goto(live_server.url + "/mon-espace/preferences/")
        page.get_by_label("Recevoir le bulletin de veille").check(force=True)
        champs = page.get_by_role("group", name="Champs d'action du bulletin")
        champs.get_by_label("Encourager et faciliter la mobilité").check(force=True)
        page.get_by_role("button", name="Enregistrer mes préférences").click()
        expect(page.get_by_text("Un courriel de confirmation")).to_be_visible()
        champs = page.get_by_role("group", name="Champs d'action du bulletin")
        expect(champs.get_by_label("Encourager et faciliter la mobilité")).to_be_checked()
        expect(
            page.get_by_text("Champs d'action retenus, en attente de confirmation")
        ).to_be_visible()
        assert_accessible(page)
        # N12: ticking a champ moves the radio to « Seulement certains champs d'action ».
        page.goto(live_server.url + "/ressources/veille/abonnement/")
        page.get_by_label("Adresse électronique").fill("lectrice@example.org")
        page.get_by_label("Encourager et faciliter la mobilité").check(force=True)
        expect(page.get_by_label("Seulement certains champs d'action")).to_be_checked()
        assert_accessible(page)
        page.get_by_role("button", name="S'abonner").click()
        expect(page.get_by_text("Un courriel vient d'être envoyé")).to_be_visible()
        assert_accessible(page)
    finally:
        context.close()
    assert not Subscriber.objects.exists()


def test_sending_pages_explain_the_left_out_subscriber_and_are_accessible(
    browser, live_server, anct_user
):
    from cde_site.setup import setup_site
    from ressources.services import confirm_subscription
    from ressources.setup import ensure_library
    from tests.ressources.test_bulletin_composition import new_bulletin, section

    library, library.archive = ensure_library(setup_site())
    bulletin = new_bulletin(library, 7, [section("Rubrique mobilité", "mobilite", "Brève")])
    confirm_subscription("numerique@example.org", ["competences-numeriques"])
    for width, height in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            log_in(page, live_server, anct_user)
            page.goto(live_server.url + f"/ressources/veille/envois/{bulletin.pk}/")
            expect(page.get_by_text("1 autre abonné n'a aucune rubrique")).to_be_visible()
            assert_accessible(page)
            page.goto(live_server.url + "/ressources/veille/envois/")
            expect(page.get_by_text("+ 1 sans rubrique dans ce numéro")).to_be_visible()
            assert_accessible(page)
        finally:
            context.close()
