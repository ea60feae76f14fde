"""Keyboard and screen reader paths across the site: a failed submit lands on its errors, the
"Menu" skip link works at phone width, the sessions table reads without scrolling."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from cde_site.setup import setup_site
from groups import services as group_services
from groups.models import Role
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, CiteFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = [1280, 390]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def assert_lands_on_error_summary(page, first_field_id):
    """Focus is on the summary, the title starts with "Erreur", and the summary's first link
    moves focus to the field at fault."""
    summary = page.locator("[data-cde-error-summary]")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Erreur : "))
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    assert focused_id(page) == first_field_id


def test_failed_subscription_lands_on_the_error_summary(page, live_server):
    setup_site()
    page.goto(live_server.url + "/ressources/veille/abonnement/")
    expect(page).not_to_have_title(re.compile("Erreur"))
    page.get_by_role("button", name="S'abonner").click()
    expect(page.locator("[data-cde-error-summary]")).to_contain_text("Adresse électronique")
    assert_lands_on_error_summary(page, "id_email")


def test_failed_subscription_without_a_theme_lands_on_the_error_summary(page, live_server):
    setup_site()
    page.goto(live_server.url + "/ressources/veille/abonnement/")
    page.get_by_role("button", name="S'abonner").click()
    expect(page.locator("[data-cde-error-summary]")).to_contain_text("Adresse électronique")
    # Non-field error (no theme chosen): listed without a link, still focused.
    page.get_by_label("Adresse électronique").fill("lea@example.org")
    page.get_by_label("Seulement certains champs d'action").check(force=True)  # DSFR hides it
    with page.expect_navigation():  # the old page has a summary too: wait for the new one
        page.get_by_role("button", name="S'abonner").click()
    summary = page.locator("[data-cde-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choisissez au moins un champ d'action")


def test_failed_login_and_profile_land_on_the_error_summary(page, live_server):
    setup_site()
    user = UserFactory(first_name="Léa")
    page.goto(live_server.url + "/comptes/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill("pas le bon mot de passe")
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.locator("[data-cde-error-summary]")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Erreur : Se connecter"))
    assert_accessible(page)

    log_in(page, live_server, user)
    page.goto(live_server.url + "/comptes/profil/")
    page.get_by_label(re.compile(r"^\s*Photo")).set_input_files(
        {"name": "photo.png", "mimeType": "image/png", "buffer": b"pas une image"}
    )
    page.get_by_role("button", name="Enregistrer").click()
    assert_lands_on_error_summary(page, "id_photo")


def test_failed_group_submits_land_on_their_errors(page, live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    setup_site()
    cite = CiteFactory(short_name="Testville")
    coordinator = UserFactory(cite=cite, coordinator=True)
    group_services.add_member(cite.group, coordinator, role=Role.ANIMATEUR)
    log_in(page, live_server, coordinator)

    # A form re-rendered with its errors: the document upload without a file.
    page.goto(live_server.url + cite.group.get_absolute_url() + "documents/")
    page.get_by_role("button", name="Déposer").click()
    assert_lands_on_error_summary(page, "id_file")

    # A form whose view redirects with an error message: the invitation to a bad address.
    page.goto(live_server.url + cite.group.get_absolute_url() + "membres/")
    page.get_by_label("Adresse électronique de la personne à inviter").fill("pas-une-adresse")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    message = page.locator("[data-cde-error-message]")
    expect(message).to_contain_text("Saisissez une adresse électronique valide")
    expect(message).to_be_focused()
    expect(page).to_have_title(re.compile(rf"^Erreur : {re.escape(cite.group.name)} — Membres"))
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_menu_skip_link_reaches_the_navigation(page, live_server, width):
    setup_site()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + "/cites/")
    page.keyboard.press("Tab")  # the skip links show on focus
    skip_links = page.get_by_role("navigation", name="Accès rapide")
    # Two links, one per width, each named after where it leads (the other is hidden).
    name = "Menu principal" if width >= 992 else "Ouvrir le menu"
    other = "Ouvrir le menu" if width >= 992 else "Menu principal"
    menu_link = skip_links.get_by_role("link", name=name, exact=True)
    expect(menu_link).to_have_count(1)
    expect(skip_links.get_by_role("link", name=other, exact=True)).to_have_count(0)
    expect(skip_links.get_by_role("link", name="Menu", exact=True)).to_have_count(0)
    menu_link.focus()
    page.keyboard.press("Enter")
    nav = page.get_by_role("navigation", name="Menu principal")
    expect(nav).to_be_visible()
    in_nav = "document.activeElement.closest('#navigation-principale') !== null"
    if width < 992:
        # One Enter opens the closed panel and puts focus on the navigation's first link.
        expect(page.locator("#button-menu")).to_have_attribute("data-fr-opened", "true")
        expect(nav.get_by_role("link").first).to_be_focused()
        assert_accessible(page)
        page.keyboard.press("Escape")  # the panel closes, focus back on its button
        expect(nav).to_be_hidden()
        return
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate(in_nav):
            break
    assert page.evaluate(in_nav), "le clavier doit mener dans la navigation principale"
    assert_accessible(page)


def test_escape_keeps_the_query_in_the_header_search(page, live_server):
    """A native search field erases its text on Escape: the site keeps it, as the search page's
    own field with suggestions does."""
    setup_site()
    page.goto(live_server.url + "/cites/")
    box = page.get_by_role("searchbox", name="Rechercher sur la plateforme")
    box.press_sequentially("mobilité", delay=20)
    box.press("Escape")
    expect(box).to_have_value("mobilité")
    expect(box).to_be_focused()
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_sessions_table_reads_without_scrolling(page, live_server, width):
    setup_site()
    user = UserFactory()
    # allauth records a session's browser and address when logging in through its form.
    other = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 " * 2)
    other.post("/comptes/login/", {"login": user.email, "password": PASSWORD})
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + "/comptes/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page).not_to_have_url(re.compile(r"/comptes/login/"))
    page.goto(live_server.url + "/comptes/sessions/")
    table = page.get_by_role("table", name="Sessions ouvertes")
    expect(table.get_by_text("Cette session")).to_be_in_viewport()
    overflow = page.evaluate(
        "[...document.querySelectorAll('.fr-table__content')]"
        ".map(e => e.scrollWidth - e.clientWidth)"
    )
    assert overflow and max(overflow) <= 0, overflow
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    # The « Mon compte » menu leads here from the profile and « Mes données » as well.
    for path in ["/comptes/profil/", "/comptes/mes-donnees/"]:
        page.goto(live_server.url + path)
        menu = page.get_by_role("navigation", name="Mon compte")
        if width < 768:
            menu.get_by_role("button", name="Mon compte").click()
        menu.get_by_role("link", name="Mes sessions").click()
        expect(page).to_have_url(re.compile(r"/comptes/sessions/$"))
        menu = page.get_by_role("navigation", name="Mon compte")
        expect(menu.locator("[aria-current=page]")).to_have_text("Mes sessions")
        assert_accessible(page)


def test_seance_admin_list_and_edit_form(page, live_server):
    """ANCT's séance pages in the Wagtail admin: French column headers, and the rich-text fields
    (Draftail) named by their labels."""
    import datetime

    from django.utils import timezone

    from cafes_cites.models import Session
    from tests.factories import make_anct_user

    setup_site()
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
    session = Session.objects.create(
        title="Mobilité et permis", start=start, end=start + datetime.timedelta(hours=1)
    )
    page.set_default_timeout(60_000)  # the admin's pages are heavy for a shared machine
    log_in(page, live_server, make_anct_user())
    page.goto(live_server.url + "/admin/snippets/cafes_cites/session/")
    headers = page.locator("table.listing thead th")
    expect(headers.first).to_be_visible()
    texts = [t.strip() for t in headers.all_inner_texts()]
    assert "Séance" in texts and "État" in texts, texts
    assert "Label" not in texts and "Status label" not in texts, texts
    page.goto(live_server.url + f"/admin/snippets/cafes_cites/session/edit/{session.pk}/")
    description = page.get_by_role("textbox", name="Description")
    expect(description).to_be_visible()
    expect(page.get_by_role("textbox", name="Compte-rendu")).to_be_attached()
    assert_accessible(page)


def focused_text(page):
    return page.evaluate(
        "(() => { const e = document.activeElement; return e ? "
        "(e.tagName + ':' + (e.id || '') + ':' + (e.textContent || '').trim().slice(0, 40)) : '' })()"
    )


def test_phone_search_opens_on_its_field_and_escape_closes_it(page, live_server):
    """At phone width the header search is a modal: opening it puts the focus in the field (not
    on « Fermer »); Escape in the field closes it, focus back on the magnifier, text kept."""
    setup_site()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/cites/")
    magnifier = page.locator(".fr-header__navbar [aria-controls='modal-recherche']")
    box = page.get_by_role("searchbox", name="Rechercher sur la plateforme")
    magnifier.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#modal-recherche")).to_have_class(re.compile("fr-modal--opened"))
    expect(box).to_be_focused()
    page.keyboard.type("insertion jeunes", delay=20)
    expect(box).to_have_value("insertion jeunes")
    expect(page.locator("#modal-recherche")).to_have_class(re.compile("fr-modal--opened"))
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(page.locator("#modal-recherche")).not_to_have_class(re.compile("fr-modal--opened"))
    expect(magnifier).to_be_focused()
    expect(page.locator("#recherche-entete")).to_have_value("insertion jeunes")
    page.keyboard.press("Enter")  # reopened: the text is still there, focus in the field
    expect(box).to_be_focused()
    expect(box).to_have_value("insertion jeunes")


@pytest.mark.parametrize(
    ("name", "target"),
    [("Menu principal", "navigation-principale"), ("Pied de page", "pied-de-page")],
)
def test_skip_links_move_the_focus_to_their_target(page, live_server, name, target):
    setup_site()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/cites/")
    page.keyboard.press("Tab")
    skip_links = page.get_by_role("navigation", name="Accès rapide")
    skip_links.get_by_role("link", name=name, exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#{target}")).to_be_focused()


def test_phone_menu_tab_order_starts_with_close(page, live_server):
    """DSFR order in the phone menu: « Fermer », the account links, then the navigation. The
    « Ouvrir le menu » skip link lands on the first navigation link: going back from there
    reaches « Fermer » before any menu link of the end (the trap only wraps after the last)."""
    setup_site()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/cites/")
    page.locator("#button-menu").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    order = [focused_text(page)]
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(focused_text(page))
    assert order[0] == "BUTTON::Fermer", order
    assert order[1:4] == ["A::Se connecter", "A::Créer un compte", "A::Accueil"], order
    page.keyboard.press("Escape")
    page.goto(live_server.url + "/cites/")
    page.keyboard.press("Tab")
    page.get_by_role("link", name="Ouvrir le menu", exact=True).focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("navigation", name="Menu principal").get_by_role("link").first
    ).to_be_focused()
    back = []
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
        back.append(focused_text(page))
    assert back == ["A::Créer un compte", "A::Se connecter", "BUTTON::Fermer"], back
