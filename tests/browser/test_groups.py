"""A coordinator invites a partner by e-mail; the partner signs up from the link, joins, posts;
the coordinator sees the notification. axe-core on the group pages."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from cde_site.setup import setup_site
from groups import services
from groups.models import Role
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, CiteFactory, UserFactory
from tests.factories.files import make_docx

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, base_url, email, password=PASSWORD):
    page.goto(base_url + "/comptes/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_invitation_signup_post_and_notification(browser, live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    setup_site()
    cite = CiteFactory(short_name="Testville", name="Cité de l'emploi de Testville")
    coordinator = UserFactory(cite=cite, coordinator=True, first_name="Claire", last_name="Coord")
    services.add_member(cite.group, coordinator, role=Role.ANIMATEUR)
    mail.outbox.clear()

    coordinator_context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    coord = coordinator_context.new_page()
    log_in(coord, live_server.url, coordinator.email)
    coord.goto(live_server.url + cite.group.get_absolute_url())
    expect(coord.get_by_role("heading", level=1)).to_have_text("Équipe projet — Testville")
    assert_accessible(coord)
    coord.get_by_role("link", name=re.compile(r"^Membres")).click()
    coord.get_by_label("Adresse électronique de la personne à inviter").fill(
        "paula.partenaire@example.org"
    )
    coord.get_by_role("button", name="Envoyer l'invitation").click()
    expect(coord.get_by_text("Invitation envoyée à paula.partenaire@example.org")).to_be_visible()
    assert_accessible(coord)

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/groupes/invitation/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    partner_context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    partner = partner_context.new_page()
    partner.goto(f"{live_server.url}/{path}")
    expect(partner.get_by_text("vous invite à rejoindre le groupe")).to_be_visible()
    assert_accessible(partner)
    partner.get_by_role("link", name="Créer mon compte").click()
    partner.locator("#id_first_name").fill("Paula")
    partner.locator("#id_last_name").fill("Partenaire")
    partner.locator("#id_email").fill("paula.partenaire@example.org")
    partner.locator("#id_password1").fill("un-mot-de-passe-solide-2026")
    partner.locator("#id_password2").fill("un-mot-de-passe-solide-2026")
    partner.get_by_role("main").get_by_role("button", name=re.compile("Créer")).click()
    expect(partner.get_by_role("button", name="Accepter l'invitation")).to_be_visible()
    partner.get_by_role("button", name="Accepter l'invitation").click()
    expect(
        partner.get_by_text("Bienvenue dans le groupe « Équipe projet — Testville »")
    ).to_be_visible()

    partner.get_by_role("link", name="Nouvelle discussion").click()
    partner.locator("#id_title").fill("Bonjour l'équipe")
    partner.get_by_role("textbox", name="Message").click()  # the rich-text editor
    partner.keyboard.type("Ravie de rejoindre la cité, @Claire Coord !")
    partner.get_by_role("button", name="Publier", exact=True).click()
    expect(partner.get_by_role("heading", name="Bonjour l'équipe")).to_be_visible()
    assert_accessible(partner)

    coord.goto(live_server.url + "/notifications/")
    expect(coord.get_by_role("link", name=re.compile("Notifications"))).to_contain_text("non lue")
    mention = coord.get_by_role("link", name=re.compile("Paula Partenaire vous a mentionné"))
    expect(mention).to_be_visible()
    assert_accessible(coord)
    coord.goto(live_server.url + mention.get_attribute("href"))
    expect(coord.get_by_text("Ravie de rejoindre la cité")).to_be_visible()

    partner_context.close()
    coordinator_context.close()


def test_document_text_is_read_and_searchable(page, live_server, settings, tmp_path):
    """A member uploads a Word file in the browser: the document page says its text was read,
    and the site search finds a word that only the file contains, highlighted."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.ELASTICSEARCH_URL = ""  # the PostgreSQL search (Elasticsearch: tests/search)
    setup_site()
    cite = CiteFactory(short_name="Testville", name="Cité de l'emploi de Testville")
    member = UserFactory(cite=cite, coordinator=True, first_name="Claire", last_name="Coord")
    services.add_member(cite.group, member, role=Role.ANIMATEUR)
    log_in(page, live_server.url, member.email)
    page.goto(live_server.url + reverse("groups:documents", args=[cite.group.slug]))
    page.get_by_label("Fichier").set_input_files(
        {
            "name": "compte-rendu.docx",
            "mimeType": "application/octet-stream",
            "buffer": make_docx("Compte rendu du comité", "Le capybara rejoint le projet."),
        }
    )
    page.get_by_label("Titre (facultatif)").fill("Compte rendu de mars")
    page.get_by_role("button", name="Déposer", exact=True).click()
    expect(page.get_by_text("Document « Compte rendu de mars » déposé.")).to_be_visible()
    page.get_by_role("link", name="Compte rendu de mars").first.click()
    expect(page.locator("#texte-extrait")).to_contain_text("Texte extrait pour la recherche : oui")
    assert_accessible(page)

    page.goto(live_server.url + reverse("search:search") + "?q=capybara")
    result = page.get_by_role("main").get_by_role("link", name="Compte rendu de mars")
    expect(result).to_be_visible()
    expect(page.locator("mark", has_text="capybara").first).to_be_visible()
    assert_accessible(page)
