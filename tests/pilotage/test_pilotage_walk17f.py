"""pilotage/ after the blind walk walk17f of issue #17: the ANCT contact address, reopening a
questionnaire never started, partial quarters on charts, French numbers, labels and captions."""

import datetime
import re

from django.urls import reverse

from commons.french import format_date
from pilotage import conf, services
from tests.factories import UserFactory
from tests.factories.pilotage import answer_and_submit, make_campaign
from tests.pilotage.test_pilotage_walk17e import REQUIRED, action, visible_text
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


# --- N5. Numbers in messages written the French way, with their unit


def test_bounds_and_breakdown_messages_group_digits_and_give_the_unit(
    client, anct_user, member, cite, indicators
):
    indicators["budget"].max_value = 10000
    indicators["budget"].save()
    indicators["comites-pilotage"].max_value = 5000
    indicators["comites-pilotage"].save()
    campaign = make_campaign(open_by=anct_user)
    client.force_login(member)
    url = lambda step: reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, step])  # noqa: E731
    text = page_text(client.post(url(3), {"v-budget": "12345678,9"}))
    assert "La valeur doit être au plus 10\u00a0000\u00a0k€." in text
    text = page_text(client.post(url(1), {"v-comites-pilotage": "6000"}))
    assert "La valeur doit être au plus 5\u00a0000." in text
    data = {
        "v-taux-femmes": "50",
        "v-beneficiaires": "420",
        "b-beneficiaires-themes-mobilite": "1400",
        "b-beneficiaires-themes-logement": "19",
    }
    text = page_text(client.post(url(2), data, follow=True))
    assert "fait 1\u00a0419 alors que le total est 420" in text


# --- N6. The close confirmation names a reopening a reopening


def test_close_confirmation_calls_a_reopening_a_reopening(
    client, anct_user, member, cite, other_cite, indicators
):
    campaign = make_campaign(open_by=anct_user, closes_in=7)
    answer_and_submit(campaign, cite, member, REQUIRED)
    later = campaign.closes_on + datetime.timedelta(days=30)
    client.force_login(anct_user)
    action(client, campaign, "rouvrir", cite, later)
    action(client, campaign, "prolonger", other_cite, later)
    text = visible_text(
        client.post(reverse("pilotage:campaign_action", args=[campaign.code, "clore"]))
    )
    day = format_date(later, "j F Y")
    assert f"{cite.short_name} — rouvert par l’ANCT jusqu’au {day}" in text
    assert f"{cite.short_name} — échéance prolongée" not in text
    assert f"{other_cite.short_name} — échéance prolongée au {day}" in text
    assert "1 cité a une échéance prolongée" in text
    assert "1 questionnaire transmis a été rouvert par l’ANCT" in text


# --- N7. A choice question is labelled once


def test_a_choice_question_is_labelled_once(client, member, cite, campaign):
    client.force_login(member)
    step1 = reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 1])
    html = page_text(client.get(step1))
    block = re.search(r'id="q-diagnostic">(.*?)</select>', html, re.S).group(1)
    assert block.count("État du diagnostic") == 1
    assert '<label class="fr-label" for="v-diagnostic">' in block
    assert "<legend" not in block and "fr-sr-only" not in block
    # A wrong value still says so and points at the select.
    response = client.post(step1, {"v-comites-pilotage": "4", "v-diagnostic": "Inventé"})
    assert response.status_code == 400
    assert 'aria-describedby="v-diagnostic-msg"' in page_text(response)


# --- N8. A table is named by the heading above it, not by a caption repeating it


def test_tables_are_named_by_their_heading_without_a_repeating_caption(
    client, anct_user, member, cite, campaign
):
    client.force_login(anct_user)
    pages = [
        reverse("pilotage:dashboard"),
        reverse("pilotage:activity"),
    ]
    client_member = client.__class__()
    client_member.force_login(member)
    for html in [page_text(client.get(url)) for url in pages] + [
        page_text(client_member.get(reverse("pilotage:cite", args=[cite.slug])))
    ]:
        named = re.findall(r'<table aria-labelledby="([^"]+)"', html)
        assert named
        for heading_id in named:
            heading = re.search(rf'<h2 id="{heading_id}">([^<]+)</h2>', html).group(1)
            assert heading.strip()
        assert "<caption>Campagnes trimestrielles" not in html
        assert "<caption>Questionnaires trimestriels" not in html
        assert "derniers mois)</caption>" not in html
    dashboard = page_text(client.get(pages[0]))
    assert '<h2 id="campagnes-titre">Campagnes trimestrielles</h2>' in dashboard
    assert '<table aria-labelledby="campagnes-titre">' in dashboard


# --- N3. Reopening a questionnaire nobody started: no « answers kept », the whole team told


def test_reopening_a_never_started_questionnaire_is_worded_for_it_and_told_to_the_team(
    client, anct_user, member, cite, campaign, django_capture_on_commit_callbacks
):
    from django.core import mail

    partner = UserFactory(cite=cite, partner=True)
    services.close_campaign(campaign, anct_user)
    until = datetime.date.today() + datetime.timedelta(days=10)
    client.force_login(anct_user)
    with django_capture_on_commit_callbacks(execute=True):
        action(client, campaign, "rouvrir", cite, until)
    (message,) = [m for m in mail.outbox if "rouvert" in m.subject]
    assert sorted(message.to) == sorted([member.email, partner.email])
    body = " ".join(message.body.split())
    assert "Vous pouvez encore le remplir et le transmettre jusqu'au" in body
    assert "déjà saisies" not in body and "de nouveau" not in body
    html = " ".join(message.alternatives[0][0].split())
    assert "encore le remplir" in html and "déjà saisies" not in html
