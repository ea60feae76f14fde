"""Walk 1518e in a browser: removing a member asks first (keyboard, focus, axe), the unsubscribe
page names what it stops and says when it is already done, the demo mailbox reads on a phone."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from groups import services
from groups.models import Membership, Role
from notifications.models import EmailMode, OutboxEmail
from notifications.services import unsubscribe_url
from tests.browser.conftest import assert_accessible
from tests.browser.test_ressources import log_in
from tests.factories import CiteFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Screenshots for the person reviewing the change (not compared by the test).
SHOTS = Path(settings.VAR_DIR) / "test-results" / "walk1518e"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def team():
    cite = CiteFactory()
    animatrice = UserFactory(cite=cite, coordinator=True, first_name="Amandine", last_name="Leroy")
    julien = UserFactory(cite=cite, partner=True, first_name="Julien", last_name="Caron")
    services.add_member(cite.group, animatrice, role=Role.ANIMATEUR)
    services.add_member(cite.group, julien)
    return {"group": cite.group, "animatrice": animatrice, "julien": julien}


def test_removing_a_member_asks_first_then_says_it_is_done(page, live_server, team):
    group, julien = team["group"], team["julien"]
    log_in(page, live_server, team["animatrice"])
    page.goto(f"{live_server.url}/groupes/{group.slug}/membres/")
    row = page.locator(f"#membre-{julien.pk}")
    expect(row).to_contain_text("Membre")
    expect(page.locator(f"#membre-{team['animatrice'].pk}")).to_contain_text("Anime le groupe")
    expect(page.get_by_text("Animateur ou animatrice")).to_have_count(0)
    row.get_by_role("link", name="Retirer Julien Caron du groupe").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Retirer Julien Caron du groupe ?")).to_be_visible()
    assert Membership.objects.filter(group=group, user=julien).exists()
    assert_accessible(page)
    _shot(page, "member-remove-confirm")
    page.get_by_role("link", name="Annuler").click()
    expect(page.locator(f"#membre-{julien.pk}")).to_be_visible()
    page.locator(f"#membre-{julien.pk}").get_by_role("link", name="Retirer").click()
    page.get_by_role("button", name="Retirer Julien Caron du groupe").click()
    expect(page.get_by_text("Julien Caron ne fait plus partie du groupe.")).to_be_visible()
    assert not Membership.objects.filter(group=group, user=julien).exists()
    expect(page.locator(f"#membre-{julien.pk}")).to_have_count(0)


def test_unsubscribe_names_the_group_then_says_it_is_done(page, live_server, team):
    group, julien = team["group"], team["julien"]
    services.set_email_mode(group, julien, EmailMode.EACH)
    url = live_server.url + unsubscribe_url(julien.pk, f"group:{group.pk}")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(url)
        expect(page.get_by_text(f"pour « {group.name} »")).to_be_visible()
        assert_accessible(page)
        _shot(page, f"unsubscribe-ask-{width}")
    page.get_by_role("button", name="Me désabonner").click()
    expect(
        page.get_by_text(f"C'est fait : vous ne recevrez plus de courriel pour « {group.name} »")
    ).to_be_visible()
    page.goto(url)
    expect(
        page.get_by_text(
            f"C'est déjà fait : vous ne recevez plus de courriel pour « {group.name} »"
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name="Me désabonner")).to_have_count(0)
    assert_accessible(page)
    _shot(page, "unsubscribe-already-390")


def test_demo_mailbox_reads_on_a_phone(page, live_server, settings, team):
    settings.DEBUG = True
    julien = team["julien"]
    subject = "[Cités de l'emploi] Amandine Leroy a répondu à « Comité technique du mois »"
    OutboxEmail.objects.create(
        subject=subject,
        from_email="ne-pas-repondre@example.org",
        to=julien.email,
        body="Bonjour",
        message="Subject: x\n\nBonjour",
    )
    log_in(page, live_server, julien)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/notifications/courriels-de-demo/")
    link = page.get_by_role("link", name=subject)
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    # Nothing scrolls sideways, and the reader's own address is not repeated on each line.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.get_by_text(f"à {julien.email}")).to_have_count(0)
    assert_accessible(page)
    _shot(page, "outbox-390")
