"""« Mes données » in headless Chromium: from the profile to the export, then account deletion;
every page passes axe."""

import io
import json
import re
import zipfile

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cde_site.setup import setup_site
from rgpd.models import ErasedAccount
from tests.browser.conftest import assert_accessible
from tests.browser.test_xss import outside_event_loop
from tests.factories import PASSWORD, CiteFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def login(page, live_server, user):
    page.goto(live_server.url + "/comptes/login/")
    page.get_by_role("textbox", name=re.compile(r"adresse électronique", re.IGNORECASE)).fill(
        user.email
    )
    page.get_by_label(re.compile(r"^\s*Mot de passe")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("banner").get_by_role("link", name=user.display_name)).to_be_visible()


def test_export_then_delete_my_account(page, live_server):
    setup_site()
    user = UserFactory(cite=CiteFactory(), coordinator=True, first_name="Léa", last_name="Moreau")
    login(page, live_server, user)

    page.goto(live_server.url + "/comptes/profil/")
    assert_accessible(page)
    page.get_by_role("link", name="Mes données").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes données")
    expect(page.get_by_text(re.compile(r"pendant \d+ (ans?|jours) est anonymisé"))).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger mes données").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    with open(download.path(), "rb") as stream:
        archive = zipfile.ZipFile(io.BytesIO(stream.read()))
    profile = json.loads(archive.read("profil.json"))
    assert profile["compte"]["adresse_electronique"] == user.email

    page.get_by_role("link", name="Supprimer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supprimer mon compte")
    assert_accessible(page)
    page.get_by_label("Mot de passe").fill("pas le bon")
    # DSFR draws the box over the input: click the label, as a person does.
    page.get_by_text("J'ai compris que la suppression est définitive.").click()
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    # Under the field (the error summary at the top repeats it as a link to the field).
    expect(page.locator(".fr-error-text", has_text="Mot de passe incorrect.")).to_be_visible()
    assert_accessible(page)

    expect(page.get_by_label("J'ai compris que la suppression est définitive.")).to_be_checked()
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_text("Votre compte a été supprimé.")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()
    assert ErasedAccount.objects.filter(user=user).exists()


def test_admin_deletion_confirmation_says_what_happens(page, live_server):
    """The Wagtail admin's confirmation page (rgpd/templates/wagtailusers/users/) explains the
    erasure before an administrator deletes an account; it passes axe."""
    from pathlib import Path

    from django.conf import settings

    def build():
        setup_site()
        return (
            UserFactory(is_superuser=True, is_staff=True),
            UserFactory(first_name="Alice", last_name="Martin"),
        )

    admin, alice = outside_event_loop(build)
    login(page, live_server, admin)
    page.goto(live_server.url + reverse("wagtailusers_users:delete", args=[alice.pk]))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Compte supprimé")
    expect(main).to_contain_text("journal d'audit")
    results = Path(settings.VAR_DIR) / "test-results"
    results.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(results / "admin-suppression-compte.png"), full_page=True)
    assert_accessible(page)
