"""pilotage/ after the blind walk walk17g of issue #17: a conflict never lets a field the second
writer left alone overwrite another member's newer value; public key figures only for a closed
quarter enough cités answered; closing, opening and ended extensions e-mailed; error links that
reach their field; text limits announced; the real closing date; pre-fill from the last
transmitted quarter."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from pilotage import services
from pilotage.models import Answer, Enjeu, Indicator, Kind
from tests.factories import CiteFactory, UserFactory
from tests.factories.pilotage import TODAY, answer_and_submit, make_campaign
from tests.pilotage.test_pilotage import _form_fields
from tests.pilotage.test_pilotage_walk17e import REQUIRED
from tests.utils import page_text


def step_url(cite, campaign, step=1):
    return reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, step])


# --- N1. After a 409, every field of the step shows the current value; nothing silently lost


@pytest.fixture
def types_acteurs(indicators):
    return Indicator.objects.create(
        code="types-acteurs",
        label="Types d'acteurs mobilisés",
        enjeu=Enjeu.COOPERATION,
        kind=Kind.INTEGER,
        position=1,
    )


def _values():
    return {
        a.indicator.code: a.number if a.number is not None else a.text
        for a in Answer.objects.select_related("indicator")
    }


def test_a_conflict_shows_every_newer_value_and_saving_again_keeps_them(
    anct_user, cite, types_acteurs
):
    campaign = make_campaign(open_by=anct_user)
    amandine = UserFactory(cite=cite, coordinator=True, first_name="Amandine", last_name="Leroy")
    julien = UserFactory(cite=cite, first_name="Julien", last_name="Caron")
    first, second = Client(), Client()
    first.force_login(amandine)
    second.force_login(julien)
    url = step_url(cite, campaign)
    start = first.post(url, {"v-comites-pilotage": "7", "v-types-acteurs": "11"})
    assert start.status_code == 302
    # Both open step 1 (Copil = 7, types = 11).
    hers = _form_fields(first.get(url))
    his = _form_fields(second.get(url))
    assert his["v-types-acteurs"] == "11"
    # Amandine changes both, Julien only the Copil.
    sent = {**hers, "v-comites-pilotage": "8", "v-types-acteurs": "20"}
    assert first.post(url, sent).status_code == 302
    clash = second.post(url, {**his, "v-comites-pilotage": "6"})
    assert clash.status_code == 409
    text = page_text(clash)
    # The conflicting field keeps Julien's entry and names Amandine's value.
    shown = _form_fields(clash)
    assert shown["v-comites-pilotage"] == "6"
    assert "Valeur enregistrée pendant votre saisie" in text and "« 8 »" in text
    # The field he left alone now shows her 20, said so, with who changed it.
    assert shown["v-types-acteurs"] == "20"
    assert "Également modifiées pendant votre saisie" in text
    assert "Mise à jour pendant votre saisie" in text
    assert "Amandine Leroy" in text and "votre page affichait « 11 »" in text
    assert _values() == {"comites-pilotage": 8, "types-acteurs": 20}
    # He saves again as the page invites him to: his 6 replaces her 8 knowingly; her 20 stays.
    again = second.post(url, shown)
    assert again.status_code == 302
    assert _values() == {"comites-pilotage": 6, "types-acteurs": 20}
    assert Answer.objects.get(indicator__code="types-acteurs").updated_by == amandine


def test_a_stale_form_never_writes_a_field_the_member_did_not_touch(anct_user, cite, types_acteurs):
    """Server side, whatever the page: a field sent back as it was shown is never written, and
    one changed from a stale revision is a conflict, not an overwrite."""
    campaign = make_campaign(open_by=anct_user)
    amandine = UserFactory(cite=cite, coordinator=True)
    julien = UserFactory(cite=cite)
    first, second = Client(), Client()
    first.force_login(amandine)
    second.force_login(julien)
    url = step_url(cite, campaign)
    first.post(url, {"v-comites-pilotage": "7", "v-types-acteurs": "11"})
    his = _form_fields(second.get(url))
    hers = _form_fields(first.get(url))
    first.post(url, {**hers, "v-types-acteurs": "20"})
    # Julien changes nothing of the types but answers another question: no conflict, 20 stays.
    assert second.post(url, {**his, "v-cotech": "oui"}).status_code == 302
    assert _values()["types-acteurs"] == 20
    # Julien types over the types from his stale page: a conflict, nothing written.
    assert second.post(url, {**his, "v-types-acteurs": "12"}).status_code == 409
    assert _values()["types-acteurs"] == 20


# --- N2. Public key figures: a closed quarter with enough coverage, M = the expected cités


def _submit(campaign, n, values=None):
    cites = []
    for i in range(n):
        cite = CiteFactory()
        answer_and_submit(
            campaign,
            cite,
            UserFactory(cite=cite, coordinator=True),
            values(i) if values else {**REQUIRED, "beneficiaires": 100 * (i + 1)},
        )
        cites.append(cite)
    return cites


def test_a_partial_quarter_is_never_published_even_after_a_reopened_cite_transmits(
    client, anct_user, indicators
):
    Indicator.objects.filter(code="cotech").update(is_public=True)
    Indicator.objects.filter(code="taux-femmes").update(is_public=True)
    # 10 cités asked (published when the campaign opens): 6 answer the 3rd quarter.
    earlier = [CiteFactory() for _ in range(6)]
    CiteFactory.create_batch(4)
    previous = make_campaign(2026, 3, open_by=anct_user)
    assert previous.expected_cites == 10
    for i, cite in enumerate(earlier):
        answer_and_submit(
            previous,
            cite,
            UserFactory(cite=cite, coordinator=True),
            {**REQUIRED, "cotech": "oui", "taux-femmes": 40 + i},
        )
    services.close_campaign(previous, anct_user)
    current = make_campaign(2026, 4, open_by=anct_user)
    _submit(current, 2)  # 2 cités published since the opening: 10 expected still
    current = services.close_campaign(current, anct_user)
    late = CiteFactory()
    until = TODAY + datetime.timedelta(days=3)
    services.reopen_response(current, late, until, anct_user)
    answer_and_submit(current, late, UserFactory(cite=late, coordinator=True), REQUIRED)
    # 3 cités of the 10 expected transmitted the 4th quarter: still the 3rd quarter's figures.
    data = client.get(reverse("pilotage:api_key_figures")).json()
    assert data["campagne"] == "2026-T3"
    assert data["nombre_de_cites_attendues"] == 10 and data["nombre_de_cites_ayant_transmis"] == 6
    text = " ".join(page_text(client.get(reverse("pilotage:key_figures"))).split())
    assert "3e trimestre 2026" in text and "4e trimestre 2026" not in text
    assert "6 cités sur 10 ont transmis leur questionnaire" in text
    # The yes count is said against the expected cités, not against those that answered.
    assert "6 cités sur 10" in text and "6 cités sur 6" not in text
    figures = {f["code"]: f for f in data["chiffres"]}
    assert figures["cotech"]["valeur"] == 6.0
    assert figures["cotech"]["nombre_de_cites_attendues"] == 10
    # An even count of distinct values: the median is the mean of two answers, published.
    assert figures["taux-femmes"]["valeur"] == 42.5

    # Once half the expected cités transmitted (5 of 10), the 4th quarter is published.
    for cite in earlier[:2]:
        services.reopen_response(current, cite, until, anct_user)
        answer_and_submit(
            current, cite, UserFactory(cite=cite, coordinator=True), {**REQUIRED, "cotech": "non"}
        )
    assert client.get(reverse("pilotage:api_key_figures")).json()["campagne"] == "2026-T4"


def test_a_median_that_is_one_cites_answer_among_few_is_not_published(
    client, anct_user, indicators, settings
):
    settings.PILOTAGE_PUBLIC_MIN_SHARE = "0.5"
    Indicator.objects.filter(code="taux-femmes").update(is_public=True)
    campaign = make_campaign(open_by=anct_user)
    # 3 cités: the median 41 is exactly the second cité's answer, and only hers.
    _submit(campaign, 3, lambda i: {**REQUIRED, "taux-femmes": 40 + i})
    services.close_campaign(campaign, anct_user)
    codes = [f["code"] for f in client.get(reverse("pilotage:api_key_figures")).json()["chiffres"]]
    assert codes == ["beneficiaires"]
    # Two cités gave the median value: it points at nobody, published.
    Answer.objects.filter(indicator__code="taux-femmes", number=42).update(number=41)
    figures = client.get(reverse("pilotage:api_key_figures")).json()["chiffres"]
    assert sorted((f["code"], f["valeur"]) for f in figures) == [
        ("beneficiaires", 900.0),
        ("taux-femmes", 41.0),
    ]


# --- N3. Opening and closing told to the cités; an extension ended by the closing, said why


def test_opening_and_closing_are_emailed_once_and_an_ended_extension_says_why(
    client, anct_user, indicators, django_capture_on_commit_callbacks
):
    from django.core import mail

    from pilotage.models import CampaignNotice
    from pilotage.tasks import send_notice_email

    maubeuge = CiteFactory(short_name="Maubeuge")
    elodie = UserFactory(cite=maubeuge, coordinator=True, email="elodie@maubeuge.example")
    pau = CiteFactory(short_name="Pau")
    claire = UserFactory(cite=pau, coordinator=True, email="claire@pau.example")
    grenoble = CiteFactory(short_name="Grenoble")
    mathieu = UserFactory(cite=grenoble, coordinator=True, email="mathieu@grenoble.example")
    campaign = make_campaign(closes_in=12)
    client.force_login(anct_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("pilotage:campaign_action", args=[campaign.code, "ouvrir"]), {"confirme": "oui"}
        )
    opened = {m.to[0]: m for m in mail.outbox}
    assert set(opened) == {elodie.email, claire.email, mathieu.email}
    body = opened[claire.email].body
    assert "a ouvert la campagne du 4e trimestre 2026" in body and "http" in body
    mail.outbox.clear()

    campaign.refresh_from_db()
    answer_and_submit(campaign, grenoble, mathieu, REQUIRED)
    later = campaign.closes_on + datetime.timedelta(days=60)
    with django_capture_on_commit_callbacks(execute=True):
        services.extend_response(campaign, maubeuge, later, anct_user)
    mail.outbox.clear()
    close = reverse("pilotage:campaign_action", args=[campaign.code, "clore"])
    confirm = " ".join(page_text(client.post(close)).split())
    assert "annulée par la clôture" in confirm
    assert "Chaque cité qui n'a pas transmis en est informée par courriel" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        client.post(close, {"confirme": "oui"})
    closed = {m.to[0]: m for m in mail.outbox}
    # Grenoble transmitted: nothing to tell it.
    assert set(closed) == {elodie.email, claire.email}
    ended = closed[elodie.email]
    assert "fin de votre prolongation" in ended.subject
    assert "La prolongation de votre échéance au" in ended.body
    assert (
        "prend donc fin" in ended.body
        and "la clôture met fin à toutes les prolongations" in ended.body
    )
    assert "avant l'échéance annoncée du" in closed[claire.email].body
    # Never twice: the task run again sends nothing.
    mail.outbox.clear()
    for notice in CampaignNotice.objects.all():
        assert send_notice_email.call(notice.pk) == 0
    assert mail.outbox == []
    assert CampaignNotice.objects.count() == 5


# --- N4. Every link to a question names an id the page has


def test_every_question_link_names_an_id_of_the_step(client, member, cite, campaign):
    from pilotage import consolidation

    client.force_login(member)
    for vi in consolidation.campaign_questions(campaign):
        step = {Enjeu.COOPERATION: 1, Enjeu.DROIT_COMMUN: 2, Enjeu.OFFRE_SPECIFIQUE: 3}[vi.enjeu]
        html = page_text(client.get(step_url(cite, campaign, step)))
        assert f'id="{vi.field_id}"' in html, (vi.kind, vi.field_id)


# --- N6. A short text announces its limit


def test_short_text_fields_announce_their_limit(client, anct_user, member, cite, indicators):
    Indicator.objects.create(
        code="fait-marquant",
        label="Fait marquant du trimestre",
        enjeu=Enjeu.OFFRE_SPECIFIQUE,
        kind=Kind.TEXT,
        required=False,
        position=9,
    )
    campaign = make_campaign(open_by=anct_user)
    client.force_login(member)
    html = page_text(client.get(step_url(cite, campaign, 3)))
    tag = html[html.index('id="v-fait-marquant"') - 200 : html.index('id="v-fait-marquant"') + 200]
    assert 'maxlength="255"' in tag
    assert "255 caractères au plus" in html


# --- N7. A campaign closed early shows the day it was closed


def test_a_campaign_closed_early_shows_its_real_closing_date(
    client, anct_user, member, cite, indicators
):
    from django.utils import timezone

    campaign = make_campaign(open_by=anct_user, closes_in=20)
    services.get_or_create_response(campaign, cite)
    services.close_campaign(campaign, anct_user)
    campaign.refresh_from_db()
    today = timezone.localdate()
    assert campaign.closed_on == today and campaign.closed_early
    client.force_login(anct_user)
    text = " ".join(page_text(client.get(reverse("pilotage:dashboard"))).split())
    assert f"close le {today:%d/%m/%Y} (clôture prévue le {campaign.closes_on:%d/%m/%Y})" in text
    client.force_login(member)
    text = " ".join(page_text(client.get(step_url(cite, campaign))).split())
    assert f"l'ANCT a clos la campagne le {today:%d/%m/%Y}, avant l'échéance annoncée du" in text


def test_closing_before_an_extension_names_the_extended_deadline(
    client, anct_user, member, cite, indicators
):
    """Walk 1217v: a cité told it had until a later date reads that date, not the campaign's."""
    campaign = make_campaign(open_by=anct_user, closes_in=5)
    services.get_or_create_response(campaign, cite)
    later = campaign.closes_on + datetime.timedelta(days=20)
    services.extend_response(campaign, cite, later, anct_user)
    services.close_campaign(campaign, anct_user)
    client.force_login(member)
    text = " ".join(page_text(client.get(step_url(cite, campaign))).split())
    assert f"avant l'échéance annoncée du {later:%d/%m/%Y}" in text


def test_history_written_after_the_fact_sends_nothing_and_keeps_its_dates(
    anct_user, cite, indicators
):
    """The demo's past quarters: no e-mail announcing a deadline already gone, closed on it."""
    from django.core import mail
    from django.utils import timezone

    from pilotage.models import CampaignNotice

    campaign = make_campaign(closes_in=-30)
    services.open_campaign(campaign, anct_user, announce=False)
    closed_at = timezone.make_aware(
        datetime.datetime.combine(campaign.closes_on, datetime.time(18))
    )
    services.close_campaign(campaign, anct_user, closed_at=closed_at, announce=False)
    campaign.refresh_from_db()
    assert campaign.closed_on == campaign.closes_on and not campaign.closed_early
    assert not CampaignNotice.objects.filter(campaign=campaign).exists()
    assert mail.outbox == []


# --- N8. Pre-filled from the last transmitted quarter, or said that there is none


def test_prefill_from_the_last_transmitted_quarter_and_say_so(
    client, anct_user, member, cite, indicators
):
    t2 = make_campaign(2026, 2, open_by=anct_user)
    answer_and_submit(t2, cite, member, {**REQUIRED, "comites-pilotage": 4})
    services.close_campaign(t2, anct_user)
    t3 = make_campaign(2026, 3, open_by=anct_user)
    client.force_login(member)
    client.post(step_url(cite, t3), {"v-comites-pilotage": "9"})  # a draft, never transmitted
    t3 = services.close_campaign(t3, anct_user)
    t4 = make_campaign(2026, 4, open_by=anct_user)
    text = " ".join(page_text(client.get(step_url(cite, t4))).split())
    assert 'value="4"' in text
    assert "Repris du 2e trimestre 2026, dernier trimestre transmis" in text
    assert "Le trimestre précédent n'a pas été transmis" in text

    # A cité that never transmitted anything is told there is nothing to carry over.
    other = CiteFactory()
    coordinator = UserFactory(cite=other, coordinator=True)
    client.force_login(coordinator)
    text = " ".join(page_text(client.get(step_url(other, t4))).split())
    assert "Aucun trimestre transmis à reprendre" in text
