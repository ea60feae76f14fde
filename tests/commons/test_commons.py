import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from commons.html import plain_text_to_html, sanitize_html
from commons.uploads import safe_filename, validate_upload

MB = 1024 * 1024


@pytest.mark.parametrize(
    "dirty, forbidden",
    [
        ("<script>alert(1)</script><p>ok</p>", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<p style="background:url(x)" onclick="x()">t</p>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
    ],
)
def test_sanitize_html_removes_dangerous_markup(dirty, forbidden):
    assert forbidden not in sanitize_html(dirty).lower()


def test_sanitize_keeps_formatting_and_marks_links():
    html = sanitize_html('<p><strong>Gras</strong> <a href="https://anct.gouv.fr">lien</a></p>')
    assert "<strong>Gras</strong>" in html
    assert 'rel="nofollow noopener"' in html
    assert 'rel="nofollow noopener"' in sanitize_html("voir https://www.service-public.fr")


def test_plain_text_becomes_paragraphs_and_is_escaped():
    html = plain_text_to_html("Bonjour <b>tous</b>\n\nDeuxième ligne")
    assert html.count("<p>") == 2
    assert "<b>" not in html


def upload(name, content):
    return SimpleUploadedFile(name, content)


PDF = b"%PDF-1.4\n%%EOF\n"


def test_valid_pdf_and_csv_are_accepted():
    assert validate_upload(upload("note.pdf", PDF), max_bytes=MB).key == "pdf"
    assert validate_upload(upload("liste.csv", b"a;b\n1;2\n"), max_bytes=MB).key == "csv"


def test_docx_is_recognised_by_its_zip_content():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert (
        validate_upload(upload("compte-rendu.docx", buffer.getvalue()), max_bytes=MB).key == "docx"
    )


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("rapport.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "n'est pas accepté"),
        ("image.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 50, "n'est pas accepté"),
        (
            "dessin.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "n'est pas accepté",
        ),
        ("notes.txt", b"<html><script>alert(1)</script></html>", "n'est pas accepté"),
        ("faux.docx", PDF, "ne correspond pas"),
        ("vide.pdf", b"", "vide"),
    ],
)
def test_disguised_or_unknown_files_are_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_upload(upload(name, content), max_bytes=MB)


def test_oversize_is_refused_with_sizes_in_french():
    with pytest.raises(ValidationError, match="taille maximale est de 1 Mo"):
        validate_upload(upload("gros.pdf", PDF + b"0" * MB), max_bytes=MB)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        (".htaccess", "htaccess"),
        ("rapport\x00.pdf", "rapport.pdf"),
        ("Compte-rendu COPIL.PDF", "Compte-rendu COPIL.pdf"),
        ("", "fichier"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_zip_bombs_disguised_as_office_documents_are_refused():
    from tests.factories.files import zip_bomb_docx

    with pytest.raises(ValidationError, match="serait démesuré"):
        validate_upload(upload("bombe.docx", zip_bomb_docx(megabytes=120)), max_bytes=10 * MB)
    # 40 MB of one repeated byte: under the total, but no office suite writes that ratio.
    with pytest.raises(ValidationError, match="serait démesuré"):
        validate_upload(upload("bombe.docx", zip_bomb_docx(megabytes=40)), max_bytes=10 * MB)


# --- commons.xlsx --------------------------------------------------------------------------------


def test_xlsx_writer_round_trip_through_openpyxl(tmp_path):
    """What the streaming writer produces opens in openpyxl (as in a spreadsheet) with the same
    values and types: text with XML specials and characters XML forbids, numbers (Decimal, int,
    float), booleans, empty cells, a header in bold and frozen."""
    from decimal import Decimal

    from openpyxl import load_workbook

    from commons.xlsx import write_xlsx

    rows = [
        ["Saint-Omer", Decimal("12.50"), 3, True, None, " début d'espace"],
        ["<script>alert(1)</script> & co", 1.25, -7, False, "", "bip\x07 fin"],
        ["Cité n°3 — « Mobilité »", float("nan"), 0, None, "x" * 40000, "dernière"],
    ]
    path = tmp_path / "export.xlsx"
    with path.open("wb") as fileobj:
        write_xlsx(
            fileobj, ["cite", "valeur", "nombre", "oui", "vide", "texte"], rows, title="Réponses"
        )
    sheet = load_workbook(path)["Réponses"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["cite", "valeur", "nombre", "oui", "vide", "texte"]
    assert values[1] == ["Saint-Omer", 12.5, 3, True, None, " début d'espace"]
    assert values[2] == ["<script>alert(1)</script> & co", 1.25, -7, False, None, "bip fin"]
    assert values[3][:3] == ["Cité n°3 — « Mobilité »", "nan", 0]
    assert len(values[3][4]) == 32767  # Excel's limit per cell
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"


# Microsoft Word's clipboard HTML for "1. Un / · Un point (level 2) / 2. Deux", then a bullet list.
WORD_LISTS = """<html xmlns:o='urn:schemas-microsoft-com:office:office'><body>
<div class=WordSection1><p class=MsoNormal>Avant<o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'>
<![if !supportLists]><span style='mso-fareast-font-family:Calibri'><span style='mso-list:Ignore'
>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;</span></span></span
><![endif]>Un<o:p></o:p></p>
<p class=MsoListParagraphCxSpMiddle style='margin-left:72.0pt;mso-list:l0 level2 lfo1'>
<![if !supportLists]><span style='font-family:Symbol;mso-list:Ignore'>·<span>&nbsp;</span></span
><![endif]>Un point <b>gras</b><o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'><![if !supportLists]><span
style='mso-list:Ignore'>2.<span>&nbsp;</span></span><![endif]>Deux<o:p></o:p></p>
<p class=MsoNormal>Après</p>
<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'><span style='font-family:Symbol;
mso-list:Ignore'>·<span>&nbsp;</span></span>Puce</p></div></body></html>"""


def test_word_list_paragraphs_become_real_lists():
    html = " ".join(sanitize_html(WORD_LISTS).split())
    assert "<p>Avant</p>" in html and "<p>Après</p>" in html
    assert "<ol><li>Un<ul><li>Un point <b>gras</b></li></ul></li><li>Deux</li></ol>" in html
    assert "<ul><li>Puce</li></ul>" in html
    # The typed numbers and bullets are gone: the list shows its own.
    assert "1." not in html and "2." not in html and "·" not in html
    assert "Mso" not in html and "style" not in html


def test_real_lists_from_libreoffice_and_google_docs_are_kept():
    libreoffice = '<ol><li><p style="margin-bottom: 0cm">Un</p></li><li><p>Deux</p></li></ol>'
    docs = '<ul style="margin:0"><li dir="ltr" aria-level="1"><p dir="ltr"><span>Point</span></p></li></ul>'
    assert sanitize_html(libreoffice) == "<ol><li><p>Un</p></li><li><p>Deux</p></li></ol>"
    assert sanitize_html(docs) == "<ul><li><p>Point</p></li></ul>"


def test_xlsx_column_widths_follow_header_and_content():
    from commons.xlsx import MAX_WIDTH, column_widths

    widths = column_widths(["Vague de labellisation", "N", "Texte"], [[1, 123456789, "x" * 500]])
    assert widths[0] >= len("Vague de labellisation") + 2
    assert widths[1] >= len("123 456 789")
    assert widths[2] == MAX_WIDTH + 1
