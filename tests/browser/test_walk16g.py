"""Walk 16g fixes in Chromium, at 1280 and 390 px, axe-core clean: the rate-limit page, the
password reset pages, the privacy and legal pages, the group's new thread error summary.
A screenshot of each in VAR_DIR/walk16g."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from cde_site.setup import setup_site
from tests.browser.conftest import assert_accessible
from tests.browser.test_groups_writing import editor_ready, new_page, team  # noqa: F401
from tests.factories import UserFactory
from tests.utils import clear_cache

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = (1280, 390)


def shot(page, name):
    folder = Path(settings.VAR_DIR) / "walk16g"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def check_layout(page, name):
    """axe-core clean and no horizontal scrolling at both widths."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} : {overflow} px de défilement horizontal à {width} px"
        shot(page, f"{name}-{width}")


@pytest.fixture
def site(db):
    setup_site()


def test_rate_limited_password_reset_shows_the_site_page(page, live_server, site, settings):
    clear_cache()
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "20/m/ip,2/m/key"}
    user = UserFactory(email="zoe@exemple.fr")
    for _ in range(3):
        page.goto(live_server.url + "/comptes/password/reset/")
        page.get_by_label(re.compile("Adresse électronique")).fill(user.email)
        page.get_by_role("button", name=re.compile("Recevoir|Envoyer|Réinitialiser")).click()
    expect(page).to_have_title(re.compile("Trop de demandes"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Trop de demandes")
    expect(page.locator("main")).to_contain_text("Réessayez dans 1 minute au plus")
    expect(page.locator("footer")).to_be_visible()
    check_layout(page, "429")
    page.get_by_role("link", name="Revenir à la page précédente").click()
    expect(page).to_have_url(live_server.url + "/comptes/password/reset/")
    clear_cache()


def test_locked_out_person_resets_the_password_and_logs_in_at_once(
    page, live_server, site, settings
):
    """Walk 16g #2 and #3: the advice of the lockout page works, and the done page says one true
    thing."""
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory(email="zoe2@exemple.fr")
    for _ in range(3):
        page.goto(live_server.url + "/comptes/login/")
        page.locator("#id_login").fill(user.email)
        page.locator("#id_password").fill("faux")
        page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion temporairement bloquée")
    check_layout(page, "blocage")
    page.get_by_role("link", name="Mot de passe oublié ?").first.click()
    mail.outbox.clear()
    page.get_by_label(re.compile("Adresse électronique")).fill(user.email)
    page.get_by_role("button", name=re.compile("Recevoir|Envoyer|Réinitialiser")).click()
    expect(page.locator("main")).to_contain_text("courriel")
    link = re.search(r"https?://\S+/password/reset/key/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.locator("#id_password1").fill("Nouveau-secret-2026!")
    page.locator("#id_password2").fill("Nouveau-secret-2026!")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    main = page.locator("main")
    expect(main).to_contain_text(
        "Votre mot de passe a été modifié et toutes vos sessions ont été fermées. "
        "Connectez-vous avec le nouveau mot de passe."
    )
    expect(page.get_by_text("celle-ci reste ouverte")).to_have_count(0)
    check_layout(page, "mot-de-passe-reinitialise")
    page.get_by_role("link", name="Se connecter").last.click()
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill("Nouveau-secret-2026!")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(live_server.url + "/mon-espace/")


@pytest.mark.parametrize("slug", ["donnees-personnelles", "mentions-legales"])
def test_privacy_and_legal_pages(page, live_server, site, slug):
    page.goto(f"{live_server.url}/{slug}/")
    main = page.locator("main")
    expect(main).not_to_contain_text("précisées par l'exploitant")
    if slug == "donnees-personnelles":
        expect(page.get_by_role("heading", name="Destinataires")).to_be_visible()
        expect(
            page.get_by_role("heading", name="Délégué à la protection des données")
        ).to_be_visible()
        expect(page.get_by_role("link", name="« Mes données »")).to_be_visible()
    else:
        expect(page.get_by_role("heading", name="Hébergement")).to_be_visible()
    check_layout(page, slug)


def test_my_data_page(page, live_server, site):
    from tests.browser.test_accessibility import log_in

    log_in(page, live_server, UserFactory())
    page.goto(live_server.url + "/comptes/mes-donnees/")
    expect(page.locator("main")).to_contain_text("vos sessions et connexions")
    expect(page.locator("main a[href^='mailto:']").first).to_be_visible()
    check_layout(page, "mes-donnees")


def test_new_group_discussion_has_the_sites_error_summary(browser, live_server, team):  # noqa: F811
    """Walk 16g #12: « Publier » with nothing typed focuses the error summary, as the site's
    other forms do; its link to the message focuses the rich-text editor."""
    group, coordinator, _ = team
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + f"/groupes/{group.slug}/discussions/nouvelle/")
    editor_ready(page)
    page.get_by_role("button", name="Publier", exact=True).click()
    summary = page.locator("[data-cde-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Le formulaire contient des erreurs")
    expect(page).to_have_title(re.compile("^Erreur"))
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        shot(page, f"nouvelle-discussion-erreurs-{width}")
    summary.get_by_role("link", name=re.compile("^Titre")).click()
    expect(page.get_by_label("Titre")).to_be_focused()
    summary.get_by_role("link", name=re.compile("^Message")).click()
    expect(page.locator(".cde-editor__area").first).to_be_focused()
    page.context.close()


def test_account_pages_after_the_walk(page, live_server, site):
    """#8 and #10 (and #17's single verified address): the addresses page and the profile in
    error, axe-core clean at both widths."""
    from allauth.account.models import EmailAddress

    from tests.browser.test_accessibility import log_in

    user = UserFactory(email="zoe@exemple.fr")
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    log_in(page, live_server, user)
    page.goto(live_server.url + "/comptes/email/")
    expect(page.get_by_role("button", name="Supprimer")).to_have_count(0)
    check_layout(page, "adresse-unique")
    EmailAddress.objects.create(user=user, email="zoe2@exemple.org", verified=False)
    page.goto(live_server.url + "/comptes/email/")
    page.locator("label[for]").filter(has_text="zoe2@exemple.org").click()
    page.get_by_role("button", name="Définir comme principale").click()
    expect(page.get_by_text("Confirmez d’abord l’adresse zoe2@exemple.org")).to_be_visible()
    expect(page.locator("input[value='zoe2@exemple.org']")).to_be_checked()
    check_layout(page, "adresse-non-confirmee")

    page.goto(live_server.url + "/comptes/profil/")
    page.get_by_label(re.compile("^\\s*Téléphone")).fill("appelez-moi")
    page.get_by_role("button", name=re.compile("Enregistrer")).click()
    expect(page.locator("[data-cde-error-summary]")).to_be_focused()
    expect(page.get_by_text("n'a pas été enregistré")).to_have_count(0)
    check_layout(page, "profil-erreur")


def test_admin_refusal_reset_sent_and_unknown_notification_pages(page, live_server, site):
    """#7, #13, #14: the pages whose wording changed, axe-core clean at both widths."""
    from tests.browser.test_accessibility import log_in

    page.goto(live_server.url + "/comptes/password/reset/done/")
    expect(page.locator("main a[href^='mailto:']")).to_be_visible()
    check_layout(page, "lien-envoye")
    log_in(page, live_server, UserFactory())
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_text("Pour toute demande")).to_have_count(0)
    check_layout(page, "admin-403")
    page.goto(live_server.url + "/notifications/99999/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page non trouvée")
    check_layout(page, "notification-inconnue")
