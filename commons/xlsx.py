"""A streaming XLSX writer for large exports: one sheet, a bold frozen header row, text and numbers,
columns as wide as their header and content.

Why not a library: on pilotage's full export (130,000 lines × 13 columns, docs/benchmarks.md,
issue #17), openpyxl in write-only mode took 10 s to write the sheet, xlsxwriter 9 s in
constant-memory mode and 8 s (with 217 MB of memory) in its default mode; the issue asks for the
whole export in under 10 s. Writing the sheet's XML directly takes 1.5 s in constant memory (only
the distinct strings are kept, for the shared-strings table). The format is the minimal
SpreadsheetML package (ECMA-376 part 1) that Excel, LibreOffice and openpyxl open without repair;
tests read every export back with openpyxl.
"""

import itertools
import math
import re
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

# Characters XML 1.0 forbids: dropped rather than making the file unreadable.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BATCH = 1000  # rows joined per write
# Column widths (in characters) come from the header and the first rows: the sheet is streamed,
# and the <cols> element comes before the data. A header is never cut; long texts wrap at
# MAX_WIDTH rather than making one column as wide as the screen.
WIDTH_SAMPLE_ROWS = 500
MIN_WIDTH, MAX_WIDTH = 8, 60

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
# Style 0: the default; style 1: bold (the header row).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _column_letters(count):
    letters = []
    for index in range(count):
        name, index = "", index + 1
        while index:
            index, remainder = divmod(index - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def _text(value):
    # Excel's limit per cell is 32,767 characters.
    return escape(_ILLEGAL.sub("", value)[:32767])


def cell_width(value):
    """Characters a value takes once shown (numbers with their separators and decimals)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 4
    if isinstance(value, (int, float, Decimal)):
        return len(f"{value:,}") + 1 if math.isfinite(value) else 0
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(header, rows):
    """Width of each column, in characters: its header whole, its content up to MAX_WIDTH."""
    widths = [len(str(name)) + 2 for name in header]  # + room for a filter arrow
    for row in rows:
        for index, value in enumerate(row):
            if index < len(widths):
                widths[index] = max(widths[index], min(cell_width(value), MAX_WIDTH))
    return [max(MIN_WIDTH, width + 1) for width in widths]


def write_xlsx(
    fileobj,
    header,
    rows,
    title="Feuille 1",
    creator="Plateforme des cités de l'emploi",
    *,
    autofilter=False,
):
    """Write `header` then `rows` (iterables of str, int, float, Decimal, bool or None; other
    values are written as their str()) as a one-sheet workbook into the binary `fileobj`.
    With `autofilter`, the header row gets the spreadsheet's filter buttons."""
    strings = {}  # text -> index in the shared-strings table

    def shared(value):
        index = strings.get(value)
        if index is None:
            index = strings[value] = len(strings)
        return index

    columns = _column_letters(len(header))
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
    rows = itertools.chain(sample, rows)
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
        for n, width in enumerate(column_widths(header, sample), 1)
    )
    sheet_name = _text(title.replace("/", "-")[:31]) or "Feuille 1"  # Excel's limit: 31

    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr(
            "docProps/core.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{sheet_name}</dc:title><dc:creator>{_text(creator)}</dc:creator>"
            "</cp:coreProperties>",
        )
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/styles.xml", _STYLES)

        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                b'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                + f"<cols>{cols}</cols><sheetData>".encode()
            )
            header_cells = "".join(
                f'<c r="{column}1" s="1" t="s"><v>{shared(_text(str(name)))}</v></c>'
                for column, name in zip(columns, header, strict=True)
            )
            counted = []  # the number of the last row, known once every row is written
            _write_in_batches(sheet, _row_xml(header_cells, rows, columns, shared, counted))
            sheet.write(b"</sheetData>")
            filter_range = ""
            if autofilter and columns:
                filter_range = f"A1:{columns[-1]}{counted[-1]}"
                sheet.write(f'<autoFilter ref="{filter_range}"/>'.encode())
            sheet.write(b"</worksheet>")

        # After the sheet: the filter's defined name needs the last row.
        defined = ""
        if filter_range:
            absolute = f"$A$1:${columns[-1]}${counted[-1]}"
            quoted = sheet_name.replace("'", "''")
            defined = (
                '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" '
                f"hidden=\"1\">'{quoted}'!{absolute}</definedName></definedNames>"
            )
        package.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets>'
            f"{defined}</workbook>",
        )

        with package.open("xl/sharedStrings.xml", "w", force_zip64=True) as table:
            table.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                + f'count="{len(strings)}" uniqueCount="{len(strings)}">'.encode()
            )
            _write_in_batches(table, _shared_string_xml(strings))
            table.write(b"</sst>")


def _row_xml(header_cells, rows, columns, shared, counted):
    yield f'<row r="1">{header_cells}</row>'
    counted.append(1)
    for number, row in enumerate(rows, 2):
        counted.append(number)
        cells = []
        for column, value in zip(columns, row, strict=True):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                cells.append(f'<c r="{column}{number}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float, Decimal)) and math.isfinite(value):
                cells.append(f'<c r="{column}{number}"><v>{value}</v></c>')
            else:
                cells.append(
                    f'<c r="{column}{number}" t="s"><v>{shared(_text(str(value)))}</v></c>'
                )
        yield f'<row r="{number}">{"".join(cells)}</row>'


def _shared_string_xml(strings):
    # Iterated after every row was written: insertion order is the index order.
    for text in strings:
        space = ' xml:space="preserve"' if text != text.strip() else ""
        yield f"<si><t{space}>{text}</t></si>"


def _write_in_batches(stream, pieces):
    """Joins pieces a few thousand at a time: one write per piece costs more than the XML."""
    batch = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= _BATCH:
            stream.write("".join(batch).encode())
            batch = []
    stream.write("".join(batch).encode())
