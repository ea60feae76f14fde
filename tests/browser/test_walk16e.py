"""Walk 16e fixes in Chromium: the password change keeps this session and focuses its message on
« Mes sessions »; « Renvoyer » says what happened; « Retirer la photo »; the anonymous demo
mailbox; the lockout page and the privacy page. axe-core clean, a screenshot of each in
VAR_DIR/walk16e."""

import io
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from cde_site.setup import setup_site
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import log_in
from tests.factories import PASSWORD, CiteFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def shot(page, name):
    folder = Path(settings.VAR_DIR) / "walk16e"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture
def member(db):
    setup_site()
    return UserFactory(
        cite=CiteFactory(), coordinator=True, email="lea@exemple.fr", first_name="Léa"
    )


def test_password_change_keeps_the_session_and_focuses_its_message(page, live_server, member):
    log_in(page, live_server, member)
    page.goto(live_server.url + "/comptes/password/change/")
    page.get_by_label(re.compile(r"^\s*Mot de passe actuel")).fill(PASSWORD)
    page.locator("#id_password1").fill("Neuf-secret-2026!")
    page.locator("#id_password2").fill("Neuf-secret-2026!")
    page.get_by_role("button", name=re.compile("Changer|Modifier|Enregistrer")).click()
    expect(page).to_have_url(live_server.url + "/comptes/sessions/")
    message = page.locator("[data-cde-success-message]")
    expect(message).to_be_focused()
    expect(message).to_contain_text("celle-ci reste ouverte")
    assert_accessible(page)
    shot(page, "mot-de-passe-change")


def test_resend_and_remove_photo(page, live_server, member):
    EmailAddress.objects.create(user=member, email="pro@exemple.org", verified=False)
    log_in(page, live_server, member)
    page.goto(live_server.url + "/comptes/email/")
    page.locator("input[type=radio][value='pro@exemple.org']").check(force=True)
    page.get_by_role("button", name=re.compile("Renvoyer")).click()
    message = page.locator("[data-cde-success-message]")
    expect(message).to_be_focused()
    expect(message).to_contain_text("pro@exemple.org")
    assert_accessible(page)
    shot(page, "renvoyer")

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "navy").save(buffer, "PNG")
    page.goto(live_server.url + "/comptes/profil/")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "moi.png", "mimeType": "image/png", "buffer": buffer.getvalue()}]
    )
    page.get_by_role("button", name="Enregistrer").click()
    checkbox = page.get_by_label("Retirer la photo")
    expect(checkbox).to_be_visible()
    assert_accessible(page)
    shot(page, "profil-avec-photo")
    page.locator("label[for=id_remove_photo]").click()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("[data-cde-success-message]")).to_be_focused()
    expect(page.get_by_label("Retirer la photo")).to_have_count(0)
    member.refresh_from_db()
    assert not member.photo


def test_anonymous_demo_mailbox_lockout_and_privacy_pages(page, live_server, member, settings):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "notifications.outbox.DatabaseEmailBackend"
    page.goto(live_server.url + "/comptes/password/reset/")
    page.get_by_label(re.compile("Adresse électronique")).fill(member.email)
    page.get_by_role("main").get_by_role("button").first.click()
    page.goto(live_server.url + "/notifications/courriels-de-demo/")
    page.get_by_label("Adresse électronique du destinataire").fill(member.email)
    page.get_by_role("button", name="Lire ses courriels").click()
    expect(page.locator(".cde-outbox__item").first).to_contain_text(member.email)
    assert_accessible(page)
    shot(page, "boite-demo-anonyme")

    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        page.goto(live_server.url + "/comptes/login/")
        page.get_by_role("textbox", name=re.compile("adresse électronique", re.I)).fill(
            member.email
        )
        page.get_by_label(re.compile(r"^\s*Mot de passe")).fill("faux")
        page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("main")).to_contain_text("après le dernier essai")
    assert_accessible(page)
    shot(page, "blocage")

    page.goto(live_server.url + "/donnees-personnelles/")
    expect(page.get_by_role("main")).to_contain_text("Responsable du traitement")
    assert_accessible(page)
    shot(page, "donnees-personnelles")
