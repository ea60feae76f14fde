"""pilotage/ after the blind walk walk17f of issue #17: the ANCT contact address, reopening a
questionnaire never started, partial quarters on charts, French numbers, labels and captions."""

import re

from django.urls import reverse

from pilotage import conf
from tests.factories.pilotage import answer_and_submit
from tests.pilotage.test_pilotage_walk17e import REQUIRED
from tests.utils import page_text

# --- N2. The « Écrire à l'équipe nationale » link: a bare address that receives mail


def test_contact_address_is_bare_and_never_a_no_reply_sender(
    client, settings, member, cite, campaign
):
    settings.PILOTAGE_CONTACT_EMAIL = "Équipe pilotage <pilotage@anct.example>"
    assert conf.contact_email() == "pilotage@anct.example"
    settings.PILOTAGE_CONTACT_EMAIL = ""
    settings.CAFES_CITES_ORGANIZER_EMAIL = ""
    settings.DEFAULT_FROM_EMAIL = "Cités de l'emploi <ne-pas-repondre@cites-emploi.example>"
    assert conf.contact_email() == ""
    settings.CAFES_CITES_ORGANIZER_EMAIL = "Animation <animation@anct.example>"
    assert conf.contact_email() == "animation@anct.example"

    answer_and_submit(campaign, cite, member, REQUIRED)
    client.force_login(member)
    step1 = reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 1])
    html = page_text(client.get(step1))
    href = re.search(r'href="(mailto:[^"]*)"', html).group(1)
    assert href.startswith("mailto:animation@anct.example?subject=Questionnaire%20de%20pilotage")
    assert " " not in href and "<" not in href
    assert ">animation@anct.example</a>" in html

    settings.CAFES_CITES_ORGANIZER_EMAIL = ""
    html = page_text(client.get(step1))
    assert "mailto:" not in html
    assert "ne-pas-repondre" not in html
    assert "via votre référent ANCT" in html
