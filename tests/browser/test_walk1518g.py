"""Walk 1518g in Chromium: « Utile » on a suggestion keeps the page where it was, the outcome
focused beside the suggestion; Mon espace's news, the preferences page and the sign-up page
at 1280 and 390 px, axe-clean."""

import re

import pytest
from playwright.sync_api import expect

from cde_site.setup import setup_site
from groups import services as group_services
from ressources.models import ActionInspirantePage
from ressources.services import save_ressource
from ressources.setup import ensure_library
from tests.browser.conftest import assert_accessible
from tests.browser.test_ressources import log_in
from tests.factories import CiteFactory, UserFactory
from themes.models import Theme

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = ((1280, 900), (390, 844))


def _cite_with_suggestions():
    library, _ = ensure_library(setup_site())
    mobilite = Theme.objects.get(slug="mobilite")
    cite = CiteFactory(short_name="Testville", themes=[mobilite])
    for n in range(6):
        twin = CiteFactory(short_name=f"Jumelle {n}", themes=[mobilite])
        save_ressource(
            library,
            ActionInspirantePage,
            f"action-{n}",
            {"title": f"Action numéro {n}", "summary": "Une action.", "cite": twin},
            themes=[mobilite],
        )
    return cite


@pytest.mark.parametrize("width, height", WIDTHS)
def test_useful_keeps_the_place_and_focuses_the_outcome_beside_the_suggestion(
    browser, live_server, width, height
):
    cite = _cite_with_suggestions()
    coordinator = UserFactory(cite=cite, coordinator=True, first_name="Claire")
    other = UserFactory(cite=cite, coordinator=True)
    for user in (coordinator, other):
        group_services.add_member(cite.group, user)
    thread = group_services.create_thread(cite.group, other, title="Comité", body="Ordre")
    group_services.reply(thread, other, body="Suite")
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, live_server, coordinator)
        page.goto(live_server.url + "/mon-espace/")
        news = page.get_by_role("region", name="Nouveautés de mes groupes")
        expect(
            news.get_by_text(f"a ouvert la discussion « Comité » — {cite.group.name}")
        ).to_be_visible()
        assert_accessible(page)
        section = page.get_by_role("region", name="Pour ma cité")
        buttons = section.get_by_role("button", name=re.compile(r"^Utile : "))
        last = buttons.last
        name = last.inner_text().split(":", 1)[1].strip()
        last.scroll_into_view_if_needed()
        last.click()
        message = page.locator("[data-cde-success-message]", has_text="notée utile")
        expect(message).to_be_focused()
        expect(message).to_be_in_viewport()
        assert page.evaluate("window.scrollY") > 300  # not back at the top of the page
        item = page.locator("li[id^=suggestion-]").filter(has=message)
        expect(item.get_by_role("link", name=name)).to_be_in_viewport()
        expect(item.get_by_role("button", name=f"Utile : {name}", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        assert_accessible(page)
    finally:
        context.close()


def test_preferences_bulletin_champs_and_sign_up_answer_render_and_are_accessible(
    browser, live_server, settings
):
    from allauth.account.models import EmailAddress

    from ressources.models import Subscriber

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cite = CiteFactory(short_name="Testville")
    person = UserFactory(cite=cite, coordinator=True)
    group_services.add_member(cite.group, person)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    for width, height in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            page.goto(live_server.url + "/comptes/signup/")
            page.locator("#id_email").fill(person.email)
            page.locator("#id_first_name").fill("Nadia")
            page.locator("#id_last_name").fill("Nouvelle")
            page.locator("#id_password1").fill("un-mot-de-passe-solide-2026")
            page.locator("#id_password2").fill("un-mot-de-passe-solide-2026")
            page.locator("main form button[type=submit]").last.click()
            expect(page.get_by_text("Nous vous avons envoyé un courriel")).to_be_visible()
            assert_accessible(page)
            log_in(page, live_server, person)
            page.goto(live_server.url + "/mon-espace/preferences/")
            champs = page.get_by_role("group", name="Champs d'action du bulletin")
            expect(champs.get_by_role("checkbox")).to_have_count(8)
            assert_accessible(page)
            page.get_by_label("Recevoir le bulletin de veille").check(force=True)
            champs.get_by_role("checkbox").nth(3).check(force=True)
            page.get_by_role("button", name="Enregistrer mes préférences").click()
            expect(page.get_by_text("Vous êtes abonné(e) au bulletin de veille")).to_be_visible()
            assert_accessible(page)
        finally:
            context.close()
        Subscriber.objects.all().delete()
    assert not type(person).objects.filter(first_name="Nadia").exists()
