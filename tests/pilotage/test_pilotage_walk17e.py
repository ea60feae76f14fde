"""pilotage/ after the blind walk walk17e of issue #17: CSV formula injection, deadlines and
extensions in e-mails, incomplete quarters, choice indicators, wording."""

import csv
import io

import openpyxl
from django.urls import reverse

from pilotage import services
from pilotage.forms import AnswerValue
from pilotage.models import Enjeu, Indicator, Kind
from tests.factories.pilotage import make_campaign

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
