"""ANCT composes a bulletin from the library, from the bulletin's editor, with the keyboard only;
the composition page is axe-clean, with and without its error summary."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cafes_cites.models import Session
from cde_site.setup import setup_site
from ressources.models import BulletinPage, BulletinSending, FicheDispositifPage
from ressources.services import save_ressource
from ressources.setup import ensure_library
from tests.browser.conftest import assert_accessible
from tests.browser.test_ressources import log_in
from tests.factories import make_anct_user
from themes.models import Theme

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_anct_composes_a_bulletin_with_the_keyboard(page, live_server):
    library, archive = ensure_library(setup_site())
    mobilite = Theme.objects.get(slug="mobilite")
    sent = BulletinPage(title="Numéro 1", slug="1", number=1)
    archive.add_child(instance=sent)
    sent.save_revision().publish()
    BulletinSending.objects.create(bulletin=sent)
    BulletinSending.objects.filter(bulletin=sent).update(
        started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    for slug, title in [("permis", "Permis à un euro"), ("garage", "Garage solidaire")]:
        save_ressource(
            library,
            FicheDispositifPage,
            slug,
            {"title": title, "summary": f"Résumé : {title}."},
            themes=[mobilite],
        )
    start = timezone.now() - datetime.timedelta(days=1)
    Session.objects.create(
        title="Se déplacer pour travailler",
        start=start,
        end=start + datetime.timedelta(hours=1),
        replay_url="https://video.example.org/replay",
    )
    bulletin = BulletinPage(title="Numéro 2", slug="2", number=2, live=False)
    archive.add_child(instance=bulletin)
    bulletin.save_revision()
    log_in(page, live_server, make_anct_user())

    page.goto(f"{live_server.url}/admin/pages/{bulletin.pk}/edit/")
    page.get_by_role("link", name="Composer depuis la bibliothèque").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Composer le bulletin n° 2")
    expect(page.get_by_text("3 éléments")).to_be_visible()
    replay = page.get_by_role("checkbox", name="Replay — Se déplacer pour travailler")
    expect(replay).not_to_be_checked()
    assert_accessible(page)

    # Keyboard only: tick the two fiches and number them, the garage first.
    garage = page.get_by_role("checkbox", name="Garage solidaire")
    garage.focus()
    page.keyboard.press("Space")
    expect(garage).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("1000")  # refused: orders go up to 999
    permis = page.get_by_role("checkbox", name="Permis à un euro")
    permis.focus()
    page.keyboard.press("Space")
    page.get_by_role("spinbutton", name="Ordre de « Permis à un euro »").focus()
    page.keyboard.type("2")
    page.get_by_role("button", name="Composer le numéro").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator("#erreurs-formulaire")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("doit être un nombre entier entre 1 et 999")
    assert page.title().startswith("Erreur : ")
    expect(garage).to_be_checked()  # the submitted choice is kept
    assert_accessible(page)

    number = page.get_by_role("spinbutton", name="Ordre de « Garage solidaire »")
    number.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.get_by_role("button", name="Composer le numéro").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/admin/pages/{bulletin.pk}/edit/")
    draft = BulletinPage.objects.get(pk=bulletin.pk).get_latest_revision_as_object()
    [section] = draft.sections
    assert section.value["theme"] == "mobilite"
    assert [item["title"] for item in section.value["items"]] == [
        "Garage solidaire",
        "Permis à un euro",
    ]
