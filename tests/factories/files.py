"""Real office files built in memory for the tests: PDF (pypdf, with a text object in a real
font), OOXML and OpenDocument archives with the parts office suites write, and hostile ones."""

import io
import zipfile
from xml.sax.saxutils import escape

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"


def _pdf_string(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(*pages, password=None):
    """A PDF with one page per item, each a list of lines drawn in Helvetica (WinAnsi text)."""
    writer = PdfWriter()
    for lines in pages:
        page = writer.add_blank_page(width=595, height=842)
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
        )
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 770 Td"]
        for line in [lines] if isinstance(lines, str) else lines:
            encoded = _pdf_string(line).encode("cp1252").decode("latin-1")
            ops.append(f"({encoded}) Tj T*")
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    if password:
        writer.encrypt(user_password=password, owner_password=password, algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _zip(parts, first=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:  # OpenDocument: "mimetype" first and stored
            archive.writestr(zipfile.ZipInfo(first[0]), first[1], zipfile.ZIP_STORED)
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _content_types(overrides):
    items = "".join(
        f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind in overrides.items()
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="{CT}">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{items}</Types>"
    )


def _rels(targets):
    items = "".join(
        f'<Relationship Id="{rid}" Type="{R}/{kind}" Target="{target}"/>'
        for rid, (kind, target) in targets.items()
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">{items}</Relationships>'


def make_docx(*paragraphs, document_xml=None):
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        for text in paragraphs
    )
    document = document_xml or (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    return _zip(
        {
            "[Content_Types].xml": _content_types({"word/document.xml": main}),
            "_rels/.rels": _rels({"rId1": ("officeDocument", "word/document.xml")}),
            "word/document.xml": document,
        }
    )


def make_xlsx(sheets):
    """sheets: {name: [[cell, …], …]}; strings go to the shared strings table."""
    shared, sheet_parts, workbook_sheets, rels, overrides = [], {}, [], {}, {}
    for number, (title, rows) in enumerate(sheets.items(), start=1):
        xml_rows = []
        for row_number, row in enumerate(rows, start=1):
            cells = []
            for column, value in enumerate(row):
                ref = f"{chr(65 + column)}{row_number}"
                if isinstance(value, str):
                    shared.append(value)
                    cells.append(f'<c r="{ref}" t="s"><v>{len(shared) - 1}</v></c>')
                else:
                    cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            xml_rows.append(f'<row r="{row_number}">{"".join(cells)}</row>')
        part = f"xl/worksheets/sheet{number}.xml"
        sheet_parts[part] = (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{S}">'
            f"<sheetData>{''.join(xml_rows)}</sheetData></worksheet>"
        )
        workbook_sheets.append(
            f'<sheet name="{escape(title)}" sheetId="{number}" r:id="rId{number}"/>'
        )
        rels[f"rId{number}"] = ("worksheet", f"worksheets/sheet{number}.xml")
        overrides[part] = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        )
    strings = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
    return _zip(
        {
            "[Content_Types].xml": _content_types(overrides),
            "_rels/.rels": _rels({"rId1": ("officeDocument", "xl/workbook.xml")}),
            "xl/workbook.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{S}" xmlns:r="{R}">'
                f"<sheets>{''.join(workbook_sheets)}</sheets></workbook>"
            ),
            "xl/_rels/workbook.xml.rels": _rels(rels),
            "xl/sharedStrings.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{S}" '
                f'count="{len(shared)}" uniqueCount="{len(shared)}">{strings}</sst>'
            ),
            **sheet_parts,
        }
    )


def make_pptx(*slides):
    parts, overrides = {}, {}
    for number, text in enumerate(slides, start=1):
        part = f"ppt/slides/slide{number}.xml"
        parts[part] = (
            f'<?xml version="1.0" encoding="UTF-8"?><p:sld xmlns:p="{P}" xmlns:a="{A}">'
            "<p:cSld><p:spTree><p:sp><p:txBody><a:bodyPr/>"
            f"<a:p><a:r><a:t>{escape(text)}</a:t></a:r></a:p>"
            "</p:txBody></p:sp></p:spTree></p:cSld></p:sld>"
        )
        overrides[part] = "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"
    return _zip(
        {
            "[Content_Types].xml": _content_types(overrides),
            "_rels/.rels": _rels({"rId1": ("officeDocument", "ppt/presentation.xml")}),
            "ppt/presentation.xml": f'<p:presentation xmlns:p="{P}"/>',
            **parts,
        }
    )


ODF_MIMES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
)


def make_odf(kind, body):
    """An OpenDocument file of `kind` (odt, ods, odp) whose office:body holds `body` (XML)."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} '
        f'office:version="1.3"><office:automatic-styles/><office:body>{body}</office:body>'
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{ODF_MIMES[kind]}"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    return _zip(
        {"META-INF/manifest.xml": manifest, "content.xml": content},
        first=("mimetype", ODF_MIMES[kind]),
    )


def make_odt(*paragraphs):
    body = "".join(f"<text:p>{escape(text)}</text:p>" for text in paragraphs)
    return make_odf("odt", f"<office:text>{body}</office:text>")


def zip_bomb_docx(megabytes=200):
    """A DOCX whose document.xml inflates from a few hundred kilobytes to `megabytes` MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _content_types({}))
        archive.writestr("_rels/.rels", _rels({"rId1": ("officeDocument", "word/document.xml")}))
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode())
            chunk = b" " * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
            member.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buffer.getvalue()


def billion_laughs_docx():
    """Entity expansion in document.xml (refused by the defused parser)."""
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    return make_docx(
        document_xml=(
            f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
            f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p>'
            "</w:body></w:document>"
        )
    )
