"""Upload validation by content (magic bytes), never by extension or declared type.

A file whose bytes do not match an allowed format, whose name tries path tricks, or which is too
large is refused with a French message; callers then store nothing.
"""

import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from commons.french import file_size


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    mime: str
    extensions: tuple[str, ...]


KINDS = {
    kind.key: kind
    for kind in [
        FileKind("pdf", "PDF", "application/pdf", ("pdf",)),
        FileKind("png", "image PNG", "image/png", ("png",)),
        FileKind("jpeg", "image JPEG", "image/jpeg", ("jpg", "jpeg")),
        FileKind("gif", "image GIF", "image/gif", ("gif",)),
        FileKind("webp", "image WebP", "image/webp", ("webp",)),
        FileKind(
            "docx",
            "document Word",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        FileKind(
            "xlsx",
            "classeur Excel",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
        ),
        FileKind(
            "pptx",
            "présentation PowerPoint",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
        ),
        FileKind(
            "odt", "document OpenDocument", "application/vnd.oasis.opendocument.text", ("odt",)
        ),
        FileKind(
            "ods",
            "classeur OpenDocument",
            "application/vnd.oasis.opendocument.spreadsheet",
            ("ods",),
        ),
        FileKind(
            "odp",
            "présentation OpenDocument",
            "application/vnd.oasis.opendocument.presentation",
            ("odp",),
        ),
        FileKind("ole", "document Office 97-2003", "application/msword", ("doc", "xls", "ppt")),
        FileKind("csv", "fichier CSV", "text/csv", ("csv",)),
        FileKind("txt", "texte", "text/plain", ("txt",)),
    ]
}
DOCUMENT_KINDS = frozenset(KINDS)
# DOCUMENT_KINDS as people name them (forms' hints, refusals), not as 13 technical labels.
# The images named: an SVG logo is an image to whoever sends it, and it is refused (walk 12g).
DOCUMENT_FORMATS = (
    "PDF, Word, Excel, PowerPoint, LibreOffice, images JPEG, PNG, GIF ou WebP, texte ou CSV"
)
KIND_BY_MIME = {kind.mime: kind.key for kind in KINDS.values()}
IMAGE_KINDS = frozenset({"png", "jpeg", "gif", "webp"})

_OOXML = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_HEAD = 8192


def _sniff_zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "mimetype" in names:
        return _ODF.get(archive.read("mimetype").strip())
    if "[Content_Types].xml" in names:
        for prefix, key in _OOXML.items():
            if any(name.startswith(prefix) for name in names):
                return key
    return None


def _sniff_text(head, extension):
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return None
    if re.search(r"<\s*(script|svg|html|iframe|!doctype)", text, re.IGNORECASE):
        return None  # markup disguised as text
    return "csv" if extension == "csv" else "txt"


def sniff(uploaded, extension=""):
    """The FileKind key matching the file's bytes, or None."""
    uploaded.seek(0)
    head = uploaded.read(_HEAD)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        data = uploaded.read()
        uploaded.seek(0)
        return _sniff_zip(data)
    if extension in ("csv", "txt"):
        return _sniff_text(head, extension)
    return None


def safe_filename(name, max_length=120):
    """A display/storage name without directories, control characters or leading dots."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "", name).strip().lstrip(".")
    if not name:
        return "fichier"
    stem, dot, extension = name.rpartition(".")
    if not dot:
        return name[:max_length]
    return f"{stem[: max_length - len(extension) - 1]}.{extension.lower()}"


ZIP_KINDS = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp"})
# Office XML compresses 5 to 30 times (a sparse spreadsheet up to ~100), images and fonts hardly
# at all: a large part inflating more than this was built to explode, not written by an office
# suite. Small parts may compress further (a blank sheet) and cost nothing.
MAX_ZIP_RATIO = 250
RATIO_CHECKED_FROM = 10 * 1024 * 1024
MAX_ZIP_ENTRIES = 5_000
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024


def check_archive(uploaded):
    """Refuse an office document whose zip container would inflate beyond reason (a zip bomb
    disguised as a DOCX), from the sizes its directory declares. The text extractor also
    counts the bytes it actually inflates (commons.extraction), for headers that lie."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValidationError(
            "Le fichier est endommagé : son archive ne peut pas être lue."
        ) from error
    finally:
        uploaded.seek(0)
    total = sum(entry.file_size for entry in entries)
    ratios = (
        entry.file_size / max(entry.compress_size, 1)
        for entry in entries
        if entry.file_size >= RATIO_CHECKED_FROM
    )
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or total > MAX_UNZIPPED_BYTES
        or any(ratio > MAX_ZIP_RATIO for ratio in ratios)
    ):
        raise ValidationError(
            "Ce fichier est refusé : une fois décompressé, son contenu serait démesuré "
            f"({file_size(total)}). Enregistrez-le de nouveau depuis votre logiciel de "
            "bureautique ou envoyez-le en PDF."
        )


def validate_upload(uploaded, *, allowed=DOCUMENT_KINDS, max_bytes):
    """Return the FileKind of `uploaded` or raise ValidationError with a French message."""
    if uploaded is None:
        raise ValidationError("Aucun fichier n'a été envoyé.")
    if uploaded.size == 0:
        raise ValidationError("Le fichier est vide.", code="empty")
    if uploaded.size > max_bytes:
        raise ValidationError(
            f"Le fichier pèse {file_size(uploaded.size)} : la taille maximale est de "
            f"{file_size(max_bytes)}.",
            code="too_big",
        )
    name = safe_filename(uploaded.name)
    extension = os.path.splitext(name)[1].lstrip(".").lower()
    key = sniff(uploaded, extension)
    # In KINDS' order (PDF, images, Office, OpenDocument, CSV, text): related formats together.
    accepted = ", ".join(dict.fromkeys(kind.label for key, kind in KINDS.items() if key in allowed))
    if key is None or key not in allowed:
        raise ValidationError(
            f"Ce type de fichier n'est pas accepté (le contenu ne correspond à aucun format "
            f"autorisé). Formats acceptés : {accepted}.",
            code="type",
        )
    kind = KINDS[key]
    if extension not in kind.extensions:
        raise ValidationError(
            f"L'extension « .{extension or '?'} » ne correspond pas au contenu du fichier "
            f"({kind.label}).",
            code="extension",
        )
    if key in ZIP_KINDS:
        check_archive(uploaded)
    return kind


def image_thumbnail(uploaded, *, size=(320, 320)):
    """A small JPEG copy of an image upload (already validated), as bytes, or None when the
    image cannot be read (corrupt, too many pixels: Pillow refuses decompression bombs)."""
    from PIL import Image, UnidentifiedImageError

    uploaded.seek(0)
    try:
        with Image.open(uploaded) as image:
            image.thumbnail(size)
            image = image.convert("RGBA")
            flat = Image.new("RGB", image.size, "white")  # transparency on white
            flat.paste(image, mask=image.getchannel("A"))
            output = io.BytesIO()
            flat.save(output, format="JPEG", quality=80)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return None
    finally:
        uploaded.seek(0)
    return output.getvalue()
