"""pilotage/ after the user walk of issue #17: deadlines that only move forward, a closed campaign
that takes no extension, the reopening e-mail, a stale tab after transmission, the stable code in
the admin, history kept in the wording it was asked, accessible questionnaire fields."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from commons.urls import site_url
from pilotage import consolidation, services
from pilotage.exports import answer_rows
from pilotage.models import Answer, Response, ResponseStatus
from tests.factories import UserFactory
from tests.factories.cites import CiteFactory
from tests.factories.pilotage import TODAY, answer_and_submit, make_campaign
from tests.utils import page_text

VALUES = {"comites-pilotage": 1, "taux-femmes": 40, "beneficiaires": 10}


def step_url(cite, campaign, step=1):
    return reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, step])


def action(client, campaign, verb, cite, until):
    return client.post(
        reverse("pilotage:campaign_action", args=[campaign.code, verb]),
        {"cite": cite.slug, "until": until.isoformat()},
        follow=True,
    )


# --- 1. The reopening e-mail ------------------------------------------------------------------


def test_reopening_email_has_absolute_links_plain_text_and_an_html_part(
    client, anct_user, member, cite, campaign, django_capture_on_commit_callbacks
):
    answer_and_submit(campaign, cite, member, VALUES)
    client.force_login(anct_user)
    until = TODAY + datetime.timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        action(client, campaign, "rouvrir", cite, until)
    (message,) = mail.outbox
    link = site_url() + step_url(cite, campaign)
    assert link.startswith("http")
    assert f": {link}" in message.body
    # The text part is not HTML: no entity for the apostrophe of « Cités de l'emploi ».
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    assert "Cités de l'emploi" in message.body
    assert "transmises auparavant sont conservées" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert f'href="{link}"' in html and "<strong>" in html


def test_reminder_email_has_an_absolute_link_and_an_html_part(cite, member, indicators, anct_user):
    campaign = make_campaign(open_by=anct_user, closes_in=7)
    from pilotage.tasks import send_reminder_email

    with_reminder = services.send_due_reminders(today=TODAY)
    assert with_reminder == 1
    send_reminder_email.call(campaign.reminders.get().pk)
    (message,) = mail.outbox
    assert site_url() + step_url(cite, campaign) in message.body
    assert message.alternatives[0][1] == "text/html"


# --- 2 and 3. Deadlines only move forward; a closed campaign takes no extension ----------------


def test_extending_to_a_date_not_after_the_deadline_is_refused(client, anct_user, cite, campaign):
    client.force_login(anct_user)
    earlier = campaign.closes_on - datetime.timedelta(days=3)
    page = action(client, campaign, "prolonger", cite, earlier)
    text = page_text(page)
    assert f"doit être postérieure à l'échéance actuelle, le {campaign.closes_on:%d/%m/%Y}" in text
    assert cite.short_name in text
    assert not Response.objects.filter(extended_until__isnull=False).exists()
    same = action(client, campaign, "prolonger", cite, campaign.closes_on)
    assert "doit être postérieure" in page_text(same)
    later = campaign.closes_on + datetime.timedelta(days=10)
    action(client, campaign, "prolonger", cite, later)
    assert Response.objects.get().extended_until == later
    # Extended once: the next extension must go beyond the new deadline.
    back = action(client, campaign, "prolonger", cite, later - datetime.timedelta(days=1))
    assert f"l'échéance actuelle, le {later:%d/%m/%Y}" in page_text(back)
    assert Response.objects.get().extended_until == later


def test_reopening_never_ends_before_the_current_deadline(
    client, anct_user, member, cite, campaign
):
    answer_and_submit(campaign, cite, member, VALUES)
    client.force_login(anct_user)
    page = action(client, campaign, "rouvrir", cite, campaign.closes_on - datetime.timedelta(1))
    assert "ne peut pas finir avant l'échéance actuelle" in page_text(page)
    assert Response.objects.get().is_submitted
    action(client, campaign, "rouvrir", cite, campaign.closes_on)
    assert Response.objects.get().status == ResponseStatus.DRAFT


def test_a_closed_campaign_is_not_extended_but_a_cite_can_be_reopened(
    client, anct_user, member, cite, campaign, django_capture_on_commit_callbacks
):
    client.force_login(member)
    client.post(step_url(cite, campaign), {"v-comites-pilotage": "3"})
    services.close_campaign(campaign, anct_user)
    client.force_login(anct_user)
    until = TODAY + datetime.timedelta(days=30)
    refused = action(client, campaign, "prolonger", cite, until)
    assert "est close, elle ne se prolonge plus" in page_text(refused)
    assert Response.objects.get().extended_until is None
    text = page_text(refused)
    start = text.index(f'href="{reverse("pilotage:cite", args=[cite.slug])}"')
    row = " ".join(text[start : text.index("</tr>", start)].split())
    assert "Campagne close" in row and "Rouvrir" in row and "Prolonger" not in row

    # The cité's page: a closed draft, no deadline to meet, nothing editable.
    client.force_login(member)
    history = page_text(client.get(reverse("pilotage:cite", args=[cite.slug])))
    assert "Campagne close : plus de saisie" in history
    assert f"{campaign.closes_on:%d/%m/%Y}" not in history
    step = page_text(client.get(step_url(cite, campaign)))
    assert "au plus tard" not in step and "n'accepte plus de réponses" in step

    # Reopening the draft of the closed campaign is the documented path.
    client.force_login(anct_user)
    with django_capture_on_commit_callbacks(execute=True):
        action(client, campaign, "rouvrir", cite, until)
    response = Response.objects.get()
    assert response.extended_until == until and response.accepts_answers()
    assert "déjà saisies sont conservées en brouillon" in mail.outbox[0].body
    client.force_login(member)
    history = " ".join(page_text(client.get(reverse("pilotage:cite", args=[cite.slug]))).split())
    assert f"{until:%d/%m/%Y} (rouvert par l'ANCT)" in history


# --- 7. A stale tab after transmission ---------------------------------------------------------


def test_a_stale_tab_after_transmission_says_so_and_keeps_the_typed_value(member, cite, campaign):
    partner = UserFactory(cite=cite, partner=True, first_name="Julien", last_name="Martin")
    julien, amandine = Client(), Client()
    julien.force_login(partner)
    amandine.force_login(member)
    julien.get(step_url(cite, campaign))
    answer_and_submit(campaign, cite, member, VALUES)

    late = julien.post(step_url(cite, campaign), {"v-comites-pilotage": "7777"})
    text = page_text(late)
    assert late.status_code == 409
    assert "Le questionnaire a été transmis le" in text
    assert f"par {member.display_name} : il n'est plus modifiable" in text
    # What Julien typed is still on his screen, and nothing was written.
    assert 'value="7777"' in text
    assert Answer.objects.get(indicator__code="comites-pilotage").number == 1

    again = amandine.post(
        reverse("pilotage:submit", args=[cite.slug, campaign.code]),
        {"confirme": "oui"},
        follow=True,
    )
    assert "Le questionnaire a été transmis le" in page_text(again)
    assert again.status_code == 200


def test_a_transmitted_questionnaire_says_it_is_read_only(client, member, cite, campaign):
    answer_and_submit(campaign, cite, member, VALUES)
    client.force_login(member)
    text = page_text(client.get(step_url(cite, campaign)))
    assert "il n'est plus modifiable" in text and "demandez à l'équipe nationale" in text
    assert "Obligatoire pour transmettre" not in text


# --- 5. The stable code in the admin -----------------------------------------------------------


def test_the_code_is_read_only_in_the_admin_once_frozen(client, anct_user, indicators):
    indicator = indicators["comites-pilotage"]
    edit_url = reverse("wagtailsnippets_pilotage_indicator:edit", args=[indicator.pk])
    client.force_login(anct_user)
    free = page_text(client.get(edit_url))
    assert "Ce code identifie déjà des séries" not in free

    make_campaign(open_by=anct_user)
    page = client.get(edit_url)
    text = page_text(page)
    assert "Ce code identifie déjà des séries" in text
    assert re.search(r'name="code"[^>]*disabled', text)
    form = {
        "code": "copil",
        "position": "0",
        "label": "Comités de pilotage tenus",
        "enjeu": indicator.enjeu,
        "kind": indicator.kind,
        "aggregation": indicator.aggregation,
        "required": "on",
        "is_active": "on",
    }
    saved = client.post(edit_url, form, follow=True)
    indicator.refresh_from_db()
    assert indicator.code == "comites-pilotage" and indicator.label == "Comités de pilotage tenus"
    text = page_text(saved)
    assert "Indicateur « Comités de pilotage tenus (comites-pilotage) » modifié." in text
    assert "modifié(e)" not in text


def test_admin_speaks_french(client, anct_user, indicators):
    client.force_login(anct_user)
    listing = page_text(client.get(reverse("wagtailsnippets_pilotage_indicator:list")))
    assert "Ajouter un indicateur" in listing and "un(e)" not in listing
    assert "True" not in listing and "False" not in listing and "Oui" in listing
    duplicate = client.post(
        reverse("wagtailsnippets_pilotage_indicator:add"),
        {"code": "budget", "position": "0", "label": "x", "enjeu": "cooperation",
         "kind": "integer", "aggregation": "sum"},
    )  # fmt: skip
    text = page_text(duplicate)
    assert "Un indicateur porte déjà ce code" in text and "Un objet" not in text
    assert "Indicateur non créé" in text and "créé(e)" not in text
    created = client.post(
        reverse("wagtailsnippets_pilotage_campaign:add"),
        {"year": "2027", "quarter": "1", "opens_on": "2027-03-01", "closes_on": "2027-04-20"},
        follow=True,
    )
    text = page_text(created)
    assert "Campagne 2027-T1 créée." in text and "« Campagne" not in text


# --- 6. History in the wording it was asked -----------------------------------------------------


def test_renaming_an_indicator_does_not_rewrite_past_quarters(
    client, anct_user, member, cite, indicators
):
    past = make_campaign(2026, 3, open_by=anct_user)
    answer_and_submit(past, cite, member, VALUES)
    services.close_campaign(past, anct_user)
    indicator = indicators["comites-pilotage"]
    indicator.label = "Comités de pilotage tenus"
    indicator.save()
    current = make_campaign(2026, 4, open_by=anct_user)
    answer_and_submit(current, cite, member, {**VALUES, "comites-pilotage": 2})

    rows = {(row[0], row[7]): row for row in answer_rows()}
    assert rows[("2026-T3", "comites-pilotage")][8] == "Comités de pilotage réunis"
    assert rows[("2026-T4", "comites-pilotage")][8] == "Comités de pilotage tenus"

    client.force_login(member)
    history = page_text(client.get(reverse("pilotage:cite", args=[cite.slug])))
    assert "Comités de pilotage tenus" in history
    assert "Intitulé au 3e trimestre 2026 : « Comités de pilotage réunis »" in history


# --- 8. Accessible questionnaire fields ---------------------------------------------------------


def test_fields_in_error_and_checkboxes_are_named_for_assistive_technologies(
    client, member, cite, indicators, anct_user
):
    previous = make_campaign(2026, 3, open_by=anct_user)
    answer_and_submit(previous, cite, member, VALUES)
    services.close_campaign(previous, anct_user)
    current = make_campaign(2026, 4, open_by=anct_user)
    client.force_login(member)
    page = client.post(
        step_url(cite, current, 2),
        {"v-taux-femmes": "148", "r-taux-femmes": "1", "v-beneficiaires": "10",
         "r-beneficiaires": "1", "b-beneficiaires-themes-mobilite": "-2"},
    )  # fmt: skip
    text = page_text(page)
    assert page.status_code == 400
    assert "<title>Erreur — " in text
    assert re.search(r'id="v-taux-femmes"[^>]*aria-invalid="true"', text, re.S)
    assert re.search(r'id="b-beneficiaires-themes-mobilite"[^>]*aria-invalid="true"', text, re.S)
    assert "Valeur vérifiée, toujours exacte ce trimestre" in text
    # Sent back unchanged, the carried-over total keeps its tick box, named; the percentage typed
    # over (148) is no longer last quarter's value and has none (walk17e #21).
    assert re.search(
        r"Valeur vérifiée, toujours exacte ce trimestre"
        r'<span class="fr-sr-only"> : Bénéficiaires accompagnés</span>',
        text,
    )
    assert (
        'Valeur vérifiée, toujours exacte ce trimestre<span class="fr-sr-only"> : Part de femmes'
        not in text
    )
    assert "Bénéficiaires accompagnés : ventilation par" in text


# --- 8. Numbers, French order, the menu --------------------------------------------------------


def test_numbers_are_written_the_french_way(client, anct_user, member, cite, campaign):
    answer_and_submit(campaign, cite, member, {**VALUES, "beneficiaires": 12500})
    Answer.objects.filter(indicator__code="taux-femmes").update(number="22.50")
    client.force_login(anct_user)
    dashboard = page_text(client.get(reverse("pilotage:dashboard")))
    # A total of whole numbers has no ",00"; thousands are grouped with a no-break space.
    assert "<td>12\u00a0500</td>" in dashboard and "12500,00" not in dashboard
    assert "<td>1</td>" in dashboard and "1,00" not in dashboard
    assert "<td>22,5</td>" in dashboard and "22,50" not in dashboard
    client.force_login(member)
    history = page_text(client.get(reverse("pilotage:cite", args=[cite.slug])))
    assert "12\u00a0500" in history and re.search(r"22,5\s*<", history)


def test_cites_and_regions_in_french_alphabetical_order(anct_user, campaign):
    for name, region in [("Saint-Omer", "32"), ("Saint-Étienne", "84"), ("Évry", "11")]:
        CiteFactory(short_name=name, name=f"Cité de l'emploi de {name}", region=region)
    rows = [cite.short_name for cite, _ in consolidation.submission_table(campaign)]
    ours = [name for name in rows if name in ("Saint-Omer", "Saint-Étienne", "Évry")]
    assert ours == ["Évry", "Saint-Étienne", "Saint-Omer"]
    waiting = [c.short_name for c in services.cites_not_submitted(campaign)]
    assert [n for n in waiting if n in ours] == ours


@pytest.mark.parametrize(
    "role,shown", [("anct_user", True), ("member", True), ("professional", False)]
)
def test_pilotage_is_in_the_site_menu_of_those_who_use_it(client, request, role, shown):
    client.force_login(request.getfixturevalue(role))
    text = page_text(client.get(reverse("cites:directory")))
    nav = text[text.index('class="fr-nav"') :]
    nav = nav[: nav.index("</nav>")]
    assert (f'href="{reverse("pilotage:index")}"' in nav) is shown
