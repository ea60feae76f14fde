"""pilotage/ after the blind walk walk17e of issue #17: CSV formula injection, deadlines and
extensions in e-mails, incomplete quarters, choice indicators, wording."""

import csv
import datetime
import io
import re

import openpyxl
from django.core import mail
from django.urls import reverse

from commons.french import format_date
from pilotage import services
from pilotage.forms import AnswerValue
from pilotage.models import Enjeu, Indicator, Kind, Reminder
from tests.factories import UserFactory
from tests.factories.pilotage import TODAY, make_campaign
from tests.utils import page_text


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
    assert f"{cite.name} — échéance prolongée au {format_date(later, 'j F Y')}" in text
    assert "met fin à cette prolongation" in text
    assert other_cite.name in text
