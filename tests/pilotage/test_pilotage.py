"""pilotage/: référentiel and frozen versions, filling in, conflicts, privacy, audit."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEntry
from commons.french import format_date
from pilotage import services
from pilotage.models import (
    Answer,
    CampaignStatus,
    Indicator,
    Kind,
    Response,
    ResponseStatus,
    VersionIndicator,
)
from tests.factories import UserFactory
from tests.factories.pilotage import TODAY, answer_and_submit, make_campaign
from tests.utils import page_text


@pytest.fixture
def partner(cite):
    return UserFactory(cite=cite, partner=True)


CONFIRMED = {"confirme": "oui"}  # the second submit of the transmission's confirmation page


def step_url(cite, campaign, step=1):
    return reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, step])


# --- Référentiel, versions, campaigns ----------------------------------------------------------


def test_opening_a_campaign_freezes_the_referentiel_into_a_version(indicators, anct_user):
    campaign = make_campaign(open_by=anct_user)
    assert campaign.status == CampaignStatus.OPEN
    assert campaign.version.number == 1
    assert set(campaign.version.indicators.values_list("code", flat=True)) == set(indicators)
    assert AuditEntry.objects.filter(action=Action.PILOTAGE_CAMPAIGN_OPEN).count() == 1

    # Editing the référentiel never touches the frozen version the open campaign asks.
    indicator = indicators["comites-pilotage"]
    indicator.label = "Comités de pilotage (nouvel intitulé)"
    indicator.save()
    frozen = VersionIndicator.objects.get(version=campaign.version, code="comites-pilotage")
    assert frozen.label == "Comités de pilotage réunis"

    # The next campaign gets a new version; codes (the series keys) are the same.
    nxt = make_campaign(2027, 1, open_by=anct_user)
    assert nxt.version.number == 2
    assert nxt.version.indicators.get(code="comites-pilotage").label.endswith("(nouvel intitulé)")
    assert nxt.version.indicators.get(code="comites-pilotage").indicator_id == indicator.pk


def test_an_unchanged_referentiel_reuses_the_last_version(indicators, anct_user):
    first = make_campaign(2026, 3, open_by=anct_user)
    second = make_campaign(2026, 4, open_by=anct_user)
    assert first.version_id == second.version_id


def test_a_campaign_opens_once(campaign, anct_user):
    with pytest.raises(ValidationError):
        services.open_campaign(campaign, anct_user)


def test_indicator_definition_is_checked(indicators):
    bad = Indicator(
        code="Mauvais Code",
        label="x",
        enjeu="cooperation",
        kind=Kind.PERCENTAGE,
        breakdown="themes",
    )
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert {"code", "breakdown", "aggregation"} <= set(error.value.message_dict)


def test_referentiel_in_the_wagtail_admin_for_anct(client, anct_user, indicators):
    client.force_login(anct_user)
    listing = client.get(reverse("wagtailsnippets_pilotage_indicator:list"))
    assert listing.status_code == 200
    assert "Bénéficiaires accompagnés" in page_text(listing)
    add = client.get(reverse("wagtailsnippets_pilotage_campaign:add"))
    assert add.status_code == 200


# --- Filling in ----------------------------------------------------------------------------------


def test_coordinator_fills_each_step_as_draft_then_submits(client, member, cite, campaign):
    client.force_login(member)
    page = client.get(step_url(cite, campaign, 1))
    assert page.status_code == 200
    assert "Comités de pilotage réunis" in page_text(page)
    response = client.post(
        step_url(cite, campaign, 1),
        {"v-comites-pilotage": "3", "v-cotech": "oui", "v-diagnostic": "En cours", "next": ""},
    )
    assert response.status_code == 302 and response.url == step_url(cite, campaign, 2) + "#top"
    answers = {a.indicator.code: a for a in Answer.objects.select_related("indicator")}
    assert answers["comites-pilotage"].number == 3 and answers["cotech"].text == "oui"
    client.post(
        step_url(cite, campaign, 2),
        {"v-taux-femmes": "54,5", "v-beneficiaires": "1 200"},
    )
    assert Answer.objects.get(indicator__code="beneficiaires").number == 1200
    assert Answer.objects.get(indicator__code="taux-femmes").number == Decimal("54.5")
    recap = client.get(step_url(cite, campaign, 4))
    # Typed "1 200", stored 1200, shown back grouped the French way.
    assert "1\u00a0200" in page_text(recap)
    done = client.post(reverse("pilotage:submit", args=[cite.slug, campaign.code]), CONFIRMED)
    assert done.status_code == 302
    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_by == member
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count(Action.PILOTAGE_SAVE) == 2 and Action.PILOTAGE_SUBMIT in actions
    # Submitted: nothing more is accepted (the page says why: see test_pilotage_walk17.py).
    late = client.post(step_url(cite, campaign, 1), {"v-comites-pilotage": "9"})
    assert late.status_code == 409
    assert Answer.objects.get(indicator__code="comites-pilotage").number == 3


def test_submitting_requires_every_required_answer(client, member, cite, campaign):
    client.force_login(member)
    client.post(step_url(cite, campaign, 1), {"v-comites-pilotage": "2"})
    response = client.post(
        reverse("pilotage:submit", args=[cite.slug, campaign.code]), CONFIRMED, follow=True
    )
    text = page_text(response)
    assert "Le questionnaire n'a pas été transmis" in text
    assert "Bénéficiaires accompagnés</a> : question obligatoire sans réponse." in text
    # One readable list, each question linking to its field on its step.
    assert response.redirect_chain[-1][0].endswith("?refus=1")
    assert f'href="{step_url(cite, campaign, 2)}#v-beneficiaires"' in response.content.decode()
    assert "data-focus-on-load" in response.content.decode()
    assert Response.objects.get().status == ResponseStatus.DRAFT


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("v-comites-pilotage", "trois", "Saisissez un nombre"),
        ("v-comites-pilotage", "-2", "ne peut pas être négatif"),
        ("v-comites-pilotage", "2,5", "nombre entier"),
        ("v-taux-femmes", "120", "ne peut pas dépasser 100"),
        ("v-taux-femmes", "NaN", "Saisissez un nombre"),
        ("v-cotech", "peut-être", "oui ou par non"),
        ("v-diagnostic", "Inventé", "valeur de la liste"),
        ("v-budget", "1e400", "Saisissez un nombre"),
        ("v-comites-pilotage", "999999999999999", "Ce nombre est trop grand"),
        ("v-comites-pilotage", "99 999 999 999 999 999", "au plus 99 999 999 999 999"),
        ("v-budget", "123456789012345,5", "Ce nombre est trop grand"),
    ],
)
def test_bad_inputs_get_a_french_error_and_change_nothing(
    client, member, cite, campaign, field, raw, message
):
    client.force_login(member)
    step = 2 if field in ("v-taux-femmes",) else 3 if field == "v-budget" else 1
    response = client.post(step_url(cite, campaign, step), {"v-comites-pilotage": "4", field: raw})
    assert response.status_code == 400
    text = re.sub(r"[\u00a0\u202f]", " ", page_text(response))
    assert message in text and "Rien n'a été enregistré" in text
    assert "data-focus-on-load" in text
    assert not Answer.objects.exists()


def test_a_breakdown_not_adding_up_is_saved_then_must_be_confirmed_to_submit(
    client, member, cite, campaign
):
    client.force_login(member)
    client.post(step_url(cite, campaign, 1), {"v-comites-pilotage": "2"})
    data = {
        "v-taux-femmes": "50",
        "v-beneficiaires": "100",
        "b-beneficiaires-themes-mobilite": "30",
        "b-beneficiaires-themes-logement": "20",
        "next": "",
    }
    # A warning does not block the draft: saved, and the member stays on the step to check.
    response = client.post(step_url(cite, campaign, 2), data, follow=True)
    assert response.redirect_chain == [(step_url(cite, campaign, 2) + "#top", 302)]
    text = page_text(response)
    assert "Brouillon enregistré. Avant de transmettre" in text
    assert "fait 50 alors que le total est 100" in text
    answer = Answer.objects.get(indicator__code="beneficiaires")
    assert answer.breakdown == {"themes": {"mobilite": "30", "logement": "20"}}
    assert not answer.breakdown_confirmed
    # The breakdown with values is shown open, the confirmation box unticked.
    assert re.search(r"<details[^>]*\bopen\b", text)
    assert re.search(
        r'<input type="checkbox"\s+id="c-beneficiaires"\s+name="c-beneficiaires"\s+>', text
    )
    recap = client.get(step_url(cite, campaign, 4))
    assert "Bénéficiaires accompagnés</a> : la ventilation ne correspond pas au total" in page_text(
        recap
    )
    refused = client.post(
        reverse("pilotage:submit", args=[cite.slug, campaign.code]), CONFIRMED, follow=True
    )
    assert "Le questionnaire n'a pas été transmis" in page_text(refused)
    assert "Bénéficiaires accompagnés</a> : la ventilation ne correspond pas au total" in (
        page_text(refused)
    )
    assert not Response.objects.get().is_submitted
    # Confirming (same values, box ticked) is saved, comes back ticked, and lets the cité submit.
    revisions = {"r-beneficiaires": "1", "r-taux-femmes": "1"}
    confirmed = client.post(
        step_url(cite, campaign, 2), {**data, **revisions, "c-beneficiaires": "on"}
    )
    assert confirmed.status_code == 302 and confirmed.url == step_url(cite, campaign, 3) + "#top"
    answer.refresh_from_db()
    assert answer.breakdown_confirmed
    page = page_text(client.get(step_url(cite, campaign, 2)))
    assert re.search(r'id="c-beneficiaires"\s+name="c-beneficiaires"\s+checked', page)
    client.post(reverse("pilotage:submit", args=[cite.slug, campaign.code]), CONFIRMED)
    assert Response.objects.get().is_submitted


def _prefilled_quarter(cite, member, anct_user):
    """2026-T4 open, pre-filled from 2026-T3 (submitted then closed)."""
    previous = make_campaign(2026, 3, open_by=anct_user)
    answer_and_submit(
        previous, cite, member, {"comites-pilotage": 2, "taux-femmes": 48, "beneficiaires": 310}
    )
    services.close_campaign(previous, anct_user)
    return make_campaign(2026, 4, open_by=anct_user)


def test_ticks_survive_a_step_sent_back_with_an_error(client, member, cite, indicators, anct_user):
    current = _prefilled_quarter(cite, member, anct_user)
    client.force_login(member)
    client.get(step_url(cite, current, 2))
    sent = {
        "v-taux-femmes": "148",  # an error: nothing is saved, the step comes back
        "r-taux-femmes": "1",
        "v-beneficiaires": "310",
        "r-beneficiaires": "1",
        "p-beneficiaires": "on",
        "b-beneficiaires-themes-mobilite": "30",
        "c-beneficiaires": "on",
    }
    response = client.post(step_url(cite, current, 2), sent)
    assert response.status_code == 400
    text = page_text(response)
    assert re.search(r'id="p-beneficiaires"\s+name="p-beneficiaires"\s+checked', text)
    assert re.search(r'id="c-beneficiaires"\s+name="c-beneficiaires"\s+checked', text)
    assert re.search(r"<details[^>]*\bopen\b", text)
    assert Answer.objects.get(indicator__code="beneficiaires", response__campaign=current).prefilled


def test_a_breakdown_adding_up_needs_no_confirmation(client, member, cite, campaign):
    client.force_login(member)
    response = client.post(
        step_url(cite, campaign, 2),
        {
            "v-beneficiaires": "50",
            "b-beneficiaires-themes-mobilite": "30",
            "b-beneficiaires-themes-logement": "20",
        },
    )
    assert response.status_code == 302


def test_prefilled_from_the_previous_quarter_and_marked(
    client, member, cite, indicators, anct_user
):
    current = _prefilled_quarter(cite, member, anct_user)
    client.force_login(member)
    page = client.get(step_url(cite, current, 1))
    assert "Repris du trimestre précédent" in page_text(page)
    assert 'value="2"' in page_text(page)
    response = Response.objects.get(campaign=current)
    assert response.answers.filter(prefilled=True).count() == 3
    # Not checked yet: the coordinator cannot submit.
    refused = client.post(
        reverse("pilotage:submit", args=[cite.slug, current.code]), CONFIRMED, follow=True
    )
    assert "valeur reprise du trimestre précédent, à confirmer ou corriger" in page_text(refused)
    # Checking one value keeps it and removes the mark; changing one does too.
    # (Pre-filled answers are at revision 1: the page's hidden fields say so.)
    assert 'name="r-comites-pilotage" value="1"' in page_text(page)
    client.post(
        step_url(cite, current, 1),
        {"v-comites-pilotage": "2", "r-comites-pilotage": "1", "p-comites-pilotage": "on"},
    )
    revisions = {"r-taux-femmes": "1", "r-beneficiaires": "1"}
    step2 = {"v-taux-femmes": "51", "v-beneficiaires": "310", **revisions}
    assert client.post(step_url(cite, current, 2), step2).status_code == 302
    assert response.answers.filter(prefilled=True).get().indicator.code == "beneficiaires"
    revisions["r-taux-femmes"] = "2"
    client.post(step_url(cite, current, 2), {**step2, **revisions, "p-beneficiaires": "on"})
    assert not response.answers.filter(prefilled=True).exists()
    client.post(reverse("pilotage:submit", args=[cite.slug, current.code]), CONFIRMED)
    response.refresh_from_db()
    assert response.is_submitted


def test_two_members_editing_the_second_sees_the_conflict(client, member, partner, cite, campaign):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(member)
    second.force_login(partner)
    # Both open the step while no answer exists (revision 0).
    assert 'name="r-comites-pilotage" value="0"' in page_text(first.get(step_url(cite, campaign)))
    second.get(step_url(cite, campaign))
    assert first.post(step_url(cite, campaign), {"v-comites-pilotage": "5"}).status_code == 302
    clash = second.post(
        step_url(cite, campaign),
        {"v-comites-pilotage": "7", "r-comites-pilotage": "0", "v-cotech": "non"},
    )
    assert clash.status_code == 409
    text = page_text(clash)
    # Nothing of the step is written, and nothing typed is lost from the screen.
    assert not Answer.objects.filter(indicator__code="cotech").exists()
    assert re.search(r'value="non"\s+checked', text)
    assert "Cette valeur a été modifiée ailleurs (autre onglet ou autre personne)" in text
    assert "« 5 »" in text and member.display_name in text and "(vous," not in text
    assert 'value="7"' in text  # the second member's entry is kept on screen
    assert 'name="r-comites-pilotage" value="1"' in text
    assert Answer.objects.get().number == 5
    # Saving again, knowingly, from the current revision replaces the value.
    again = second.post(
        step_url(cite, campaign), {"v-comites-pilotage": "7", "r-comites-pilotage": "1"}
    )
    assert again.status_code == 302
    assert Answer.objects.get().number == 7 and Answer.objects.get().revision == 2


def test_an_untouched_field_does_not_conflict(client, member, partner, cite, campaign):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(member)
    second.force_login(partner)
    first.post(step_url(cite, campaign), {"v-comites-pilotage": "5"})
    # The partner's form (opened before) only changes the yes/no question.
    response = second.post(
        step_url(cite, campaign),
        {"v-comites-pilotage": "5", "r-comites-pilotage": "0", "v-cotech": "non"},
    )
    assert response.status_code == 302
    assert Answer.objects.get(indicator__code="cotech").text == "non"


def _form_fields(page):
    """The step's hidden fields and text inputs, as a browser would send them back."""
    text = page_text(page)
    fields = dict(re.findall(r'type="hidden" name="([ro]-[\w-]+)" value="([^"]*)"', text))
    for tag in re.findall(r"<input[^>]*>", text):
        name = re.search(r'name="(v-[\w-]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="radio"' not in tag:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def test_a_value_another_member_changed_is_not_sent_back_over_theirs(
    client, member, partner, cite, campaign
):
    """Found in a user walk: the partner only changed one field, yet got a conflict on a field
    the coordinator had changed, and saving again put the old value back."""
    from django.test import Client

    client.force_login(member)
    client.post(step_url(cite, campaign), {"v-comites-pilotage": "19", "v-cotech": "non"})
    first, second = Client(), Client()
    first.force_login(member)
    second.force_login(partner)
    mine = _form_fields(first.get(step_url(cite, campaign)))
    theirs = _form_fields(second.get(step_url(cite, campaign)))
    assert mine["v-comites-pilotage"] == "19" and "o-comites-pilotage" in mine
    mine_sent = {**mine, "v-comites-pilotage": "20", "v-cotech": "non"}
    assert first.post(step_url(cite, campaign), mine_sent).status_code == 302
    # The partner only answers the yes/no question; the number goes back as he saw it.
    saved = second.post(step_url(cite, campaign), {**theirs, "v-cotech": "oui"})
    assert saved.status_code == 302
    answers = {a.indicator.code: a for a in Answer.objects.select_related("indicator")}
    assert answers["comites-pilotage"].number == 20 and answers["cotech"].text == "oui"
    # A forged fingerprint is only a claim of an edit: it goes through the revision check.
    forged = second.post(
        step_url(cite, campaign),
        {**theirs, "v-comites-pilotage": "21", "o-comites-pilotage": "forged", "v-cotech": "oui"},
    )
    assert forged.status_code == 409
    assert Answer.objects.get(indicator__code="comites-pilotage").number == 20


def test_partner_contributes_to_the_draft_but_does_not_submit(client, partner, cite, campaign):
    client.force_login(partner)
    assert client.post(step_url(cite, campaign), {"v-comites-pilotage": "1"}).status_code == 302
    recap = client.get(step_url(cite, campaign, 4))
    assert "Transmettre le questionnaire" not in page_text(recap)
    assert (
        client.post(
            reverse("pilotage:submit", args=[cite.slug, campaign.code]), CONFIRMED
        ).status_code
        == 403
    )


def test_anct_reads_but_does_not_write_a_cites_answers(client, anct_user, member, cite, campaign):
    client.force_login(member)
    client.post(step_url(cite, campaign), {"v-comites-pilotage": "4"})
    client.force_login(anct_user)
    page = client.get(step_url(cite, campaign))
    assert (
        page.status_code == 200 and 'value="4"' in page_text(page) and "readonly" in page_text(page)
    )
    assert client.post(step_url(cite, campaign), {"v-comites-pilotage": "9"}).status_code == 403


def test_closing_with_cites_still_writing_asks_first(client, anct_user, cite, campaign):
    client.force_login(anct_user)
    close = reverse("pilotage:campaign_action", args=[campaign.code, "clore"])
    page = client.post(close)
    text = page_text(page)
    assert page.status_code == 200 and "1 cité n'a pas encore transmis son questionnaire" in text
    assert cite.short_name in text and 'name="confirme" value="oui"' in text
    campaign.refresh_from_db()
    assert not campaign.is_closed
    assert client.post(close, {"confirme": "oui"}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.is_closed


def test_campaign_closes_extends_and_reopens_one_cite(client, anct_user, member, cite, campaign):
    answer_and_submit(
        campaign, cite, member, {"comites-pilotage": 1, "taux-femmes": 40, "beneficiaires": 10}
    )
    client.force_login(anct_user)
    client.post(reverse("pilotage:campaign_action", args=[campaign.code, "clore"]))
    campaign.refresh_from_db()
    assert campaign.is_closed
    until = (TODAY + datetime.timedelta(days=5)).isoformat()
    client.post(
        reverse("pilotage:campaign_action", args=[campaign.code, "rouvrir"]),
        {"cite": cite.slug, "until": until},
    )
    response = Response.objects.get()
    assert response.status == ResponseStatus.DRAFT and response.accepts_answers()
    client.force_login(member)
    reopened = client.post(
        step_url(cite, campaign), {"v-comites-pilotage": "2", "r-comites-pilotage": "1"}
    )
    assert reopened.status_code == 302
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {Action.PILOTAGE_CAMPAIGN_CLOSE, Action.PILOTAGE_REOPEN} <= actions


def test_extending_shows_the_state_of_the_answers_not_of_the_extension(
    client, anct_user, member, cite, campaign
):
    dashboard = reverse("pilotage:dashboard") + f"?campagne={campaign.code}"
    until = TODAY + datetime.timedelta(days=30)
    client.force_login(anct_user)
    client.post(
        reverse("pilotage:campaign_action", args=[campaign.code, "prolonger"]),
        {"cite": cite.slug, "until": until.isoformat()},
    )
    row = _dashboard_row(client.get(dashboard), cite)
    # Extending created the (empty) questionnaire: nobody wrote anything yet.
    assert "Non commencé" in row and "Brouillon" not in row
    assert f"{until:%d/%m/%Y} (prolongée)" in row
    # Once a member writes, the date shown is that of their answer.
    edited = timezone.now() - datetime.timedelta(days=3)
    response = Response.objects.get()
    Answer.objects.create(
        response=response, indicator=campaign.version.indicators.first().indicator, number=2
    )
    Answer.objects.update(updated_at=edited)
    client.post(
        reverse("pilotage:campaign_action", args=[campaign.code, "prolonger"]),
        {"cite": cite.slug, "until": (until + datetime.timedelta(days=1)).isoformat()},
    )
    row = _dashboard_row(client.get(dashboard), cite)
    assert f"Brouillon (modifié le {timezone.localtime(edited):%d/%m/%Y})" in row


def _dashboard_row(page, cite):
    text = page_text(page)
    start = text.index(f'href="{reverse("pilotage:cite", args=[cite.slug])}"')
    return " ".join(text[start : text.index("</tr>", start)].split())


def test_reopening_tells_the_coordinators_by_email(
    client, anct_user, member, partner, cite, campaign, django_capture_on_commit_callbacks
):
    answer_and_submit(
        campaign, cite, member, {"comites-pilotage": 1, "taux-femmes": 40, "beneficiaires": 10}
    )
    until = TODAY + datetime.timedelta(days=20)
    client.force_login(anct_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("pilotage:campaign_action", args=[campaign.code, "rouvrir"]),
            {"cite": cite.slug, "until": until.isoformat()},
        )
    # The whole team, as for a prolongation (walk17f N3): a partner fills it in too.
    assert [sorted(m.to) for m in mail.outbox] == [sorted([member.email, partner.email])]
    message = mail.outbox[0]
    assert f"{campaign.label} rouvert jusqu'au {until:%d/%m/%Y}" in message.subject
    assert format_date(until) in message.body
    assert reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 1]) in message.body
    # Extending a draft sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("pilotage:campaign_action", args=[campaign.code, "prolonger"]),
            {"cite": cite.slug, "until": until.isoformat()},
        )
    assert len(mail.outbox) == 1


def test_extension_in_the_past_is_refused(client, anct_user, cite, campaign):
    client.force_login(anct_user)
    response = client.post(
        reverse("pilotage:campaign_action", args=[campaign.code, "prolonger"]),
        {"cite": cite.slug, "until": "2001-01-01"},
        follow=True,
    )
    assert "ne peut pas être dans le passé" in page_text(response)
    assert not Response.objects.filter(extended_until__isnull=False).exists()
    bad = client.post(
        reverse("pilotage:campaign_action", args=[campaign.code, "prolonger"]),
        {"cite": cite.slug, "until": "demain"},
        follow=True,
    )
    assert "Saisissez une date valide" in page_text(bad)


def test_an_extended_cite_answers_after_the_deadline(anct_user, member, cite, indicators):
    campaign = make_campaign(open_by=anct_user, closes_in=-1)
    response = services.get_or_create_response(campaign, cite)
    assert not response.accepts_answers()
    services.extend_response(campaign, cite, TODAY + datetime.timedelta(days=3), anct_user)
    response.refresh_from_db()
    assert response.accepts_answers()


# --- Every URL × role ---------------------------------------------------------------------------

ROLES = ["anonymous", "professional", "coordinator", "partner", "non_member", "anct_user"]


@pytest.fixture(params=ROLES)
def as_role(request, client, member, partner, non_member, professional, anct_user):
    users = {
        "coordinator": member,
        "partner": partner,
        "non_member": non_member,
        "professional": professional,
        "anct_user": anct_user,
    }
    if request.param != "anonymous":
        client.force_login(users[request.param])
    client.role = request.param
    return client


TEAM = {"coordinator", "partner"}


def assert_sent_to_login(response, url):
    """Anonymous visitors of a page that needs an account go to the login page, back afterwards."""
    from urllib.parse import quote

    from django.conf import settings
    from django.shortcuts import resolve_url

    assert response.status_code == 302, url
    assert response.url == f"{resolve_url(settings.LOGIN_URL)}?next={quote(url)}", response.url


def test_cite_pages_by_role(as_role, cite, campaign):
    urls = [
        reverse("pilotage:cite", args=[cite.slug]),
        step_url(cite, campaign, 1),
        step_url(cite, campaign, 4),
    ]
    for url in urls:
        response = as_role.get(url)
        expected = 200 if as_role.role in TEAM | {"anct_user"} else 404
        if as_role.role == "anct_user" and url != urls[0]:
            expected = 404  # no questionnaire yet for this cité: ANCT does not create one
        if as_role.role == "anonymous":
            assert_sent_to_login(response, url)
            continue
        assert response.status_code == expected, (as_role.role, url)
    missing_url = reverse("pilotage:cite", args=["nexiste-pas"])
    missing = as_role.get(missing_url)
    if as_role.role == "anonymous":
        assert_sent_to_login(missing, missing_url)  # the same for a cité that does not exist
    else:
        assert missing.status_code == 404


def test_private_and_absent_answer_the_same_404(client, non_member, cite, campaign):
    from tests.utils import comparable

    client.force_login(non_member)
    private_url = reverse("pilotage:cite", args=[cite.slug])
    absent_url = reverse("pilotage:cite", args=["nexiste-pas"])
    private, absent = client.get(private_url), client.get(absent_url)
    assert private.status_code == absent.status_code == 404
    assert comparable(private, private_url) == comparable(absent, absent_url)


def test_submit_and_save_by_role(as_role, cite, campaign):
    save = as_role.post(step_url(cite, campaign), {"v-comites-pilotage": "1"})
    submit = as_role.post(reverse("pilotage:submit", args=[cite.slug, campaign.code]), CONFIRMED)
    if as_role.role in TEAM:
        assert save.status_code == 302
        assert submit.status_code == (302 if as_role.role == "coordinator" else 403)
    elif as_role.role == "anonymous":
        assert_sent_to_login(save, step_url(cite, campaign))
        assert_sent_to_login(submit, reverse("pilotage:submit", args=[cite.slug, campaign.code]))
    elif as_role.role == "anct_user":
        assert save.status_code == 404 and submit.status_code == 404
    else:
        assert save.status_code == 404 and submit.status_code == 404
    if as_role.role not in TEAM:
        assert not Answer.objects.exists()


def test_steering_pages_by_role(as_role, cite, campaign, indicators):
    urls = [
        reverse("pilotage:dashboard"),
        reverse("pilotage:indicator", args=["beneficiaires"]) + f"?cite={cite.slug}",
        reverse("pilotage:export", args=["reponses", "csv"]),
        reverse("pilotage:export", args=["consolidation", "xlsx"]),
    ]
    anonymous = as_role.role == "anonymous"
    for url in urls:
        response = as_role.get(url)
        if anonymous:
            assert_sent_to_login(response, url)
            continue
        assert response.status_code == (200 if as_role.role == "anct_user" else 404), url
    close = reverse("pilotage:campaign_action", args=[campaign.code, "clore"])
    asked = as_role.post(close)  # the cité has not submitted: ANCT is asked to confirm first
    if anonymous:
        assert_sent_to_login(asked, close)
    else:
        assert asked.status_code == (200 if as_role.role == "anct_user" else 404)
    campaign.refresh_from_db()
    assert not campaign.is_closed
    action = as_role.post(close, {"confirme": "oui"})
    assert action.status_code == (302 if as_role.role in ("anct_user", "anonymous") else 404)
    campaign.refresh_from_db()
    assert campaign.is_closed == (as_role.role == "anct_user")


def test_index_redirects_by_role(as_role, cite):
    response = as_role.get(reverse("pilotage:index"))
    if as_role.role in TEAM or as_role.role == "non_member":
        assert response.status_code == 302 and "/pilotage/cites/" in response.url
    elif as_role.role == "anct_user":
        assert response.status_code == 302 and response.url == reverse("pilotage:dashboard")
    elif as_role.role == "anonymous":
        assert_sent_to_login(response, reverse("pilotage:index"))
    else:
        assert response.status_code == 404


def test_public_pages_by_role(as_role):
    assert as_role.get(reverse("pilotage:key_figures")).status_code == 200
    assert as_role.get(reverse("pilotage:api_key_figures")).status_code == 200


def test_unknown_campaign_or_step_is_404(client, member, cite, campaign):
    client.force_login(member)
    for url in [
        reverse("pilotage:questionnaire", args=[cite.slug, "2026-T9", 1]),
        reverse("pilotage:questionnaire", args=[cite.slug, "n-importe", 1]),
        step_url(cite, campaign, 9),
        step_url(cite, campaign, 0),
    ]:
        assert client.get(url).status_code == 404


def test_a_planned_campaign_is_invisible_to_the_cites(client, member, cite, indicators):
    planned = make_campaign(2027, 2)
    client.force_login(member)
    assert client.get(step_url(cite, planned)).status_code == 404


def test_cite_page_shows_the_pilotage_shortcut_to_its_team_and_anct_only(as_role, cite):
    text = page_text(as_role.get(reverse("cites:detail", args=[cite.slug])))
    shown = "Ouvrir le pilotage de la cité" in text
    assert shown == (as_role.role in TEAM | {"anct_user"})


def test_the_largest_number_the_field_holds_is_saved(client, member, cite, campaign):
    client.force_login(member)
    response = client.post(step_url(cite, campaign, 1), {"v-comites-pilotage": "99999999999999"})
    assert response.status_code == 302
    assert Answer.objects.get(indicator__code="comites-pilotage").number == 99999999999999


def test_questionnaire_title_and_links_use_the_quarter_not_its_code(client, member, cite, campaign):
    """The <title> starts with the h1's words and neither shows the technical code (2026-T4)."""
    client.force_login(member)
    text = page_text(client.get(step_url(cite, campaign, 1)))
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1).strip()
    h1 = re.search(r"<h1>(.*?)</h1>", text, re.S).group(1).strip()
    assert title.startswith(h1), (title, h1)
    assert campaign.label in title and campaign.code not in title
    history = page_text(client.get(reverse("pilotage:cite", args=[cite.slug])))
    assert f"Ouvrir le questionnaire du {campaign.label}" in re.sub(r"<[^>]+>", "", history)
    visible = re.sub(r'<[^>]+>|href="[^"]*"', " ", history)
    assert campaign.code not in visible


def test_each_questionnaire_step_has_its_own_title(client, member, cite, campaign):
    from pilotage.views import RECAP_STEP

    client.force_login(member)
    titles = [
        re.search(r"<title>(.*?)</title>", page_text(client.get(step_url(cite, campaign, n))), re.S)
        .group(1)
        .strip()
        for n in range(1, RECAP_STEP + 1)
    ]
    assert len(set(titles)) == RECAP_STEP, titles
    for n, title in enumerate(titles, start=1):
        assert f" — Étape {n} sur {RECAP_STEP} : " in title, title
    assert "Étape 4 sur 4 : Récapitulatif et transmission — " in titles[-1]


def test_key_figures_title_starts_with_its_heading(client):
    text = page_text(client.get(reverse("pilotage:key_figures")))
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1).strip()
    h1 = re.search(r"<h1>(.*?)</h1>", text, re.S).group(1).strip()
    assert title.startswith(h1 + " — "), (title, h1)
