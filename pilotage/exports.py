"""ANCT's exports: every answer (one line per cité × indicator × quarter) and a campaign's
consolidated tables, as CSV, XLSX (commons.xlsx: streamed, constant memory) or ODS (odfpy)."""

import csv
import tempfile

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

import commons.xlsx
from cites.models import Wave
from cites.regions import REGION_LABELS
from pilotage import consolidation
from pilotage.models import Answer, Enjeu, Kind, ResponseStatus, VersionIndicator
from themes.models import PublicCible, Theme

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}

# Headers in French, as people read them in a spreadsheet; the indicator's stable code stays in
# its own column, so series can still be matched across questionnaire versions.
ANSWER_HEADER = [
    "Trimestre",
    "Code de la cité",
    "Cité",
    "Région",
    "Département",
    "Vague de labellisation",
    "État du questionnaire",
    "Code de l'indicateur",
    "Indicateur",
    "Enjeu",
    "Valeur",
    "Unité",
    "Ventilation",
]

CONSOLIDATION_HEADER = [
    "Regroupement",
    "Groupe",
    "Code de l'indicateur",
    "Indicateur",
    "Nombre de cités",
    "Total",
    "Médiane",
    "Réponses « oui »",
    "Réponses (nombre de cités)",
]

BREAKDOWN_LABELS = {"themes": "Champ d'action", "publics": "Public cible"}


def breakdown_labels():
    """{dimension: {slug: label}} for the breakdown column (2 queries)."""
    return {
        "themes": dict(Theme.objects.values_list("slug", "short_label")),
        "publics": dict(PublicCible.objects.values_list("slug", "label")),
    }


def _breakdown_text(breakdown, labels):
    """ "Champ d'action : mobilité = 150 ; Public cible : jeunes = 12"."""
    parts = []
    for dimension, title in BREAKDOWN_LABELS.items():
        names = labels.get(dimension, {})
        for slug, value in sorted((breakdown or {}).get(dimension, {}).items()):
            number = str(value).replace(".", ",")
            parts.append(f"{title} : {names.get(slug, slug)} = {number}")
    return " ; ".join(parts)


def answer_rows():
    """Every answer a member gave, in a stable order, streamed from the database in chunks (1 query)."""
    enjeux = dict(Enjeu.choices)
    waves = dict(Wave.choices)
    statuses = dict(ResponseStatus.choices)
    labels = breakdown_labels()
    # The question as the quarter's frozen version asked it: renaming an indicator in the
    # référentiel must not rewrite what past quarters asked (the code still joins the series).
    frozen = VersionIndicator.objects.filter(
        version=OuterRef("response__campaign__version"), indicator=OuterRef("indicator")
    )
    qs = (
        # Values carried over from last quarter that nobody at the cité saved are not answers.
        Answer.objects.filter(prefilled=False)
        .annotate(
            asked_label=Coalesce(Subquery(frozen.values("label")[:1]), "indicator__label"),
            asked_unit=Coalesce(Subquery(frozen.values("unit")[:1]), "indicator__unit"),
        )
        .order_by(
            "response__campaign__year",
            "response__campaign__quarter",
            "response__cite__code",
            "indicator__enjeu",
            "indicator__position",
            "indicator__code",
        )
        .values_list(
            "response__campaign__year",
            "response__campaign__quarter",
            "response__cite__code",
            "response__cite__name",
            "response__cite__region",
            "response__cite__departement_code",
            "response__cite__wave",
            "response__status",
            "indicator__code",
            "asked_label",
            "indicator__enjeu",
            "number",
            "text",
            "asked_unit",
            "breakdown",
        )
        .iterator(chunk_size=5000)
    )
    for (year, quarter, code, name, region, dep, wave, status, icode, label, enjeu, number, text,
         unit, breakdown) in qs:  # fmt: skip
        yield [
            f"{year}-T{quarter}",
            code,
            name,
            REGION_LABELS.get(region, region),
            dep,
            waves.get(wave, wave),
            statuses.get(status, status),
            icode,
            label,
            enjeux.get(enjeu, enjeu),
            number if number is not None else text,
            unit,
            _breakdown_text(breakdown, labels),
        ]


def consolidation_rows(campaign):
    dims = consolidation.CiteDimensions()
    for vi, fig in consolidation.national_table(campaign):
        yield ["National", "France", vi.code, vi.label, *_figures(vi, fig)]
    for vi in consolidation.campaign_questions(campaign):
        for key, label in consolidation.DIMENSIONS:
            for group, fig in consolidation.by_dimension(campaign, vi, key, dims):
                yield [label, group, vi.code, vi.label, *_figures(vi, fig)]


def _figures(vi, fig):
    """Cités, total, median, « oui »: blank where a figure does not apply (no « 0 » yes answers
    for a percentage, a list or a text)."""
    return [
        fig.cites,
        fig.total,
        fig.median,
        fig.yes if vi.kind == Kind.YES_NO else None,
        fig.distribution or None,  # yes/no and choice: how many cités gave each answer
    ]


class _Echo:
    def write(self, value):
        return value


def _csv(rows, header, filename):
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow(header)  # BOM: spreadsheets read the UTF-8 right
        for row in rows:
            yield writer.writerow([csv_value(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type=FORMATS["csv"])
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def csv_value(value):
    """Numbers as the site writes them (docs/pilotage.md): « 16 », « 22,5 », never « 16,00 »;
    no thousands separator, so that spreadsheets still read them as numbers."""
    from decimal import Decimal

    if value is None:
        return ""
    if not _is_number(value):
        return neutralise_formula(value) if isinstance(value, str) else value
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f").replace(".", ",")


# A cell starting with one of these is read as a formula by Excel and LibreOffice when the CSV is
# opened: a cité's free text (« =HYPERLINK(…) ») must stay text (OWASP « CSV injection »).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text):
    """Prefix a text that a spreadsheet would evaluate with an apostrophe, which the spreadsheet
    hides and which marks the cell as text. Numbers never come here (csv_value writes them)."""
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _is_number(value):
    from decimal import Decimal

    return isinstance(value, (Decimal, float))


def write_xlsx(rows, header, fileobj, title):
    commons.xlsx.write_xlsx(fileobj, header, rows, title=title, autofilter=True)


def write_ods(rows, header, fileobj, title):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties, TextProperties
    from odf.table import (
        DatabaseRange,
        DatabaseRanges,
        Table,
        TableCell,
        TableColumn,
        TableHeaderRows,
        TableRow,
    )
    from odf.text import P

    rows = list(rows)  # the document is built in memory anyway
    document = OpenDocumentSpreadsheet()
    bold = Style(name="entete", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    table = Table(name=title)
    # Columns as wide as their header and content (commons.xlsx's rule): no cut header.
    for index, width in enumerate(commons.xlsx.column_widths(header, rows)):
        style = Style(name=f"colonne{index + 1}", family="table-column")
        style.addElement(TableColumnProperties(columnwidth=f"{width * 0.22:.2f}cm"))
        document.automaticstyles.addElement(style)
        table.addElement(TableColumn(stylename=style))
    header_rows = TableHeaderRows()  # repeated on each printed page
    table.addElement(header_rows)
    for index, row in enumerate([header, *rows]):
        table_row = TableRow()
        for value in row:
            if index == 0:
                cell = TableCell(valuetype="string", stylename=bold)
            elif value is None or value == "":
                # A truly empty cell, not an empty text (which COUNTA/NBVAL would count).
                table_row.addElement(TableCell())
                continue
            elif _is_number(value) or isinstance(value, int):
                # The value for computing, its display as the site writes it (« 7 », « 22,5 »):
                # previewers show the cell's text, which was « 7.00 ».
                shown = str(value) if isinstance(value, int) else csv_value(value)
                cell = TableCell(valuetype="float", value=shown.replace(",", "."))
                cell.addElement(P(text=shown))
                table_row.addElement(cell)
                continue
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            table_row.addElement(cell)
        (header_rows if index == 0 else table).addElement(table_row)
    document.spreadsheet.addElement(table)
    # Filter buttons on the header row, as in the XLSX file.
    last = commons.xlsx._column_letters(len(header))[-1]
    quoted = "'" + title.replace("'", "''") + "'"
    ranges = DatabaseRanges()
    ranges.addElement(
        DatabaseRange(
            name="__Anonymous_Sheet_DB__0",
            targetrangeaddress=f"{quoted}.A1:{quoted}.{last}{len(rows) + 1}",
            displayfilterbuttons="true",
        )
    )
    document.spreadsheet.addElement(ranges)
    _freeze_header(document, title)
    document.write(fileobj)


def _freeze_header(document, title):
    """The header row stays in view while scrolling (LibreOffice's view settings, settings.xml)."""
    from odf.config import (
        ConfigItem,
        ConfigItemMapEntry,
        ConfigItemMapIndexed,
        ConfigItemMapNamed,
        ConfigItemSet,
    )

    def item(name, kind, value):
        element = ConfigItem(name=name, type=kind)
        element.addText(value)
        return element

    sheet = ConfigItemMapEntry(name=title)
    for name, kind, value in [
        ("HorizontalSplitMode", "short", "0"),
        ("VerticalSplitMode", "short", "2"),
        ("HorizontalSplitPosition", "int", "0"),
        ("VerticalSplitPosition", "int", "1"),
        ("ActiveSplitRange", "short", "2"),
        ("PositionLeft", "int", "0"),
        ("PositionRight", "int", "0"),
        ("PositionTop", "int", "0"),
        ("PositionBottom", "int", "1"),
    ]:
        sheet.addElement(item(name, kind, value))
    tables = ConfigItemMapNamed(name="Tables")
    tables.addElement(sheet)
    view = ConfigItemMapEntry()
    view.addElement(item("ViewId", "string", "view1"))
    view.addElement(tables)
    view.addElement(item("ActiveTable", "string", title))
    views = ConfigItemMapIndexed(name="Views")
    views.addElement(view)
    settings = ConfigItemSet(name="ooo:view-settings")
    settings.addElement(views)
    document.settings.addElement(settings)


def _file(rows, header, filename, fmt, title):
    if fmt == "csv":
        return _csv(rows, header, filename)
    # Not a context manager: FileResponse closes (and so deletes) it once streamed.
    tmp = tempfile.TemporaryFile(suffix=f".{fmt}")  # noqa: SIM115
    (write_xlsx if fmt == "xlsx" else write_ods)(rows, header, tmp, title)
    tmp.seek(0)
    return FileResponse(
        tmp, as_attachment=True, filename=f"{filename}.{fmt}", content_type=FORMATS[fmt]
    )


def answers_response(fmt):
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    return _file(answer_rows(), ANSWER_HEADER, f"pilotage-reponses-{stamp}", fmt, "Réponses")


def consolidation_response(campaign, fmt):
    return _file(
        consolidation_rows(campaign),
        CONSOLIDATION_HEADER,
        f"pilotage-consolidation-{campaign.code}",
        fmt,
        "Consolidation",
    )
