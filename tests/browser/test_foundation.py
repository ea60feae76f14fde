"""End-to-end journeys in headless Chromium: home, directory, cité and theme pages, accounts."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cde_site.setup import setup_site
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, CiteFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def main_nav(page):
    return page.get_by_role("navigation", name="Menu principal")


def login_fields(page):
    email = page.get_by_role("textbox", name=re.compile(r"adresse électronique", re.IGNORECASE))
    return email, page.get_by_label(re.compile(r"^\s*Mot de passe"))


def test_anonymous_journey_on_demo_content(page, live_server):
    call_command("load_demo", allow_without_debug=True)

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Le réseau des cités de l'emploi")
    themes = page.locator("section[aria-labelledby=titre-champs] .fr-tile")
    expect(themes).to_have_count(8)
    assert_accessible(page)

    main_nav(page).get_by_role("link", name="Cités", exact=True).click()
    expect(page).to_have_url(live_server.url + "/cites/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire des cités de l'emploi")
    count = page.get_by_role("status")
    expect(count).to_have_text(re.compile(r"^\s*\d+ cités dans l'annuaire"))
    unfiltered = count.inner_text()
    assert_accessible(page)

    page.get_by_label("Région").select_option("32")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"region=32"))
    expect(count).to_have_text(re.compile(r"\d+ cités? sur \d+"))
    assert count.inner_text() != unfiltered
    saint_omer = page.get_by_role("link", name="Cité de l'emploi de Saint-Omer")
    expect(saint_omer).to_be_visible()
    expect(page.get_by_role("link", name="Cité de l'emploi de Pau")).to_have_count(0)

    saint_omer.click()
    expect(page).to_have_url(live_server.url + "/cites/saint-omer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cité de l'emploi de Saint-Omer")
    identity = page.get_by_role("complementary")
    expect(identity.get_by_role("heading", name="Fiche d'identité")).to_be_visible()
    expect(identity.get_by_text("Structure porteuse")).to_be_visible()
    expect(identity.get_by_role("link", name="Connectez-vous")).to_be_visible()
    assert_accessible(page)

    tag = page.locator("section[aria-labelledby=priorites] a.fr-tag").first
    label = tag.inner_text().strip()
    tag.click()
    expect(page).to_have_url(re.compile(r"/champs-action/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(label)
    assert_accessible(page)


def test_login_profile_and_logout(page, live_server):
    setup_site()
    user = UserFactory(cite=CiteFactory(), coordinator=True, fonction="Conseiller")

    page.goto(live_server.url + "/")
    page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/comptes/login/"))
    assert_accessible(page)
    email, password = login_fields(page)
    email.fill(user.email)
    password.fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()

    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name=user.display_name)).to_be_visible()
    expect(header.get_by_role("button", name="Se déconnecter")).to_be_visible()

    page.goto(live_server.url + user.cite.get_absolute_url())
    expect(page.get_by_role("link", name=user.cite.coordinator_email)).to_be_visible()

    page.goto(live_server.url + "/comptes/profil/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    assert_accessible(page)
    page.get_by_label("Fonction").fill("Chargée de mission emploi")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Votre profil a été mis à jour.")).to_be_visible()
    expect(page.get_by_label("Fonction")).to_have_value("Chargée de mission emploi")
    assert_accessible(page)
    user.refresh_from_db()
    assert user.fonction == "Chargée de mission emploi"

    header.get_by_role("button", name="Se déconnecter").click()
    expect(header.get_by_role("link", name="Se connecter")).to_be_visible()
    expect(header.get_by_role("button", name="Se déconnecter")).to_have_count(0)


def test_bad_login_shows_an_error(page, live_server):
    setup_site()
    user = UserFactory()

    page.goto(live_server.url + "/comptes/login/")
    email, password = login_fields(page)
    email.fill(user.email)
    password.fill("pas-le-bon-mot-de-passe")
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(re.compile(r"/comptes/login/$"))
    expect(page.locator(".fr-alert--error")).to_contain_text("mot de passe")
    expect(page).to_have_title(re.compile(r"^Erreur"))
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()
    assert_accessible(page)


def test_skip_link_is_the_first_tab_stop(page, live_server):
    setup_site()

    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Contenu", exact=True)
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/#contenu")
    expect(page.locator("#contenu")).to_be_focused()


def test_mobile_menu_opens_the_navigation(page, live_server):
    setup_site()
    page.set_viewport_size({"width": 375, "height": 800})

    page.goto(live_server.url + "/")
    cites_link = main_nav(page).get_by_role("link", name="Cités", exact=True)
    expect(cites_link).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(page.locator("#modal-menu")).to_have_class(re.compile(r"fr-modal--opened"))
    expect(cites_link).to_be_visible()
    expect(main_nav(page).get_by_role("link", name="Accueil", exact=True)).to_be_visible()
    assert_accessible(page)


LOGO_CUT = """() => {
    const logo = document.querySelector('.fr-header__logo .fr-logo');
    return logo.scrollWidth > logo.clientWidth + 1;
}"""


def test_groups_menu_explains_the_login_and_the_logo_is_whole(page, live_server):
    """An anonymous visitor choosing "Groupes" is told why she must log in; logged in as ANCT
    (the longest header: "Administration"), the Marianne logo is not cut at 1280 or 390 px."""
    from tests.factories import make_anct_user

    setup_site()
    page.goto(live_server.url + "/")
    main_nav(page).get_by_role("link", name="Groupes").click()
    expect(page).to_have_url(re.compile(r"/comptes/login/\?next=/groupes/$"))
    expect(page.get_by_text("Connectez-vous pour accéder à vos groupes.")).to_be_visible()
    assert_accessible(page)
    anct = make_anct_user(first_name="Claire", last_name="Moreau")
    email, password = login_fields(page)
    email.fill(anct.email)
    password.fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/")
        assert not page.evaluate(LOGO_CUT), width
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert_accessible(page)
