"""pilotage/: consolidation, exports read back, public key figures, reminders, Mes données."""

import csv
import datetime
import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import Action, AuditEntry
from commons.french import unit_for
from pilotage import consolidation, exports, services
from pilotage.models import Answer, Indicator, Reminder
from tests.factories import CiteFactory, UserFactory
from tests.factories.pilotage import TODAY, answer_and_submit, make_campaign, make_indicators
from tests.utils import page_text
from themes.models import Theme


@pytest.fixture
def indicators():
    return make_indicators()


def _network(n, campaign, *, region_of=lambda i: "32"):
    """n cités, each with a coordinator who submitted (beneficiaires = 100 × (i + 1))."""
    cites = []
    for i in range(n):
        cite = CiteFactory(region=region_of(i))
        coordinator = UserFactory(cite=cite, coordinator=True)
        answer_and_submit(
            campaign,
            cite,
            coordinator,
            {
                "comites-pilotage": i + 1,
                "taux-femmes": 40 + i,
                "beneficiaires": 100 * (i + 1),
                "cotech": "oui" if i % 2 == 0 else "non",
            },
        )
        cites.append(cite)
    return cites


def test_national_table_and_dimensions(indicators, anct_user):
    campaign = make_campaign(open_by=anct_user)
    _network(4, campaign, region_of=lambda i: "32" if i < 3 else "11")
    # A draft never counts.
    services.get_or_create_response(campaign, CiteFactory())
    table = {vi.code: fig for vi, fig in consolidation.national_table(campaign)}
    assert table["beneficiaires"].cites == 4
    assert table["beneficiaires"].total == 1000
    assert table["beneficiaires"].median == Decimal("250.00")
    assert table["taux-femmes"].median == Decimal("41.50")
    assert table["taux-femmes"].total is None  # a sum of percentages means nothing
    assert str(table["beneficiaires"].median) == "250"
    assert table["cotech"].yes == 2
    vi = campaign.version.indicators.get(code="beneficiaires")
    regions = dict(consolidation.by_dimension(campaign, vi, "region"))
    assert regions["Hauts-de-France"].total == 600 and regions["Île-de-France"].total == 400


def test_consolidation_by_champ_uses_breakdown_parts(indicators, anct_user):
    from pilotage.forms import AnswerValue

    campaign = make_campaign(open_by=anct_user)
    mobilite = Theme.objects.get(slug="mobilite")
    for parts in ({"mobilite": "30", "logement": "20"}, {"mobilite": "10"}):
        cite = CiteFactory()
        coordinator = UserFactory(cite=cite, coordinator=True)
        response = services.get_or_create_response(campaign, cite)
        services.save_answers(
            response,
            coordinator,
            {
                indicators["beneficiaires"].pk: AnswerValue(
                    number=Decimal(sum(int(v) for v in parts.values())),
                    breakdown={"themes": parts},
                )
            },
            {},
        )
        answer_and_submit(campaign, cite, coordinator, {"comites-pilotage": 1, "taux-femmes": 5})
    vi = campaign.version.indicators.get(code="beneficiaires")
    themes = dict(consolidation.by_dimension(campaign, vi, "themes"))
    assert themes[mobilite.short_label].total == 40
    assert themes[mobilite.short_label].cites == 2


def test_answers_export_read_back_equals_the_database(client, indicators, anct_user):
    campaign = make_campaign(open_by=anct_user)
    cites = _network(3, campaign)
    services.get_or_create_response(make_campaign(2027, 1, open_by=anct_user), cites[0])
    client.force_login(anct_user)

    expected = {
        (a.response.campaign.code, a.response.cite.code, a.indicator.code): (
            a.number if a.number is not None else a.text
        )
        for a in Answer.objects.filter(prefilled=False).select_related(
            "response__campaign", "response__cite", "indicator"
        )
    }
    # 3 cités × 4 answers; the 4 values pre-filled in the 2027-T1 draft are nobody's answers yet.
    assert len(expected) == 12
    assert Answer.objects.filter(prefilled=True).count() == 4

    response = client.get(reverse("pilotage:export", args=["reponses", "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    got = {}
    for row in rows:
        value = row["Valeur"]
        number = value.replace(",", ".")
        got[(row["Trimestre"], row["Code de la cité"], row["Code de l'indicateur"])] = (
            Decimal(number) if number.replace(".", "").isdigit() else value
        )
    assert got == expected
    assert list(rows[0]) == exports.ANSWER_HEADER
    assert "Code de l'indicateur" in rows[0] and "code_indicateur" not in rows[0]

    from openpyxl import load_workbook

    response = client.get(reverse("pilotage:export", args=["reponses", "xlsx"]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = workbook.active
    header, *data = list(sheet.iter_rows(values_only=True))
    index = {name: i for i, name in enumerate(header)}
    got = {
        (r[index["Trimestre"]], r[index["Code de la cité"]], r[index["Code de l'indicateur"]]): (
            Decimal(str(r[index["Valeur"]]))
            if isinstance(r[index["Valeur"]], int | float)
            else r[index["Valeur"]]
        )
        for r in data
    }
    assert got == expected

    ods = client.get(reverse("pilotage:export", args=["reponses", "ods"]))
    assert ods.status_code == 200
    content = b"".join(ods.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(content)).read("mimetype").startswith(b"application/")


@pytest.mark.parametrize("kind", ["reponses", "consolidation"])
def test_exports_have_readable_column_widths_and_a_frozen_header(
    client, indicators, anct_user, kind
):
    """Walk finding: headers cut or shown as #####. Every column is at least as wide as its
    header (and its content, up to a cap); the xlsx header row stays in view when scrolling."""
    from odf.namespaces import STYLENS, TABLENS
    from odf.opendocument import load
    from odf.style import Style
    from odf.table import TableColumn
    from openpyxl import load_workbook

    campaign = make_campaign(open_by=anct_user)
    _network(3, campaign)
    client.force_login(anct_user)
    header = exports.ANSWER_HEADER if kind == "reponses" else exports.CONSOLIDATION_HEADER
    query = f"?campagne={campaign.code}"
    xlsx = client.get(reverse("pilotage:export", args=[kind, "xlsx"]) + query)
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{sheet.max_row}"
    assert all(cell.font.b for cell in sheet[1])
    for column, name in zip(sheet.iter_cols(min_row=1), header, strict=True):
        letter = column[0].column_letter
        width = sheet.column_dimensions[letter].width
        assert width >= len(name) + 2, (name, width)
        longest = max(len(str(cell.value)) for cell in column if cell.value is not None)
        assert width >= min(longest, 60), (name, width, longest)
        assert width <= 62

    ods = client.get(reverse("pilotage:export", args=[kind, "ods"]) + query)
    document = load(io.BytesIO(b"".join(ods.streaming_content)))
    widths = {
        style.getAttrNS(STYLENS, "name"): style.childNodes[0].getAttrNS(STYLENS, "column-width")
        for style in document.automaticstyles.getElementsByType(Style)
    }
    columns = document.spreadsheet.getElementsByType(TableColumn)
    assert len(columns) == len(header)
    for column, name in zip(columns, header, strict=True):
        width_cm = float(widths[column.getAttrNS(TABLENS, "style-name")].removesuffix("cm"))
        assert width_cm >= (len(name) + 2) * 0.2, (name, width_cm)
    # ODS too: a bold header row, declared as such, frozen, with filter buttons.
    from odf.namespaces import FONS
    from odf.table import DatabaseRange, TableCell, TableHeaderRows

    (header_rows,) = document.spreadsheet.getElementsByType(TableHeaderRows)
    cells = header_rows.getElementsByType(TableCell)
    assert [str(cell) for cell in cells] == header
    styles = {s.getAttrNS(STYLENS, "name"): s for s in document.automaticstyles.childNodes}
    for cell in cells:
        style = styles[cell.getAttrNS(TABLENS, "style-name")]
        assert style.childNodes[0].getAttrNS(FONS, "font-weight") == "bold"
    (db_range,) = document.spreadsheet.getElementsByType(DatabaseRange)
    assert db_range.getAttrNS(TABLENS, "display-filter-buttons") == "true"
    assert ".A1:'" in db_range.getAttrNS(TABLENS, "target-range-address")
    settings = document.settingsxml()
    assert 'config:name="VerticalSplitMode" config:type="short">2<' in settings
    assert 'config:name="VerticalSplitPosition" config:type="int">1<' in settings


def test_consolidation_export_read_back(client, indicators, anct_user):
    campaign = make_campaign(open_by=anct_user)
    _network(3, campaign)
    client.force_login(anct_user)
    response = client.get(
        reverse("pilotage:export", args=["consolidation", "csv"]) + f"?campagne={campaign.code}"
    )
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    national = {r["Code de l'indicateur"]: r for r in rows if r["Regroupement"] == "National"}
    # Counts as the site writes them, never « 600,00 »; decimals with a comma.
    assert national["beneficiaires"]["Total"] == "600"
    assert national["beneficiaires"]["Nombre de cités"] == "3"
    assert national["taux-femmes"]["Médiane"] == "41"
    # « oui » answers only for yes/no questions: blank, not 0, elsewhere.
    assert national["cotech"]["Réponses « oui »"] == "2"
    assert national["taux-femmes"]["Réponses « oui »"] == ""
    assert national["beneficiaires"]["Réponses « oui »"] == ""
    assert exports.csv_value(Decimal("22.50")) == "22,5"
    assert exports.csv_value(Decimal("1.00")) == "1"
    assert any(r["Regroupement"] == "Région" for r in rows)
    assert list(rows[0]) == exports.CONSOLIDATION_HEADER
    assert {"Code de l'indicateur", "Médiane", "Nombre de cités"} <= set(rows[0])


def test_answers_export_writes_the_breakdown_in_words(client, indicators, anct_user):
    campaign = make_campaign(open_by=anct_user)
    cite = _network(1, campaign)[0]
    mobilite = Theme.objects.get(slug="mobilite")
    Answer.objects.filter(indicator__code="beneficiaires").update(
        breakdown={"themes": {"mobilite": "60.5", "logement": "39.5"}}
    )
    logement = Theme.objects.get(slug="logement")
    client.force_login(anct_user)
    response = client.get(reverse("pilotage:export", args=["reponses", "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    row = next(r for r in rows if r["Code de l'indicateur"] == "beneficiaires")
    assert row["Code de la cité"] == cite.code
    assert row["Ventilation"] == (
        f"Champ d'action : {logement.short_label} = 39,5 ; "
        f"Champ d'action : {mobilite.short_label} = 60,5"
    )


# --- Public key figures --------------------------------------------------------------------------


def test_no_public_figure_below_three_cites(client, indicators, anct_user):
    campaign = make_campaign(open_by=anct_user)
    _network(2, campaign)
    services.close_campaign(campaign, anct_user)
    data = client.get(reverse("pilotage:api_key_figures")).json()
    assert data["campagne"] is None and data["chiffres"] == []
    assert "Aucun chiffre publié" in page_text(client.get(reverse("pilotage:key_figures")))


def test_a_campaign_closed_with_too_few_answers_keeps_the_previous_figures(
    client, indicators, anct_user
):
    """Found in a user walk: closing a quarter early with 2 answers blanked the public page."""
    previous = make_campaign(2026, 3, open_by=anct_user)
    _network(3, previous)
    services.close_campaign(previous, anct_user)
    early = make_campaign(2026, 4, open_by=anct_user)
    _network(2, early)
    services.close_campaign(early, anct_user)
    data = client.get(reverse("pilotage:api_key_figures")).json()
    assert data["campagne"] == "2026-T3" and data["chiffres"][0]["nombre_de_cites"] == 3


def test_public_figures_of_the_last_closed_campaign_only(client, indicators, anct_user):
    closed = make_campaign(2026, 3, open_by=anct_user)
    _network(4, closed)
    services.close_campaign(closed, anct_user)
    current = make_campaign(2026, 4, open_by=anct_user)
    _network(3, current)  # open: not published
    data = client.get(reverse("pilotage:api_key_figures")).json()
    assert data["campagne"] == "2026-T3"
    # Only what ANCT chose to publish (is_public), from 4 of the 7 cités: never a cité's answer.
    assert [(f["code"], f["valeur"], f["nombre_de_cites"]) for f in data["chiffres"]] == [
        ("beneficiaires", 1000.0, 4)
    ]
    page = page_text(client.get(reverse("pilotage:key_figures")))
    assert re.search(r"1\s000", page) and "Bénéficiaires accompagnés" in page
    assert "Testville" not in page


def test_public_threshold_cannot_be_lowered_below_three(client, indicators, anct_user, settings):
    settings.PILOTAGE_PUBLIC_MIN_CITES = 1
    campaign = make_campaign(open_by=anct_user)
    _network(2, campaign)
    services.close_campaign(campaign, anct_user)
    assert client.get(reverse("pilotage:api_key_figures")).json()["chiffres"] == []


def test_key_figures_are_linked_from_the_footer_and_the_home_page(client):
    from cde_site.setup import setup_site

    setup_site()
    url = reverse("pilotage:key_figures")
    home = page_text(client.get("/"))
    footer = home[home.index('id="pied-de-page"') :]
    assert f'href="{url}">Chiffres clés</a>' in footer
    assert f'href="{url}">Voir les chiffres clés</a>' in home[: home.index('id="pied-de-page"')]


def test_units_agree_with_the_number(client, indicators, anct_user):
    Indicator.objects.filter(code="beneficiaires").update(unit="personnes")
    closed = make_campaign(2026, 3, open_by=anct_user)
    for _ in range(3):
        cite = CiteFactory()
        answer_and_submit(
            closed,
            cite,
            UserFactory(cite=cite, coordinator=True),
            {"comites-pilotage": 1, "taux-femmes": 40, "beneficiaires": 1},
        )
    services.close_campaign(closed, anct_user)
    figures = " ".join(page_text(client.get(reverse("pilotage:key_figures"))).split())
    assert "3 personnes" in figures
    coordinator = UserFactory(cite=cite, coordinator=True)
    client.force_login(coordinator)
    recap = " ".join(
        page_text(
            client.get(reverse("pilotage:questionnaire", args=[cite.slug, closed.code, 4]))
        ).split()
    )
    assert "1 personne" in recap and "1 personnes" not in recap


@pytest.mark.parametrize(
    ("count", "unit", "expected"),
    [
        (1, "besoins", "besoin"),
        (0, "besoins", "besoin"),
        (2, "besoins", "besoins"),
        (Decimal("1.5"), "personnes", "personne"),
        (1, "types d'acteurs", "type d'acteurs"),
        (1, "k€", "k€"),
        (1, "%", "%"),
        (1, "cheval,chevaux", "cheval"),
        (3, "cheval,chevaux", "chevaux"),
        (1, "", ""),
    ],
)
def test_unit_for(count, unit, expected):
    assert unit_for(count, unit) == expected


def test_indicator_page_evolution_leaves_out_the_open_quarter(client, indicators, anct_user):
    closed = make_campaign(2026, 3, open_by=anct_user)
    _network(3, closed)
    services.close_campaign(closed, anct_user)
    current = make_campaign(2026, 4, open_by=anct_user)
    _network(1, current)  # one questionnaire transmitted so far: a partial quarter
    client.force_login(anct_user)
    response = client.get(reverse("pilotage:indicator", args=["beneficiaires"]))
    assert response.status_code == 200
    evolution = response.context["evolution_chart"]
    assert [label for label, _ in evolution["rows"]] == ["3e trimestre 2026"]
    assert evolution["rows"][0][1][0] == "600"
    text = " ".join(page_text(response).split())
    assert "le 4e trimestre 2026 est en cours et n'y figure pas" in text
    # The label, not the technical code.
    assert "Code" not in text[text.index("<h1") : text.index("Évolution par trimestre")]
    assert "<code>" not in text


def test_a_cites_draft_quarter_is_left_out_of_its_comparison_and_said_non_transmis(
    client, indicators, anct_user
):
    """Walk finding: a quarter whose answer is still a draft read as a figure next to the
    national median. It is excluded, the table says « non transmis », a sentence says why."""
    from pilotage.forms import AnswerValue

    first = make_campaign(2026, 2, open_by=anct_user)
    cites = _network(3, first)
    services.close_campaign(first, anct_user)
    second = make_campaign(2026, 3, open_by=anct_user)
    _network(3, second)
    late = cites[0]
    draft = services.get_or_create_response(second, late)
    coordinator = UserFactory(cite=late, coordinator=True)
    beneficiaires = Indicator.objects.get(code="beneficiaires")
    # Saved by a member (a value only carried over from the previous quarter is no answer).
    services.save_answers(
        draft,
        coordinator,
        {beneficiaires.pk: AnswerValue(number=Decimal("9999"))},
        services.last_revision_numbers(draft),
    )
    assert not draft.answers.get(indicator=beneficiaires).prefilled
    services.close_campaign(second, anct_user)
    client.force_login(anct_user)
    response = client.get(
        reverse("pilotage:indicator", args=["beneficiaires"]), {"cite": late.slug}
    )
    assert response.status_code == 200
    chart = response.context["comparison_chart"]
    rows = dict(chart["rows"])
    assert rows["2e trimestre 2026"][0] == "100"
    assert rows["3e trimestre 2026"][0] == "non transmis"
    assert json.loads(chart["y"])[0] == [100.0, None]
    text = " ".join(page_text(response).split())
    assert "3e trimestre 2026 : questionnaire non transmis par" in text
    assert "9999" not in text and "9 999" not in text
    # The cité's own history shows its draft value, marked as such.
    client.force_login(coordinator)
    history = " ".join(page_text(client.get(reverse("pilotage:cite", args=[late.slug]))).split())
    assert "(brouillon, non transmis)" in history


# --- Référentiel: percentage bounds -----------------------------------------------------------


@pytest.mark.parametrize(
    ("bounds", "field"),
    [((Decimal("-1"), None), "min_value"), ((None, Decimal("150")), "max_value")],
)
def test_percentage_bounds_stay_within_0_and_100(indicators, bounds, field):
    from django.core.exceptions import ValidationError

    indicator = Indicator.objects.get(code="taux-femmes")
    indicator.min_value, indicator.max_value = bounds
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert error.value.message_dict[field] == [
        f"Le {'minimum' if field == 'min_value' else 'maximum'} d'un pourcentage doit être "
        "compris entre 0 et 100."
    ]
    indicator.min_value, indicator.max_value = Decimal("10"), Decimal("90")
    indicator.full_clean()


def test_percentage_bounds_in_the_admin_form_and_the_questionnaire(
    client, anct_user, member, cite, indicators
):
    """The référentiel's admin form refuses 0–150 for a percentage (French message on the
    field); the questionnaire refuses 120 % whatever the bounds."""
    from tests.pilotage.test_pilotage import step_url

    indicator = Indicator.objects.get(code="taux-femmes")
    client.force_login(anct_user)
    edit = reverse("wagtailsnippets_pilotage_indicator:edit", args=[indicator.pk])
    form = client.get(edit).context["form"]
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields and not isinstance(value, bool)
    }
    data.update({name: "on" for name, value in form.initial.items() if value is True})
    data["max_value"] = "150"
    response = client.post(edit, data)
    assert response.status_code == 200
    assert "Le maximum d'un pourcentage doit être compris entre 0 et 100." in page_text(response)
    indicator.refresh_from_db()
    assert indicator.max_value is None
    campaign = make_campaign(open_by=anct_user)
    client.force_login(member)
    answered = client.post(step_url(cite, campaign, 2), {"v-taux-femmes": "120"})
    assert answered.status_code == 400
    assert "Un pourcentage ne peut pas dépasser 100." in page_text(answered)


# --- Reminders ------------------------------------------------------------------------------------


def test_reminders_j7_and_j1_are_sent_once(
    indicators, anct_user, django_capture_on_commit_callbacks
):
    campaign = make_campaign(open_by=anct_user, closes_in=7)
    late = CiteFactory()
    UserFactory(cite=late, coordinator=True, email="coord@late.example")
    UserFactory(cite=late, partner=True, email="partner@late.example")
    done = CiteFactory()
    answer_and_submit(
        campaign,
        done,
        UserFactory(cite=done, coordinator=True, email="coord@done.example"),
        {"comites-pilotage": 1, "taux-femmes": 50, "beneficiaires": 10},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(TODAY) >= 1
    recipients = {address for message in mail.outbox for address in message.to}
    assert {"coord@late.example", "partner@late.example"} <= recipients
    assert "coord@done.example" not in recipients
    assert "4e trimestre 2026" in mail.outbox[0].subject
    sent = len(mail.outbox)
    # Again the same day: nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(TODAY) == 0
    assert len(mail.outbox) == sent
    assert Reminder.objects.filter(cite=late, kind="j-7").count() == 1
    # J-1 is another reminder, sent once too.
    day_before = campaign.closes_on - datetime.timedelta(days=1)
    assert services.send_due_reminders(day_before) >= 1
    assert services.send_due_reminders(day_before) == 0
    assert Reminder.objects.filter(cite=late).count() == 2
    assert (
        AuditEntry.objects.filter(action=Action.PILOTAGE_REMIND).count() == Reminder.objects.count()
    )
    # Another day: nothing is due.
    assert services.send_due_reminders(TODAY + datetime.timedelta(days=2)) == 0


def test_reminders_command(indicators, anct_user):
    from django.core.management import call_command

    make_campaign(open_by=anct_user, closes_in=1)
    CiteFactory()
    call_command("pilotage_reminders")
    count = Reminder.objects.count()
    assert count >= 1
    call_command("pilotage_reminders")
    assert Reminder.objects.count() == count


# --- Mes données --------------------------------------------------------------------------------


def test_my_data_export_holds_the_answers_saved_and_submitted(client, indicators, anct_user):
    campaign = make_campaign(open_by=anct_user)
    cite = CiteFactory()
    coordinator = UserFactory(cite=cite, coordinator=True)
    answer_and_submit(
        campaign, cite, coordinator, {"comites-pilotage": 3, "taux-femmes": 50, "beneficiaires": 10}
    )
    client.force_login(coordinator)
    response = client.post(reverse("rgpd:export"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("pilotage.json"))
    assert data["questionnaires_transmis"][0]["trimestre"] == "2026-T4"
    assert {a["indicateur"] for a in data["reponses_enregistrees"]} == {
        "comites-pilotage",
        "taux-femmes",
        "beneficiaires",
    }
    # Someone else's export holds none of it.
    client.force_login(UserFactory(cite=cite, partner=True))
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.post(reverse("rgpd:export")).streaming_content))
    )
    assert json.loads(archive.read("pilotage.json")) == {
        "questionnaires_transmis": [],
        "reponses_enregistrees": [],
    }


# --- Activity dashboard ---------------------------------------------------------------------------


def test_activity_dashboard_shows_aggregates_from_the_registered_apps(client, anct_user):
    from cafes_cites import services as cafes_services
    from groups import services as group_services
    from groups.models import Role
    from tests.factories.cafes_cites import make_session

    cite = CiteFactory(short_name="Maubeuge")
    alice = UserFactory(cite=cite, coordinator=True, first_name="Alice", last_name="Secret")
    bob = UserFactory(cite=cite, partner=True, first_name="Bob", last_name="Discret")
    group = cite.group
    group_services.add_member(group, alice, role=Role.ANIMATEUR)
    group_services.add_member(group, bob)
    thread = group_services.create_thread(group, alice, title="Sujet", body="Bonjour")
    group_services.reply(thread, bob, body="Réponse")
    session = make_session(title="Café-cité mobilité")
    cafes_services.register(alice, session)
    cafes_services.register(bob, session)

    client.force_login(anct_user)
    response = client.get(reverse("pilotage:activity"))
    assert response.status_code == 200
    text = page_text(response)
    assert "Membres actifs par cité et par mois" in text
    assert "Maubeuge" in text and group.name in text and "Café-cité mobilité" in text
    # Aggregates only: nobody is named.
    assert "Alice" not in text and "Bob" not in text and "Secret" not in text


def test_activity_dashboard_by_role(as_role_activity):
    client, role = as_role_activity
    expected = {"anct_user": 200, "anonymous": 302}.get(role, 404)  # 302: to the login page
    assert client.get(reverse("pilotage:activity")).status_code == expected


@pytest.fixture(params=["anonymous", "professional", "member", "non_member", "anct_user"])
def as_role_activity(request, client):
    if request.param != "anonymous":
        client.force_login(request.getfixturevalue(request.param))
    return client, request.param


def test_steering_pages_query_count_does_not_grow_with_the_data(client, indicators, anct_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(anct_user)
    first = make_campaign(2026, 3, open_by=anct_user)
    _network(1, first)
    urls = [
        reverse("pilotage:dashboard") + "?campagne=2026-T3",
        reverse("pilotage:indicator", args=["beneficiaires"]) + "?campagne=2026-T3",
    ]

    def counts():
        result = []
        for url in urls:
            client.get(url)  # warm caches (site, session)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    small = counts()
    _network(4, first)
    _network(3, make_campaign(2026, 4, open_by=anct_user))
    assert counts() == small
