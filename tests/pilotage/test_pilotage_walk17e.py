"""pilotage/ after the blind walk walk17e of issue #17: CSV formula injection, deadlines and
extensions in e-mails, incomplete quarters, choice indicators, wording."""

import csv
import datetime
import html
import io
import json
import re

import openpyxl
from django.core import mail
from django.urls import reverse

from commons.french import format_date
from pilotage import consolidation, services
from pilotage.forms import AnswerValue
from pilotage.models import Enjeu, Indicator, Kind, Reminder
from tests.factories import UserFactory
from tests.factories.cites import CiteFactory
from tests.factories.pilotage import TODAY, answer_and_submit, make_campaign
from tests.utils import page_text


def bar_charts(response):
    """[(x, y, names)] of the page's <bar-chart> components, JSON decoded."""
    found = re.findall(
        r'<bar-chart x="([^"]*)" y="([^"]*)" name="([^"]*)"', response.content.decode()
    )
    return [tuple(json.loads(html.unescape(a)) for a in chart) for chart in found]


def visible_text(response):
    """The page's text as read: tags dropped, blanks collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_text(response)))


FORMULAS = [
    '=HYPERLINK("http://exemple.invalid";"clic")',
    "+33 1 23 45 67 89",
    "-2+3",
    "@SUM(A1:A2)",
    "\tcellule",
    "\rcellule",
]


def _text_answers(cite, member, anct_user):
    """One draft per formula-looking text, in as many text indicators."""
    created = []
    for i in range(len(FORMULAS)):
        created.append(
            Indicator.objects.create(
                code=f"texte-{i}",
                label=f"Fait marquant {i}",
                enjeu=Enjeu.COOPERATION,
                kind=Kind.TEXT,
                required=False,
                position=100 + i,
            )
        )
    campaign = make_campaign(open_by=anct_user)
    response = services.get_or_create_response(campaign, cite)
    payload = {ind.pk: AnswerValue(text=text) for ind, text in zip(created, FORMULAS, strict=True)}
    services.save_answers(response, member, payload, {})
    return response


def test_csv_exports_neutralise_formulas_and_xlsx_keeps_the_text(
    client, anct_user, member, cite, indicators
):
    _text_answers(cite, member, anct_user)
    client.force_login(anct_user)
    download = client.get(reverse("pilotage:export", args=["reponses", "csv"]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
    values = {row[7]: row[10] for row in rows[1:]}
    for i, text in enumerate(FORMULAS):
        # The apostrophe makes the spreadsheet read the cell as text, and shows the text as typed.
        assert values[f"texte-{i}"] == "'" + text
    # Every other text cell of the export too: none starts with a formula character.
    assert not [
        cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")
    ]

    xlsx = client.get(reverse("pilotage:export", args=["reponses", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    cells = {row[7]: row[10] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert [cells[f"texte-{i}"] for i in range(len(FORMULAS))] == [
        text.replace("\r", "\n")
        for text in FORMULAS  # XML normalises a lone CR
    ]
    types = {c.data_type for row in sheet.iter_rows(min_row=2, min_col=11, max_col=11) for c in row}
    assert "f" not in types  # never a formula cell


# --- 2 and 3. Reminders and the close confirmation know the extensions; extensions are e-mailed --


def action(client, campaign, verb, cite, until):
    return client.post(
        reverse("pilotage:campaign_action", args=[campaign.code, verb]),
        {"cite": cite.slug, "until": until.isoformat()},
        follow=True,
    )


def test_an_extension_is_emailed_and_reminders_follow_the_cites_own_deadline(
    client, anct_user, member, cite, other_cite, indicators, django_capture_on_commit_callbacks
):
    UserFactory(cite=other_cite, coordinator=True, email="coord@autre.example")
    campaign = make_campaign(open_by=anct_user, closes_in=7)
    later = campaign.closes_on + datetime.timedelta(days=30)
    client.force_login(anct_user)
    with django_capture_on_commit_callbacks(execute=True):
        action(client, campaign, "prolonger", cite, later)
    (extension,) = mail.outbox
    assert extension.to == [member.email]
    assert f"échéance prolongée au {later:%d/%m/%Y}" in extension.subject
    assert format_date(later, "j F Y") in extension.body
    assert "de la cité de l'emploi" in extension.body.lower()
    assert format_date(later, "j F Y") in extension.alternatives[0][0]
    mail.outbox.clear()

    # J-7 of the campaign's date: only the cité without an extension is reminded, of that date.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(TODAY) == 1
    (reminder,) = mail.outbox
    assert reminder.to == ["coord@autre.example"]
    assert format_date(campaign.closes_on, "j F Y") in reminder.body
    assert not Reminder.objects.filter(cite=cite).exists()
    mail.outbox.clear()

    # J-7 of the extended date: the extended cité is reminded of its own date, never the campaign's.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(later - datetime.timedelta(days=7)) == 1
    (reminder,) = mail.outbox
    assert reminder.to == [member.email]
    assert f"{later:%d/%m/%Y}" in reminder.subject
    assert format_date(later, "j F Y") in reminder.body
    assert "prolongé" in reminder.body
    assert format_date(campaign.closes_on, "j F Y") not in reminder.body
    assert f"{campaign.closes_on:%d/%m/%Y}" not in reminder.subject


def test_close_confirmation_names_the_announced_date_and_the_extensions_it_ends(
    client, anct_user, cite, other_cite, indicators
):
    campaign = make_campaign(open_by=anct_user, closes_in=7)
    later = campaign.closes_on + datetime.timedelta(days=30)
    client.force_login(anct_user)
    action(client, campaign, "prolonger", cite, later)
    page = client.post(reverse("pilotage:campaign_action", args=[campaign.code, "clore"]))
    assert page.status_code == 200
    text = visible_text(page)
    assert format_date(campaign.closes_on, "l j F Y") in text and "(dans 7 jours)" in text
    assert "1 cité a une échéance prolongée" in text
    assert f"{cite.short_name} — échéance prolongée au {format_date(later, 'j F Y')}" in text
    assert "met fin à cette prolongation" in text
    assert other_cite.short_name in text


# --- 4 and 6. Partial quarters are said and not drawn; yes/no and choices are counted ----------

REQUIRED = {"comites-pilotage": 2, "taux-femmes": 50, "beneficiaires": 300}


def _closed_quarters(anct_user, cites, members):
    """2026-T3 transmitted by every cité, 2026-T4 by one of four, both closed."""
    answers = [
        {"diagnostic": "En cours", "cotech": "oui"},
        {"diagnostic": "En cours", "cotech": "non"},
        {"diagnostic": "Achevé", "cotech": "non"},
        {},
    ]
    t3 = make_campaign(2026, 3, open_by=anct_user)
    for cite, member, extra in zip(cites, members, answers, strict=True):
        answer_and_submit(t3, cite, member, {**REQUIRED, **extra})
    services.close_campaign(t3, anct_user)
    t4 = make_campaign(2026, 4, open_by=anct_user)
    answer_and_submit(t4, cites[0], members[0], {**REQUIRED, **answers[0], "beneficiaires": 40})
    services.close_campaign(t4, anct_user)
    return t3, t4


def _four_cites(cite, other_cite, member):
    cites = [cite, other_cite, CiteFactory(), CiteFactory()]
    members = [member] + [UserFactory(cite=c, coordinator=True) for c in cites[1:]]
    return cites, members


def test_a_partial_quarter_says_how_many_cites_answered_and_is_not_drawn(
    client, anct_user, member, cite, other_cite, indicators
):
    cites, members = _four_cites(cite, other_cite, member)
    _closed_quarters(anct_user, cites, members)
    client.force_login(anct_user)
    page = client.get(reverse("pilotage:indicator", args=["beneficiaires"]) + f"?cite={cite.slug}")
    text = visible_text(page)
    assert "4e trimestre 2026 (trimestre partiel, 1 cité sur 4 a transmis) : ce trimestre" in text
    assert " : trimestre partiel" not in text  # one colon, not two (walk17f N4)
    # The data table: French quarter labels, the number of cités, the partial value marked.
    assert "3e trimestre 2026 1 200 4 sur 4" in text
    assert "4e trimestre 2026 40 (trimestre partiel) 1 sur 4" in text
    assert "2026-T3" not in text and "2026-T4" not in text
    # The chart: no bar for the partial quarter (null), in both charts.
    charts = bar_charts(page)
    assert len(charts) == 2
    for x, y, _ in charts:
        # The partial quarter's empty slot is labelled as such (walk17f N4).
        assert x[0] == ["3e trimestre 2026", "4e trimestre 2026 (partiel, non tracé)"]
        assert all(series[1] is None for series in y)
    assert charts[0][1] == [[1200.0, None]]


def test_choice_and_yes_no_indicators_count_cites_per_answer(
    client, anct_user, member, cite, other_cite, indicators
):
    cites, members = _four_cites(cite, other_cite, member)
    t3, _ = _closed_quarters(anct_user, cites, members)
    client.force_login(anct_user)
    dashboard = visible_text(client.get(reverse("pilotage:dashboard") + f"?campagne={t3.code}"))
    assert "État du diagnostic 3 — — À engager : 0 · En cours : 2 · Achevé : 1" in dashboard
    assert "Oui : 1 · Non : 2" in dashboard
    assert "Campagne du 3e trimestre 2026 : 4 cités sur 4 ont transmis" in dashboard

    page = client.get(
        reverse("pilotage:indicator", args=["diagnostic"]) + f"?campagne={t3.code}&cite={cite.slug}"
    )
    text = visible_text(page)
    assert "consolidation : nombre de cités par réponse" in text and "total" not in text.lower()
    # No median comparison for a list of choices, even asked for in the address.
    assert 'id="cite"' not in page_text(page) and "médiane nationale" not in text
    assert "Région Cités À engager En cours Achevé" in text
    ((_, y, names),) = bar_charts(page)
    assert names == ["À engager", "En cours", "Achevé"]
    assert y[1][0] == 2.0

    export = client.get(
        reverse("pilotage:export", args=["consolidation", "csv"]) + f"?campagne={t3.code}"
    )
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    national = [r for r in csv.reader(io.StringIO(body), delimiter=";") if r[0] == "National"]
    by_code = {row[2]: row for row in national}
    assert by_code["diagnostic"][-1] == "À engager : 0 · En cours : 2 · Achevé : 1"
    assert by_code["cotech"][-2:] == ["1", "Oui : 1 · Non : 2"]
    yes_no = visible_text(client.get(reverse("pilotage:indicator", args=["cotech"])))
    assert "Comparer une cité" not in yes_no


# --- 8. A deadline more than a year after the closing is refused -------------------------------


def test_an_extension_beyond_a_year_after_the_closing_is_refused(
    client, anct_user, member, cite, campaign
):
    client.force_login(anct_user)
    typo = datetime.date(2099, 12, 31)
    text = visible_text(action(client, campaign, "prolonger", cite, typo))
    latest = campaign.closes_on + datetime.timedelta(days=365)
    assert "la nouvelle échéance (31/12/2099) est à plus d'un an de la clôture" in text
    assert f"jusqu'au {latest:%d/%m/%Y}" in text
    assert not services.extended_deadlines(campaign)
    action(client, campaign, "prolonger", cite, latest)
    assert services.extended_deadlines(campaign) == {cite.pk: latest}
    # The same bound for a reopening.
    services.close_campaign(campaign, anct_user)
    text = visible_text(action(client, campaign, "rouvrir", cite, typo))
    assert "à plus d'un an de la clôture" in text


# --- 10 and 12. The cité's official name in sentences; one label per action ----------------------


def test_official_name_in_sentences_and_reopened_is_never_called_extended(
    client, anct_user, member, cite, other_cite, campaign, django_capture_on_commit_callbacks
):
    cite.name, cite.short_name = "Cité de l'emploi de Pau", "Pau"
    cite.save()
    client.force_login(member)
    history = visible_text(client.get(reverse("pilotage:cite", args=[cite.slug])))
    assert "Pilotage de la cité de l'emploi de Pau" in history
    assert "cité de l'emploi Pau" not in history
    answer_and_submit(campaign, cite, member, REQUIRED)
    client.force_login(anct_user)
    later = campaign.closes_on + datetime.timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        action(client, campaign, "rouvrir", cite, later)
        action(client, campaign, "prolonger", other_cite, later)
    (reopened,) = [m for m in mail.outbox if "rouvert" in m.subject]
    assert "de la cité de l'emploi de Pau pour le" in reopened.body
    dashboard = visible_text(client.get(reverse("pilotage:dashboard")))
    assert f"{later:%d/%m/%Y} (rouvert par l'ANCT)" in dashboard
    assert f"{later:%d/%m/%Y} (prolongée)" in dashboard
    client.force_login(member)
    history = visible_text(client.get(reverse("pilotage:cite", args=[cite.slug])))
    assert "(rouvert par l'ANCT)" in history and "(prolongée)" not in history


# --- 16. ODS: numbers displayed as the site writes them, empty cells truly empty ---------------


def test_ods_numbers_read_like_the_site_and_empty_cells_are_empty(
    client, anct_user, member, cite, campaign
):
    from odf.opendocument import load
    from odf.table import TableCell, TableRow

    answer_and_submit(campaign, cite, member, {**REQUIRED, "budget": 22.5})
    services.close_campaign(campaign, anct_user)
    client.force_login(anct_user)
    export = client.get(
        reverse("pilotage:export", args=["consolidation", "ods"]) + f"?campagne={campaign.code}"
    )
    document = load(io.BytesIO(b"".join(export.streaming_content)))
    rows = document.spreadsheet.getElementsByType(TableRow)

    def cells(row):
        return [
            (
                c.getAttribute("valuetype"),
                c.getAttribute("value"),
                "".join(str(p) for p in c.childNodes),
            )
            for c in row.getElementsByType(TableCell)
        ]

    national = {cells(r)[2][2]: cells(r) for r in rows[1:] if cells(r)[0][2] == "National"}
    assert national["comites-pilotage"][5] == ("float", "2", "2")  # Total, never « 2.00 »
    assert national["budget"][5] == ("float", "22.5", "22,5")
    # The « oui » column of a number indicator: no value type, no text.
    assert national["comites-pilotage"][7] == (None, None, "")
    assert not [c for r in rows[1:] for c in cells(r) if c[0] == "string" and c[2] == ""]


# --- 11, 14, 15, 20, 22. Messages: by role, with a contact; the confirmation address; Mes données


def test_stale_tab_and_read_only_pages_speak_to_each_role_with_a_contact(
    client, settings, anct_user, member, cite, campaign
):
    settings.PILOTAGE_CONTACT_EMAIL = "pilotage@anct.example"
    partner = UserFactory(cite=cite, partner=True)
    step1 = reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 1])
    # ANCT reads the draft: said to be a read-only view, not the cité's to-do.
    services.get_or_create_response(campaign, cite)
    client.force_login(anct_user)
    text = visible_text(client.get(step1))
    assert "Vue en lecture seule pour l'équipe nationale" in text
    answer_and_submit(campaign, cite, member, REQUIRED)
    # A tab left open: the coordinatrice is the coordination, her partner is not.
    client.force_login(member)
    stale = client.post(step1, {"v-comites-pilotage": "9"})
    assert stale.status_code == 409
    text = visible_text(stale)
    assert "communiquez-les à l'ANCT avec votre demande de réouverture" in text
    assert "transmettre à la coordination" not in text
    assert 'href="mailto:pilotage@anct.example?subject=' in page_text(stale)
    client.force_login(partner)
    text = visible_text(client.post(step1, {"v-comites-pilotage": "9"}))
    assert "communiquez-les à la coordination de la cité" in text
    # The read-only page of a transmitted questionnaire: how to ask ANCT.
    read_only = client.get(step1)
    assert "demandez à l'équipe nationale (ANCT) de le rouvrir" in visible_text(read_only)
    assert "mailto:pilotage@anct.example" in page_text(read_only)


def test_the_confirmation_address_opened_again_leads_back_to_the_recap(
    client, member, non_member, cite, campaign
):
    services.get_or_create_response(campaign, cite)
    url = reverse("pilotage:submit", args=[cite.slug, campaign.code])
    client.force_login(member)
    page = client.get(url, follow=True)
    assert page.redirect_chain == [
        (reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 4]), 302)
    ]
    assert "La transmission se confirme depuis le récapitulatif" in visible_text(page)
    client.force_login(non_member)
    assert client.get(url).status_code == 404  # the same 404 as any other cité's page


def test_my_data_page_names_the_pilotage_answers(client, member):
    client.force_login(member)
    text = visible_text(client.get(reverse("rgpd:my_data")))
    assert "les réponses que vous avez saisies dans les questionnaires de pilotage" in text


# --- 17. Wording of the national pages -----------------------------------------------------------


def test_activity_months_in_french_and_sessions_to_come_apart(client, anct_user, member, cite):
    from django.utils import timezone

    from cafes_cites import services as cafes_services
    from cafes_cites.models import Registration, RegistrationStatus
    from groups import services as group_services
    from groups.models import Role
    from tests.factories.cafes_cites import make_session

    group_services.add_member(cite.group, member, role=Role.ANIMATEUR)
    group_services.create_thread(cite.group, member, title="Sujet", body="Bonjour")
    past = make_session(title="Café-cité passé", start=timezone.now() - datetime.timedelta(days=30))
    upcoming = make_session(title="Café-cité à venir")
    cafes_services.register(member, upcoming)
    # A past séance: registered when it was open (the service refuses it now).
    Registration.objects.create(session=past, user=member, status=RegistrationStatus.CONFIRMED)
    client.force_login(anct_user)
    text = visible_text(client.get(reverse("pilotage:activity")))
    assert format_date(timezone.localdate(), "F Y") in text
    assert not re.search(r"(?<![\d/])\d{2}/\d{4}\b", text)  # no « 12/2026 » (dates keep theirs)
    last_months = text[text.index("Cafés-cités : inscriptions") : text.index("Cafés-cités à venir")]
    assert "Café-cité passé" in last_months and "Café-cité à venir" not in last_months
    # Named by its heading, no caption repeating it (walk17f N8).
    assert "Cafés-cités à venir : inscriptions" in text
    assert "inscriptions (à venir)" not in text
    assert "Café-cité à venir" in text[text.index("Cafés-cités à venir") :]
    # Without campaign, the dashboard's count reads in French whatever the number.
    assert consolidation.transmitted_phrase(0, 15) == "aucune cité sur 15 n'a transmis"
    assert consolidation.transmitted_phrase(1, 15) == "1 cité sur 15 a transmis"


def test_campaign_selectors_name_quarters_in_french(client, anct_user, indicators, campaign):
    Indicator.objects.create(
        code="fait-marquant",
        label="Fait marquant du trimestre",
        enjeu=Enjeu.COOPERATION,
        kind=Kind.TEXT,
        required=False,
    )
    client.force_login(anct_user)
    for code in ("fait-marquant", "beneficiaires"):
        page = page_text(client.get(reverse("pilotage:indicator", args=[code])))
        assert ">4e trimestre 2026 — Ouverte</option>" in page
        assert ">2026-T4<" not in page


def test_questionnaire_state_is_named_as_on_the_cite_page(client, member, cite, campaign):
    client.force_login(member)
    step1 = reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 1])
    text = visible_text(client.get(step1))
    assert "Non commencé à transmettre au plus tard le" in text and "Brouillon" not in text
    client.post(step1, {"v-comites-pilotage": "3"})
    assert "Brouillon à transmettre au plus tard le" in visible_text(client.get(step1))


def test_carried_over_badge_leaves_a_value_typed_over_it(
    client, anct_user, member, cite, indicators
):
    previous = make_campaign(2026, 3, open_by=anct_user)
    answer_and_submit(previous, cite, member, {**REQUIRED, "budget": 12})
    services.close_campaign(previous, anct_user)
    current = make_campaign(2026, 4, open_by=anct_user)
    client.force_login(member)

    def blocks(response):
        html_text = page_text(response)
        return {part.split('"', 1)[0]: part for part in html_text.split('id="q-')[1:]}

    step1 = reverse("pilotage:questionnaire", args=[cite.slug, current.code, 1])
    before = blocks(client.get(step1))
    assert "Repris du trimestre précédent" in before["comites-pilotage"]
    sent_back = client.post(step1, {"v-comites-pilotage": "-1"})
    after = blocks(sent_back)
    assert "Repris du trimestre précédent" not in after["comites-pilotage"]
    assert "Valeur vérifiée" not in after["comites-pilotage"]
    # The same value sent back unchanged (an error elsewhere) keeps its badge.
    step2 = reverse("pilotage:questionnaire", args=[cite.slug, current.code, 2])
    kept = blocks(client.post(step2, {"v-taux-femmes": "50", "v-beneficiaires": "deux"}))
    assert "Repris du trimestre précédent" in kept["taux-femmes"]
    assert "Repris du trimestre précédent" not in kept["beneficiaires"]


# --- 18. The demo référentiel bounds its numbers ------------------------------------------------


def test_demo_indicators_have_plausible_bounds_that_their_own_answers_respect(
    client, anct_user, member, cite
):
    import random

    from cde_site.demo import pilotage as demo

    indicators = demo.build_indicators()
    # No label ending in parentheses before the unit's own: « … régulière) (structures) ».
    assert not [i.label for i in indicators.values() if i.unit and i.label.endswith(")")]
    rng = random.Random(1)
    for code, _, _, kind, _, _, generator in demo.INDICATORS:
        if kind not in (Kind.INTEGER, Kind.DECIMAL):
            continue
        indicator = indicators[code]
        assert indicator.max_value is not None, code
        for q in range(24):  # the generated quarters stay far under the ceiling
            assert demo._generated(rng, q, generator, kind)[0] <= indicator.max_value / 2, code
    campaign = make_campaign(open_by=anct_user)
    client.force_login(member)
    step3 = reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 3])
    page = visible_text(client.post(step3, {"v-budget-mobilise": "12345678,9"}))
    assert re.search(r"La valeur doit être au plus 10\s?000", page)
    assert (
        not services.get_or_create_response(campaign, cite)
        .answers.filter(indicator__code="budget-mobilise", prefilled=False)
        .exists()
    )


# --- 19. The admin's campaign dates: a native date field, a year that exists ------------------


def test_admin_campaign_refuses_text_dates_and_impossible_years(client, anct_user, indicators):
    from pilotage.models import Campaign

    client.force_login(anct_user)
    add = reverse("wagtailsnippets_pilotage_campaign:add")
    form = page_text(client.get(add))
    assert re.search(r'<input type="date" name="opens_on"', form)
    page = client.post(
        add, {"year": "0", "quarter": "1", "opens_on": "demain", "closes_on": "2027-01-10"}
    )
    text = visible_text(page)
    assert page.status_code == 200 and not Campaign.objects.exists()
    assert "Saisissez une date valide." in text
    page = client.post(
        add, {"year": "0", "quarter": "1", "opens_on": "2026-12-01", "closes_on": "2027-01-10"}
    )
    assert "Indiquez une année entre 2020 et 2100." in visible_text(page)
    assert not Campaign.objects.exists()


def test_public_yes_count_card_does_not_repeat_itself(client, anct_user, indicators):
    Indicator.objects.filter(code="cotech").update(is_public=True)
    campaign = make_campaign(open_by=anct_user)
    for _ in range(3):
        cite = CiteFactory()
        member = UserFactory(cite=cite, coordinator=True)
        answer_and_submit(campaign, cite, member, {**REQUIRED, "cotech": "oui"})
    services.close_campaign(campaign, anct_user)
    text = visible_text(client.get(reverse("pilotage:key_figures")))
    assert "3 cités sur 3" in text
    assert "Cités ayant répondu « oui » (3 réponses transmises)" in text
    assert "Nombre de cités ayant répondu oui sur 3 cités" not in text
