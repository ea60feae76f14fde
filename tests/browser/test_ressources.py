"""ANCT publishes a fiche and a bulletin in the Wagtail admin; library pages are axe-clean."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from cde_site.setup import setup_site
from ressources.models import BulletinPage, FicheDispositifPage
from ressources.services import save_ressource
from ressources.setup import ensure_library
from tests.browser.conftest import assert_accessible
from tests.factories import make_anct_user
from themes.models import Theme

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


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


def set_slug(page, slug):
    # Wagtail fills the slug from the title in the browser, on a change event: set it
    # explicitly so a slow run cannot publish before that happened (flaky validation error).
    page.get_by_role("tab", name="Promotion").click()
    page.locator("#id_slug").fill(slug)
    page.get_by_role("tab", name="Contenu").click()


def publish(page, parent):
    # Wagtail's footer: "Save draft" is the main action, "Publish" sits in its dropdown.
    page.locator("footer .w-dropdown__toggle").first.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_load_state()
    errors = page.locator(".error-message").all_text_contents()
    assert not errors, f"Erreurs de validation de l'admin : {errors}"
    # Once published, Wagtail goes back to the parent's listing.
    expect(page).to_have_url(re.compile(rf"/admin/pages/{parent.pk}/$"))


def test_anct_publishes_a_fiche_and_a_bulletin(page, live_server):
    library, archive = ensure_library(setup_site())
    anct = make_anct_user()
    log_in(page, live_server, anct)

    page.goto(f"{live_server.url}/admin/pages/add/ressources/fichedispositifpage/{library.pk}/")
    page.wait_for_load_state("networkidle")  # admin controllers attached before typing
    page.locator("#id_title").fill("Chèque mobilité régional")
    page.locator("#id_summary").fill("Une aide pour passer le permis ou réparer un véhicule.")
    mobilite = Theme.objects.get(slug="mobilite")
    page.locator(f"input[name=themes][value='{mobilite.pk}']").check()
    set_slug(page, "cheque-mobilite-regional")
    publish(page, library)
    fiche = FicheDispositifPage.objects.get(title="Chèque mobilité régional")
    assert fiche.live

    page.goto(f"{live_server.url}/admin/pages/add/ressources/bulletinpage/{archive.pk}/")
    page.wait_for_load_state("networkidle")
    page.locator("#id_title").fill("Spécial mobilité")
    page.locator("#id_number").fill("315")
    set_slug(page, "special-mobilite")
    publish(page, archive)
    bulletin = BulletinPage.objects.get(number=315)
    assert bulletin.live

    page.goto(live_server.url + "/ressources/veille/")
    expect(page.get_by_role("link", name=re.compile("n° 315"))).to_be_visible()
    page.goto(live_server.url + "/ressources/?theme=mobilite")
    expect(page.get_by_role("link", name="Chèque mobilité régional")).to_be_visible()


def test_library_pages_are_accessible(page, live_server):
    library, _ = ensure_library(setup_site())
    mobilite = Theme.objects.get(slug="mobilite")
    fiche, _ = save_ressource(
        library,
        FicheDispositifPage,
        "permis",
        {"title": "Aide au permis", "summary": "Pour les jeunes.", "porteur": "Région"},
        themes=[mobilite],
    )
    for path in [
        "/ressources/",
        "/ressources/?theme=mobilite&tri=titre",
        fiche.url,
        "/ressources/veille/",
        "/ressources/veille/abonnement/",
    ]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)


def test_bulletin_subscription_focuses_its_success_and_buttons_keep_their_labels(page, live_server):
    ensure_library(setup_site())
    page.goto(live_server.url + "/ressources/veille/abonnement/")
    page.get_by_label("Adresse électronique").fill("abonnee@example.org")
    page.get_by_role("button", name="S'abonner").click()
    expect(page).to_have_url(re.compile(r"/ressources/veille/$"))
    success = page.locator("[data-cde-success-message]")
    expect(success).to_contain_text("Un courriel vient d'être envoyé à abonnee@example.org")
    expect(success).to_be_focused()
    expect(page.get_by_role("status")).to_contain_text("confirmer votre abonnement")
    assert_accessible(page)
    # DSFR reduces icon buttons in a group to their icon unless the group says "icon-left".
    for width in (576, 768, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        for name in ("S'abonner par courriel", "Flux Atom"):
            button = page.get_by_role("link", name=name)
            clipped = button.evaluate("b => b.scrollWidth - b.clientWidth")
            assert clipped <= 0, f"{name} tronqué de {clipped} px à {width} px"
            assert button.bounding_box()["width"] > 100
    assert_accessible(page)


def test_propose_action_button_shows_its_label(page, live_server):
    """Walk 1518: the library's only entry to the proposal form was a 32 px « + »."""
    from tests.factories import CiteFactory, UserFactory

    library, _ = ensure_library(setup_site())
    log_in(page, live_server, UserFactory(cite=CiteFactory(), coordinator=True))
    page.goto(live_server.url + library.url)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        button = page.get_by_role("link", name="Proposer une action inspirante")
        clipped = button.evaluate("b => b.scrollWidth - b.clientWidth")
        assert clipped <= 0, f"libellé tronqué de {clipped} px à {width} px"
        assert button.bounding_box()["width"] > 150
    assert_accessible(page)
