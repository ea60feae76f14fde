"""Walk 16g #6 and #7: the privacy page names recipients, the DPO, the host and processors;
the legal notices name the host and the source code, from documented settings, and say plainly
what is not configured (no sentence meant for the installer). Real pages, PostgreSQL."""

import pytest

from cde_site.setup import PRIVACY_SLUG, setup_site
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def _text(client, slug):
    response = client.get(f"/{slug}/")
    assert response.status_code == 200
    return page_text(response)


def test_unconfigured_instance_says_so_plainly(client, settings):
    settings.LEGAL_HOST_NAME = ""
    settings.PRIVACY_DPO_CONTACT = ""
    settings.PRIVACY_PROCESSORS = []
    settings.SOURCE_CODE_URL = ""
    setup_site()
    legal = _text(client, "mentions-legales")
    assert "précisées par l'exploitant" not in legal
    assert "L'hébergeur de cette instance n'a pas encore été publié ici" in legal
    assert f'href="mailto:{settings.CONTACT_EMAIL}"' in legal
    assert "sous licence MIT" in legal

    privacy = _text(client, PRIVACY_SLUG)
    for heading in (
        "Destinataires",
        "Délégué à la protection des données",
        "Hébergeur et sous-traitants",
    ):
        assert f"<h2>{heading}</h2>" in privacy
    assert "Les membres des groupes auxquels vous participez" in privacy
    assert "L'équipe nationale des cités de l'emploi (ANCT)" in privacy
    assert "votre demande lui sera transmise" in privacy
    assert 'href="/comptes/mes-donnees/">« Mes données »</a>' in privacy
    assert "depuis « Mes sessions »" in privacy  # not « cette page », shared with Mes données
    assert "écrivez-nous" not in privacy
    assert privacy.index("<h2>Destinataires</h2>") < privacy.index("<h2>Vos droits</h2>")


def test_configured_instance_names_host_dpo_processors_and_source(client, settings):
    setup_site()
    settings.LEGAL_HOST_NAME = "Hébergeur SAS"
    settings.LEGAL_HOST_ADDRESS = "1 rue de l'Exemple, 75001 Paris"
    settings.LEGAL_HOST_PHONE = "01 23 45 67 89"
    settings.PRIVACY_DPO_CONTACT = "dpo@exemple.gouv.fr"
    settings.PRIVACY_PROCESSORS = [
        "Hébergeur SAS — hébergement",
        "Courriel SA — envoi des courriels",
    ]
    settings.SOURCE_CODE_URL = "https://code.exemple.gouv.fr/cites-emploi"
    setup_site()  # a redeployment brings the sections in line with the settings
    legal = _text(client, "mentions-legales")
    assert "Hébergeur SAS, 1 rue de l'Exemple, 75001 Paris, téléphone : 01 23 45 67 89." in legal
    assert '<a href="https://code.exemple.gouv.fr/cites-emploi">' in legal
    assert legal.count("<h2>Hébergement</h2>") == 1
    privacy = _text(client, PRIVACY_SLUG)
    assert '<a href="mailto:dpo@exemple.gouv.fr">dpo@exemple.gouv.fr</a>' in privacy
    assert "<li>Courriel SA — envoi des courriels</li>" in privacy
    assert privacy.count("<h2>Destinataires</h2>") == 1


def test_privacy_page_written_before_walk16g_is_brought_up_to_date(client):
    from wagtail.rich_text import RichText

    from cde_site.models import ContentPage
    from cde_site.setup import (
        RECIPIENTS_HEADING,
        _rights_section_before_walk16g,
    )

    setup_site()
    page = ContentPage.objects.get(slug=PRIVACY_SLUG)
    blocks = [
        ("paragraph", RichText(_rights_section_before_walk16g()))
        if b.value.source.startswith("<h2>Vos droits</h2>")
        else (b.block_type, b.value)
        for b in page.body
        if not b.value.source.startswith(RECIPIENTS_HEADING)
    ]
    page.body = blocks
    page.save_revision().publish()
    assert "<h2>Destinataires</h2>" not in _text(client, PRIVACY_SLUG)
    setup_site()
    privacy = _text(client, PRIVACY_SLUG)
    assert "<h2>Destinataires</h2>" in privacy
    assert 'href="/comptes/mes-donnees/">« Mes données »</a>' in privacy
