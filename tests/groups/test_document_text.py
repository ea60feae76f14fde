"""Text of group documents, read for search: every format through the confined child process,
hostile files, the background reading after an upload, its states, and the resumable command.
(Search behaviour with that text, and its privacy, is in tests/search/test_document_text.py.)"""

import io
import logging
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter

from commons.extraction import ExtractionError, Limits, extract, extract_text
from groups import services
from groups.models import Document, DocumentVersion, Role, TextStatus
from tests.factories import files as documents
from tests.factories import CiteFactory, UserFactory
from tests.utils import page_text

WORD = "ornithorynque"


@pytest.fixture
def world(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    cite = CiteFactory()
    member = UserFactory(cite=cite, coordinator=True)
    services.add_member(cite.group, member, role=Role.ANIMATEUR)
    return {"group": cite.group, "member": member}


# --- Formats ---------------------------------------------------------------------------------

FORMATS = {
    "pdf": lambda: documents.make_pdf(["Compte rendu", f"Le {WORD} d'œuvre (réunion)"]),
    "docx": lambda: documents.make_docx("Compte rendu", f"Le {WORD} d'œuvre"),
    "xlsx": lambda: documents.make_xlsx({"Budget": [["Poste", "Montant"], [WORD, 1250.5]]}),
    "pptx": lambda: documents.make_pptx("Ordre du jour", f"Le {WORD} d'œuvre"),
    "odt": lambda: documents.make_odt("Compte rendu", f"Le {WORD} d'œuvre"),
    "ods": lambda: documents.make_odf(
        "ods",
        "<office:spreadsheet><table:table><table:table-row><table:table-cell>"
        f"<text:p>{WORD}</text:p></table:table-cell><table:table-cell><text:p>1250,5</text:p>"
        "</table:table-cell></table:table-row></table:table></office:spreadsheet>",
    ),
    "odp": lambda: documents.make_odf(
        "odp",
        '<office:presentation><draw:page draw:name="p1"><draw:frame><draw:text-box>'
        f"<text:p>Le {WORD} d'œuvre</text:p></draw:text-box></draw:frame></draw:page>"
        "</office:presentation>",
    ),
    "csv": lambda: f"poste;montant\n{WORD};1250,5\n".encode("cp1252"),
    "txt": lambda: f"Le {WORD} d'œuvre\n".encode(),
}


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_each_format_yields_its_text(kind):
    text = extract_text(FORMATS[kind](), kind)
    assert WORD in text
    if kind in {"pdf", "docx", "pptx", "odt", "odp", "txt"}:
        assert f"Le {WORD} d'œuvre" in text  # accents and punctuation kept
    if kind in {"xlsx", "ods", "csv"}:
        assert "1250" in text  # numbers of spreadsheets too


def test_spreadsheet_cells_rows_and_sheet_names():
    data = documents.make_xlsx(
        {"Budget 2026": [["Poste", "Montant"], ["Mobilité", 1200]], "Contacts": [["Léa"]]}
    )
    assert extract_text(data, "xlsx").splitlines() == [
        "Budget 2026",
        "Poste Montant",
        "Mobilité 1200",
        "Contacts",
        "Léa",
    ]


def test_word_paragraphs_and_deleted_text():
    w = documents.W
    xml = (
        f'<w:document xmlns:w="{w}"><w:body>'
        "<w:p><w:r><w:t>Gardé</w:t></w:r><w:del><w:r><w:delText>supprimé</w:delText></w:r>"
        "</w:del><w:r><w:tab/><w:t>après</w:t></w:r></w:p>"
        '<w:p><w:r><w:instrText>PAGE \\* MERGEFORMAT</w:instrText></w:r><w:r><w:t xml:space="preserve">'
        " second </w:t></w:r></w:p></w:body></w:document>"
    )
    assert extract_text(documents.make_docx(document_xml=xml), "docx") == "Gardé après\nsecond"


# --- Limits and hostile files ---------------------------------------------------------------


def test_text_and_pages_are_capped(settings):
    settings.DOCUMENT_TEXT_MAX_CHARS = 1000
    long = extract_text(documents.make_docx(*["un mot répété"] * 500), "docx")
    assert 900 < len(long) <= 1000
    settings.DOCUMENT_TEXT_MAX_PAGES = 2
    pdf = documents.make_pdf(["page un"], ["page deux"], ["page trois"])
    assert extract_text(pdf, "pdf").splitlines() == ["page un", "page deux"]


def _truncated_docx():
    data = documents.make_docx("Compte rendu complet")
    return data[: len(data) // 2]


def _lying_sizes_docx():
    """document.xml's headers claim 10 bytes; it inflates to far more (zipfile stops reading
    at the declared size, the CRC check then fails)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + "x" * 100_000 + "</w:document>")
    data = bytearray(buffer.getvalue())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local, central
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_length = struct.unpack_from("<H", data, start + offset + 4)[0]
            extra = 30 if signature == b"PK\x03\x04" else 46
            if data[start + extra : start + extra + name_length] == b"word/document.xml":
                struct.pack_into("<I", data, start + offset, 10)
            start += 4
    return bytes(data)


HOSTILE = {
    "zip bomb (200 Mo décompressés)": (documents.zip_bomb_docx, "docx", "décompressé"),
    "entités XML (billion laughs)": (documents.billion_laughs_docx, "docx", "DTDForbidden"),
    "PDF protégé par mot de passe": (
        lambda: documents.make_pdf(["secret"], password="motdepasse"),
        "pdf",
        "mot de passe",
    ),
    "PDF corrompu": (lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "pdf", "PDF"),
    "DOCX tronqué": (_truncated_docx, "docx", "archive"),
    "tailles mensongères": (_lying_sizes_docx, "docx", "CRC"),
    "ODT sans content.xml": (
        lambda: documents._zip({"META-INF/manifest.xml": "<m/>"}, first=("mimetype", "x")),
        "odt",
        "content.xml",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_yield_an_error_not_a_crash(case):
    build, kind, reason = HOSTILE[case]
    with pytest.raises(ExtractionError, match=reason):
        extract_text(build(), kind)


def test_too_many_entries_and_too_much_in_total_are_refused():
    parts = {f"word/media/{i}.xml": "<x/>" for i in range(30)}
    data = documents._zip({"word/document.xml": "<d/>", **parts})
    with pytest.raises(ExtractionError, match="entrées"):
        extract(data, "docx", Limits(max_entries=20))
    pptx = documents.make_pptx(*["diapositive"] * 5)
    with pytest.raises(ExtractionError, match="trop volumineuse"):
        extract(pptx, "pptx", Limits(max_unzipped_bytes=600))


def test_a_pdf_with_an_empty_user_password_is_read():
    """Protection against editing only (no password to open): anyone can read it."""
    data = documents.make_pdf([f"Le {WORD}"])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="", owner_password="proprietaire", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert WORD in extract_text(buffer.getvalue(), "pdf")


def test_a_child_out_of_time_is_stopped(settings):
    settings.DOCUMENT_TEXT_TIMEOUT = 0
    with pytest.raises(ExtractionError, match="délai dépassé"):
        extract_text(documents.make_docx(WORD), "docx")


# --- Upload, background reading, states -----------------------------------------------------


def upload(client, group, name, content, **fields):
    return client.post(
        reverse("groups:documents", args=[group.slug]),
        {"file": SimpleUploadedFile(name, content), "title": "", "folder": "", **fields},
    )


def test_upload_reads_the_text_after_commit(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, world["group"], "compte-rendu.docx", FORMATS["docx"]())
        assert response.status_code == 302
        version = DocumentVersion.objects.get()
        assert version.text_status == TextStatus.PENDING and version.text == ""  # not yet
    version.refresh_from_db()
    assert version.text_status == TextStatus.DONE
    assert WORD in version.text and version.text_extracted_at
    page = page_text(client.get(version.document.get_absolute_url()))
    assert "Texte extrait pour la recherche : oui" in " ".join(page.split())


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("corrompu.pdf", HOSTILE["PDF corrompu"][0]),
        ("protege.pdf", HOSTILE["PDF protégé par mot de passe"][0]),
    ],
)
def test_a_hostile_file_is_uploaded_but_its_text_is_not_read(
    client, world, django_capture_on_commit_callbacks, caplog, name, build
):
    client.force_login(world["member"])
    data = build()
    with (
        caplog.at_level(logging.WARNING, logger="groups.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = upload(client, world["group"], name, data)
    assert response.status_code == 302
    document = Document.objects.get(title=name)
    version = document.versions.get()
    assert version.text_status == TextStatus.FAILED and version.text == ""
    assert any("Texte illisible" in r.getMessage() for r in caplog.records)
    download = client.get(reverse("groups:download", args=[world["group"].slug, document.pk, 1]))
    assert b"".join(download.streaming_content) == data  # the file itself is intact
    page = page_text(client.get(document.get_absolute_url()))
    assert "non (fichier illisible" in page


def test_a_zip_bomb_disguised_as_a_docx_is_refused_at_upload(client, world):
    client.force_login(world["member"])
    response = upload(client, world["group"], "bombe.docx", documents.zip_bomb_docx())
    assert response.status_code == 200
    assert "une fois décompressé, son contenu serait démesuré" in page_text(response)
    assert not Document.objects.exists()


def test_images_are_not_read(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["member"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world["group"], "affiche.png", _png())
    version = DocumentVersion.objects.get()
    assert version.text_status == TextStatus.UNSUPPORTED
    page = page_text(client.get(version.document.get_absolute_url()))
    assert "non (format non lu" in page


def test_only_the_latest_version_is_read(world):
    group, member = world["group"], world["member"]
    document = services.upload_document(
        group, member, uploaded=SimpleUploadedFile("v1.txt", b"premier texte")
    )
    first = document.versions.get()
    services.add_version(document, member, uploaded=SimpleUploadedFile("v2.txt", b"second"))
    assert services.extract_version_text(first.pk) is None  # replaced before being read
    second = document.versions.get(number=2)
    assert services.extract_version_text(second.pk) == TextStatus.DONE
    assert services.extract_version_text(second.pk) is None  # already read
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.text_status, second.text) == (TextStatus.PENDING, "second")


# --- Command ---------------------------------------------------------------------------------


def test_command_reads_existing_documents_and_resumes(world, monkeypatch, settings):
    """Documents uploaded before the feature (or while the queue was down) are pending; the
    command reads them, is resumable after a crash, and --retry-failed retries failures."""
    group, member = world["group"], world["member"]
    docs = [
        services.upload_document(
            group,
            member,
            uploaded=SimpleUploadedFile(f"cr-{i}.docx", documents.make_docx(f"mot{i}")),
        )
        for i in range(3)
    ]
    services.upload_document(group, member, uploaded=SimpleUploadedFile("logo.png", _png()))
    # Not executed in tests without on_commit: everything is pending, as after the migration.
    assert set(DocumentVersion.objects.values_list("text_status", flat=True)) == {"pending"}

    import groups.services as group_services

    real_extract = group_services.extract_text
    calls = []

    def crash_on_second(data, kind):
        calls.append(kind)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator's Ctrl-C, the worker killed…
        return real_extract(data, kind)

    monkeypatch.setattr(group_services, "extract_text", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        call_command("extract_document_text", stdout=io.StringIO())
    monkeypatch.setattr(group_services, "extract_text", real_extract)
    states = {d.pk: d.versions.get().text_status for d in docs}
    assert list(states.values()) == ["done", "pending", "pending"]

    settings.DOCUMENT_TEXT_TIMEOUT = 0  # the next reading fails
    out = io.StringIO()
    call_command("extract_document_text", stdout=out)
    assert "Documents lus : 3/3" in out.getvalue()  # the first one is not read again
    assert "2 illisibles" in out.getvalue() and "1 formats non lus" in out.getvalue()

    out = io.StringIO()
    call_command("extract_document_text", stdout=out)
    assert "Aucun document à lire." in out.getvalue()

    settings.DOCUMENT_TEXT_TIMEOUT = 60
    out = io.StringIO()
    call_command("extract_document_text", "--retry-failed", stdout=out)
    assert "2 texte lu" in out.getvalue()
    texts = [d.versions.get().text for d in docs]
    assert texts == ["mot0", "mot1", "mot2"]


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, "PNG")
    return buffer.getvalue()
