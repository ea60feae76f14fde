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
from tests.factories import PASSWORD, CiteFactory, UserFactory, make_anct_user
from tests.factories.cafes_cites import make_session
from tests.factories.pilotage import make_campaign, make_indicators

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
    make_indicators()
    campaign = make_campaign(open_by=make_anct_user(), closes_in=9)
    other = services.create_group(name="Groupe voisin", access="open", animateurs=[animateur])
    services.invite(other, member.email, actor=animateur)

    page.goto(live_server.url + "/comptes/login/")
    page.locator("#id_login").fill(member.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    questions = page.get_by_role("region", name="Questions sans solution")
    expect(questions.get_by_role("link", name="Qui vient jeudi ?")).to_be_visible()
    expect(page.get_by_role("heading", name="Ma cité : Testville")).to_be_visible()
    due = page.get_by_role("region", name="Questionnaire trimestriel")
    expect(due).to_contain_text(f"Campagne du {campaign.label}")
    expect(due).to_contain_text("Pas encore commencé")
    # Each unread item once: the new discussion is a line of "Nouveautés", the invitation is
    # among the other notifications.
    news = page.get_by_role("region", name="Nouveautés de mes groupes")
    expect(news.get_by_role("link", name="Qui vient jeudi ?")).to_have_count(1)
    others = page.get_by_role("region", name="Mes autres notifications")
    expect(others).to_contain_text("vous invite à rejoindre « Groupe voisin »")
    expect(others).not_to_contain_text("Qui vient jeudi ?")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    expect(due.get_by_role("link", name="Remplir le questionnaire")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})

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
    page.locator("label", has_text="Recevoir le bulletin de veille").click()
    page.get_by_role("button", name="Enregistrer mes préférences").click()
    expect(page.get_by_text("Vos préférences de notification sont enregistrées.")).to_be_visible()
    assert_accessible(page)
    assert cite.group.memberships.get(user=member).email_mode == EmailMode.NONE
    # The bulletin waits for its confirmation: still ticked, and the page says why.
    bulletin = page.get_by_label(re.compile("Recevoir le bulletin de veille"))
    expect(bulletin).to_be_checked()
    expect(bulletin).to_have_accessible_description(
        re.compile(f"Confirmation en attente : ouvrez le courriel envoyé à {member.email}")
    )
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_text("Confirmation en attente")).to_be_visible()
    assert_accessible(page)


def test_cancelled_session_outbox_invitation_and_invalid_unsubscribe(page, live_server, settings):
    """Pages changed for issue #15's walk: a cancelled café-cité seen by a registrant, the demo
    outbox with the attached invitation, the invalid unsubscribe link. axe-core on each."""

    from cafes_cites import services as cafes
    from notifications.models import OutboxEmail

    setup_site()
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "notifications.outbox.DatabaseEmailBackend"
    person = UserFactory(partner=True, first_name="Julien", last_name="Caron")
    session = make_session(title="Emploi des jeunes", video_url="https://visio.example.org/salle-3")
    cafes.register(person, session)
    cafes.cancel_session(session)

    page.goto(live_server.url + "/comptes/login/")
    page.locator("#id_login").fill(person.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))

    page.goto(live_server.url + session.get_absolute_url())
    main = page.get_by_role("main")
    expect(main).to_contain_text("Cette séance est annulée")
    expect(main).not_to_contain_text("Vous êtes inscrit")
    expect(main.get_by_role("link", name=re.compile("Ajouter à mon agenda"))).to_have_count(0)
    assert_accessible(page)

    registered = OutboxEmail.objects.get(subject__contains="Inscription confirmée")
    page.goto(live_server.url + f"/notifications/courriels-de-demo/{registered.pk}/")
    expect(page.get_by_role("heading", name="Pièces jointes")).to_be_visible()
    page.get_by_text(re.compile(r"^Voir le contenu de .*\.ics$")).click()
    expect(page.get_by_text(re.compile("BEGIN:VCALENDAR"))).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)

    page.goto(live_server.url + "/notifications/desabonnement/faux/")
    link = page.get_by_role("link", name="Mes notifications par courriel")
    expect(link).to_be_visible()
    assert_accessible(page)
