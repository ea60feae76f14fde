"""Mon espace is where a member lands after logging in; the preferences page saves every
setting. axe-core on both."""

import re

import pytest
from playwright.sync_api import expect

from cde_site.setup import setup_site
from groups import services
from groups.models import Role
from notifications.models import EmailMode
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, CiteFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_mon_espace_and_preferences(page, live_server):
    setup_site()
    cite = CiteFactory(short_name="Testville", name="Cité de l'emploi de Testville")
    animateur = UserFactory(cite=cite, coordinator=True, first_name="Anne", last_name="Anim")
    member = UserFactory(cite=cite, partner=True, first_name="Marc", last_name="Membre")
    services.add_member(cite.group, animateur, role=Role.ANIMATEUR)
    services.add_member(cite.group, member)
    services.create_thread(
        cite.group, animateur, title="Qui vient jeudi ?", body="Dites-le", is_question=True
    )

    page.goto(live_server.url + "/comptes/login/")
    page.locator("#id_login").fill(member.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    questions = page.get_by_role("region", name="Questions en attente de réponse")
    expect(questions.get_by_role("link", name="Qui vient jeudi ?")).to_be_visible()
    expect(page.get_by_role("heading", name="Ma cité : Testville")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Régler mes notifications par courriel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes notifications par courriel")
    assert_accessible(page)
    group = page.get_by_role("group", name=cite.group.name)
    # DSFR draws radios and checkboxes on their labels: people click the label.
    group.locator("label", has_text="Aucun courriel").click()
    expect(group.get_by_label("Aucun courriel")).to_be_checked()
    page.locator("label", has_text="Recevoir les rappels des cafés-cités").click()
    expect(
        page.get_by_label(re.compile("Recevoir les rappels des cafés-cités"))
    ).not_to_be_checked()
    page.get_by_role("button", name="Enregistrer mes préférences").click()
    expect(page.get_by_text("Vos préférences de notification sont enregistrées.")).to_be_visible()
    assert_accessible(page)
    assert cite.group.memberships.get(user=member).email_mode == EmailMode.NONE
