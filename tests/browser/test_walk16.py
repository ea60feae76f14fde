"""Fixes from the blind walk of issue 16 in Chromium, on the account, bulletin and RGPD pages:
the primary address marked and the confirmation back on the addresses page, explicit bulletin
choices, clean error summaries (deletion, names, passwords), the login wait said with its way
out. Each failed submit lands on its error summary; axe-core clean; a screenshot of each page
in VAR_DIR/walk16 for review."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
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
    folder = Path(settings.VAR_DIR) / "walk16"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def assert_error_summary_focused(page, *texts):
    summary = page.locator("[data-cde-error-summary]")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Erreur : "))
    for text in texts:
        expect(summary).to_contain_text(text)
    assert_accessible(page)


@pytest.fixture
def member(db):
    setup_site()
    return UserFactory(
        cite=CiteFactory(), coordinator=True, email="lea@exemple.fr", first_name="Léa"
    )


def test_addresses_page_marks_the_primary_and_confirmation_comes_back(page, live_server, member):
    log_in(page, live_server, member)
    page.goto(live_server.url + "/comptes/email/")
    expect(page.locator("label", has_text="lea@exemple.fr")).to_contain_text("Adresse principale")
    page.get_by_label(re.compile("Adresse électronique")).fill("autre@exemple.fr")
    page.get_by_role("button", name="Ajouter l'adresse").click()
    expect(page.locator("[data-cde-success-message]")).to_be_focused()
    link = re.search(r"https?://\S+(/comptes/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    page.goto(live_server.url + link)
    page.get_by_role("button", name="Confirmer").click()
    expect(page).to_have_url(live_server.url + "/comptes/email/")
    message = page.locator("[data-cde-success-message]")
    expect(message).to_be_focused()
    expect(message).to_contain_text("Adresse électronique autre@exemple.fr confirmée.")
    expect(page.locator("label", has_text="autre@exemple.fr")).to_contain_text("Vérifiée")
    shot(page, "adresses")
    assert_accessible(page)


def test_bulletin_choice_is_explicit_and_the_address_prefilled(page, live_server, member):
    log_in(page, live_server, member)
    page.goto(live_server.url + "/ressources/veille/abonnement/")
    expect(page.get_by_role("textbox", name="Adresse électronique")).to_have_value("lea@exemple.fr")
    expect(page.get_by_label("Tout le bulletin")).to_be_checked()
    # DSFR draws the box over the input: click the label, as a person does. Ticking a champ is
    # the choice (walk 1518h N12: it used to be refused while « Tout le bulletin » was left on).
    page.locator("#themes-groupe label").first.click()
    expect(page.get_by_label("Seulement certains champs d'action")).to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="S'abonner").click()
    expect(page.locator("[data-cde-error-summary]")).to_have_count(0)
    shot(page, "abonnement")


def test_delete_account_summary_names_the_box(page, live_server, member):
    log_in(page, live_server, member)
    page.goto(live_server.url + "/comptes/mes-donnees/supprimer-mon-compte/")
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    assert_error_summary_focused(
        page,
        "Confirmation de la suppression : Cochez la case « J'ai compris que la suppression est "
        "définitive ».",
    )
    expect(page.locator("[data-cde-error-summary]")).not_to_contain_text("définitive. :")
    shot(page, "suppression")


def test_profile_names_required_and_without_markup(page, live_server, member):
    log_in(page, live_server, member)
    page.goto(live_server.url + "/comptes/profil/")
    page.get_by_label(re.compile(r"^\s*Prénom")).fill("")
    page.get_by_label(re.compile(r"^\s*Nom")).fill("<b>Moreau</b>")
    page.get_by_role("button", name=re.compile("Enregistrer")).click()
    assert_error_summary_focused(
        page,
        "Prénom : Saisissez votre prénom.",
        "Nom : Les caractères « < » et « > » ne sont pas acceptés.",
    )
    shot(page, "profil")


def test_password_change_shows_both_errors(page, live_server, member):
    log_in(page, live_server, member)
    page.goto(live_server.url + "/comptes/password/change/")
    page.get_by_label(re.compile(r"^\s*Mot de passe actuel")).fill(PASSWORD)
    page.locator("#id_password1").fill("court")
    page.locator("#id_password2").fill("autre")
    page.get_by_role("button", name=re.compile("Changer|Modifier|Enregistrer")).click()
    assert_error_summary_focused(page, "trop court", "deux fois le même mot de passe")
    shot(page, "mot-de-passe")


def test_login_wait_says_how_long_and_links_a_new_password(page, live_server, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,2/5m/key"}
    page.goto(live_server.url + "/comptes/login/")
    for password in ("faux-1", "faux-2", PASSWORD):
        page.get_by_role("textbox", name=re.compile("adresse électronique", re.I)).fill(
            member.email
        )
        page.get_by_label(re.compile(r"^\s*Mot de passe")).fill(password)
        page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    assert_error_summary_focused(page, "Réessayez dans 5 minutes")
    summary = page.locator("[data-cde-error-summary]")
    summary.get_by_role("link", name="choisissez un nouveau mot de passe").click()
    expect(page).to_have_url(live_server.url + "/comptes/password/reset/")
