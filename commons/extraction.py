"""Text of uploaded documents, for search: PDF, Word/Excel/PowerPoint (OOXML), OpenDocument,
CSV and plain text. Images and Office 97-2003 files are not read (no OCR).

Files are hostile even after upload validation (commons.uploads checks the format, not the
content). The parsing therefore runs in a child Python process that this module starts on
itself (`extract_text`), with an address-space limit, a CPU-time limit and a wall-clock timeout:
a decompression bomb, a pathological PDF or a parser bug costs that process, never the worker.
Inside it: at most `max_chars` characters and `max_pages` pages (PDF pages, slides, sheets),
zip entries counted and their declared uncompressed sizes checked before anything is
decompressed (reads are capped as well), and XML parsed by defusedxml's expat driver with DTDs,
entities and external references forbidden.

This file is run as a script by path (`python -I commons/extraction.py`), so the extraction
half imports only the standard library, pypdf and defusedxml; Django is imported by the
parent-side function only.
"""

import contextlib
import io
import json
import re
import sys
import zipfile
from dataclasses import asdict, dataclass
from xml.sax.handler import ContentHandler

# Kinds of commons.uploads.KINDS whose text can be read.
SUPPORTED_KINDS = frozenset({"pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt"})


class ExtractionError(Exception):
    """The file cannot be read (corrupt, encrypted, over a limit, timed out)."""


@dataclass
class Limits:
    max_chars: int = 200_000
    max_pages: int = 500
    max_entries: int = 5_000  # zip entries
    max_member_bytes: int = 50 * 1024 * 1024  # declared uncompressed size of one XML part
    max_unzipped_bytes: int = 100 * 1024 * 1024  # all the parts read from one archive
    max_memory_bytes: int = 1024 * 1024 * 1024  # address space of the child process
    cpu_seconds: int = 60


# --- Output ------------------------------------------------------------------------------------


class _Full(Exception):
    """Raised by the output once max_chars is reached: stops every parser at once."""


class _Output:
    def __init__(self, max_chars):
        self.max_chars = max_chars
        self.pieces = []
        self.size = 0

    def add(self, piece):
        if not piece:
            return
        room = self.max_chars - self.size
        if len(piece) >= room:
            self.pieces.append(piece[:room])
            self.size = self.max_chars
            raise _Full
        self.pieces.append(piece)
        self.size += len(piece)

    def text(self):
        return clean("".join(self.pieces))[: self.max_chars]


# NUL and other control characters (PostgreSQL text cannot hold NUL), lone surrogates.
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def clean(text):
    """One line per paragraph, spaces collapsed, no empty lines, no control characters."""
    text = _UNWANTED.sub(" ", text)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


# --- XML (SAX, defused) ----------------------------------------------------------------------


class _Budget:
    """Zip-bomb guard: declared sizes are checked before a part is decompressed."""

    def __init__(self, archive, limits):
        self.archive = archive
        self.limits = limits
        self.used = 0
        if len(archive.infolist()) > limits.max_entries:
            raise ExtractionError(f"archive de plus de {limits.max_entries} entrées")

    def open(self, name):
        info = self.archive.getinfo(name)
        if info.flag_bits & 0x1:
            raise ExtractionError("archive chiffrée")
        if info.file_size > self.limits.max_member_bytes:
            raise ExtractionError(f"{name} : {info.file_size} octets une fois décompressé")
        self.used += info.file_size
        if self.used > self.limits.max_unzipped_bytes:
            raise ExtractionError("archive trop volumineuse une fois décompressée")
        return self.archive.open(info), info.file_size


def _parse(budget, name, handler):
    from defusedxml.expatreader import DefusedExpatParser

    parser = DefusedExpatParser(namespaceHandling=1, forbid_dtd=True)
    parser.setContentHandler(handler)
    stream, declared = budget.open(name)
    read = 0
    with stream:
        while chunk := stream.read(64 * 1024):
            read += len(chunk)
            if read > declared:  # zipfile stops at the declared size; belt and braces
                raise ExtractionError(f"{name} : taille déclarée dépassée")
            parser.feed(chunk)
    parser.close()


class _Collector(ContentHandler):
    """Characters inside `capture` elements (matched by local name); `blocks` end a line;
    `inline` elements stand for a character (tab, line break, spaces); `skip` elements and
    their content are ignored (deleted text of tracked changes, phonetic guides)."""

    def __init__(self, out, *, capture, blocks=(), inline=None, skip=()):
        super().__init__()
        self.out = out
        self.capture = frozenset(capture)
        self.blocks = frozenset(blocks)
        self.inline = inline or {}
        self.skip = frozenset(skip)
        self.depth = 0
        self.skipping = 0

    def startElementNS(self, name, qname, attrs):
        local = name[1]
        if local in self.skip:
            self.skipping += 1
        if self.skipping:
            return
        if local in self.capture:
            self.depth += 1
        if local in self.inline:  # also between runs (<w:tab/>); tab stops only add a space
            piece = self.inline[local]
            self.out.add(piece(attrs) if callable(piece) else piece)

    def endElementNS(self, name, qname):
        local = name[1]
        if local in self.skip:
            self.skipping -= 1
            return
        if self.skipping:
            return
        if local in self.capture:
            self.depth -= 1
        if local in self.blocks:
            self.out.add("\n")

    def characters(self, content):
        if self.depth and not self.skipping:
            self.out.add(content)


def _natural(name):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _parts(archive, pattern):
    return sorted((n for n in archive.namelist() if re.fullmatch(pattern, n)), key=_natural)


def _docx(archive, budget, out, limits):
    names = ["word/document.xml", *_parts(archive, r"word/(footnotes|endnotes)\.xml")]
    for name in names:
        _parse(
            budget,
            name,
            _Collector(
                out,
                capture={"t"},
                blocks={"p"},
                inline={"tab": "\t", "br": "\n", "cr": "\n"},
                skip={"delText", "instrText"},
            ),
        )
        out.add("\n")


def _pptx(archive, budget, out, limits):
    slides = _parts(archive, r"ppt/slides/slide\d+\.xml")[: limits.max_pages]
    notes = _parts(archive, r"ppt/notesSlides/notesSlide\d+\.xml")[: limits.max_pages]
    for name in slides + notes:
        _parse(budget, name, _Collector(out, capture={"t"}, blocks={"p"}, inline={"br": "\n"}))
        out.add("\n")


class _SharedStrings(ContentHandler):
    """xl/sharedStrings.xml: one string per <si>, runs joined, phonetic guides left out.
    Collection stops at max_chars: cells referring beyond are left out."""

    def __init__(self, max_chars):
        super().__init__()
        self.strings = []
        self.max_chars = max_chars
        self.size = 0
        self.current = None
        self.in_text = self.phonetic = 0

    def startElementNS(self, name, qname, attrs):
        local = name[1]
        if local == "si":
            self.current = []
        elif local == "rPh":
            self.phonetic += 1
        elif local == "t":
            self.in_text += 1

    def endElementNS(self, name, qname):
        local = name[1]
        if local == "si" and self.current is not None:
            value = "".join(self.current)
            self.strings.append(value)
            self.size += len(value)
            self.current = None
            if self.size >= self.max_chars:
                raise _Full
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "t":
            self.in_text -= 1

    def characters(self, content):
        if self.current is not None and self.in_text and not self.phonetic:
            self.current.append(content)


class _Sheet(ContentHandler):
    """A worksheet: cell values (shared strings resolved), a tab between cells, a line per
    row."""

    def __init__(self, out, shared):
        super().__init__()
        self.out = out
        self.shared = shared
        self.kind = None
        self.value = []
        self.capturing = 0
        self.phonetic = 0

    def startElementNS(self, name, qname, attrs):
        local = name[1]
        if local == "c":
            self.kind = attrs.get((None, "t"), "n")
            self.value = []
        elif local == "rPh":
            self.phonetic += 1
        elif local in ("v", "t"):
            self.capturing += 1

    def endElementNS(self, name, qname):
        local = name[1]
        if local == "c":
            value = "".join(self.value).strip()
            if self.kind == "s":
                index = int(value) if value.isdigit() else -1
                value = self.shared[index] if 0 <= index < len(self.shared) else ""
            elif self.kind in ("b", "e"):  # booleans and error codes say nothing searchable
                value = ""
            if value:
                self.out.add(value + "\t")
            self.kind = None
        elif local == "row":
            self.out.add("\n")
        elif local == "rPh":
            self.phonetic -= 1
        elif local in ("v", "t"):
            self.capturing -= 1

    def characters(self, content):
        if self.kind is not None and self.capturing and not self.phonetic:
            self.value.append(content)


class _Workbook(ContentHandler):
    """xl/workbook.xml and its relationships: the sheets' names and parts, in tab order."""

    def __init__(self):
        super().__init__()
        self.sheets = []  # (name, relationship id)
        self.targets = {}  # relationship id -> target

    def startElementNS(self, name, qname, attrs):
        local = name[1]
        if local == "sheet":
            rid = next((v for (ns, n), v in attrs.items() if n == "id" and ns), "")
            self.sheets.append((attrs.get((None, "name"), ""), rid))
        elif local == "Relationship":
            self.targets[attrs.get((None, "Id"), "")] = attrs.get((None, "Target"), "")


def _xlsx(archive, budget, out, limits):
    shared = _SharedStrings(limits.max_chars)
    if "xl/sharedStrings.xml" in archive.namelist():
        with contextlib.suppress(_Full):  # enough strings for max_chars
            _parse(budget, "xl/sharedStrings.xml", shared)
    workbook = _Workbook()
    _parse(budget, "xl/workbook.xml", workbook)
    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        _parse(budget, "xl/_rels/workbook.xml.rels", workbook)
    names = set(archive.namelist())
    for title, rid in workbook.sheets[: limits.max_pages]:
        target = workbook.targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        part = re.sub(r"[^/]+/\.\./", "", part)
        if part not in names:
            continue
        out.add(f"{title}\n")
        _parse(budget, part, _Sheet(out, shared.strings))
        out.add("\n")


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _odf(archive, budget, out, limits):
    _parse(
        budget,
        "content.xml",
        _Collector(
            out,
            capture={"body"},
            blocks={"p", "h", "table-row"},
            inline={
                "tab": "\t",
                "line-break": "\n",
                "s": lambda attrs: " " * min(int(attrs.get((_ODF_TEXT, "c"), "1") or 1), 100),
                "table-cell": " ",
            },
            skip={"tracked-changes"},
        ),
    )


_ZIP_READERS = {
    "docx": _docx,
    "xlsx": _xlsx,
    "pptx": _pptx,
    "odt": _odf,
    "ods": _odf,
    "odp": _odf,
}


def _zip(data, kind, out, limits):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise ExtractionError(f"archive illisible : {error}") from error
    with archive:
        budget = _Budget(archive, limits)
        try:
            _ZIP_READERS[kind](archive, budget, out, limits)
        except KeyError as error:  # a required part is missing
            raise ExtractionError(f"partie manquante : {error}") from error
        except zipfile.BadZipFile as error:  # bad CRC, truncated entry
            raise ExtractionError(f"archive corrompue : {error}") from error


# --- PDF, text ---------------------------------------------------------------------------------


def _pdf(data, out, limits):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # An empty user password (restrictions only) opens for anyone: read it.
            try:
                opened = reader.decrypt("")
            except (PyPdfError, NotImplementedError) as error:
                raise ExtractionError(f"PDF chiffré : {error}") from error
            if not opened:
                raise ExtractionError("PDF protégé par un mot de passe")
        for number, page in enumerate(reader.pages):
            if number >= limits.max_pages:
                break
            out.add(page.extract_text() or "")
            out.add("\n")
    except PyPdfError as error:
        raise ExtractionError(f"PDF illisible : {type(error).__name__}: {error}") from error


def _plain(data, out):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3:  # a character cut by the read limit
            text = data[: error.start].decode("utf-8-sig")
        else:  # same fallback as commons.uploads
            text = data.decode("cp1252", errors="replace")
    out.add(text)


def extract(data, kind, limits=None):
    """The text of `data`, a file of `kind` (a commons.uploads kind). Runs in the current
    process: use `extract_text` for files from users."""
    limits = limits or Limits()
    if kind not in SUPPORTED_KINDS:
        raise ExtractionError(f"format non pris en charge : {kind}")
    out = _Output(limits.max_chars)
    try:
        if kind == "pdf":
            _pdf(data, out, limits)
        elif kind in ("csv", "txt"):
            _plain(data[: limits.max_chars * 4], out)
        else:
            _zip(data, kind, out, limits)
    except _Full:
        pass
    except ExtractionError:
        raise
    except Exception as error:  # expat, zlib, struct, recursion…: all mean "unreadable"
        raise ExtractionError(f"{type(error).__name__}: {error}") from error
    return out.text()


# --- Child process -------------------------------------------------------------------------


def _confine(limits):
    import resource

    memory = limits.max_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv):
    import logging
    import warnings

    logging.disable(logging.CRITICAL)  # pypdf logs every repaired oddity
    warnings.simplefilter("ignore")
    kind, limits = argv[1], Limits(**json.loads(argv[2]))
    _confine(limits)
    data = sys.stdin.buffer.read()
    try:
        text = extract(data, kind, limits)
    except ExtractionError as error:
        sys.stderr.write(str(error)[:1000])
        return 2
    sys.stdout.buffer.write(text.encode("utf-8", errors="replace"))
    return 0


def extract_text(data, kind):
    """The text of an uploaded file, read in a confined child process (settings
    DOCUMENT_TEXT_*). Raises ExtractionError for an unreadable file."""
    import subprocess

    from django.conf import settings

    limits = Limits(
        max_chars=settings.DOCUMENT_TEXT_MAX_CHARS,
        max_pages=settings.DOCUMENT_TEXT_MAX_PAGES,
        max_memory_bytes=settings.DOCUMENT_TEXT_MAX_MEMORY,
        cpu_seconds=settings.DOCUMENT_TEXT_TIMEOUT,
    )
    if kind not in SUPPORTED_KINDS:
        raise ExtractionError(f"format non pris en charge : {kind}")
    # -I: isolated mode (no PYTHON* variables, no user site, not the current directory).
    command = [sys.executable, "-I", __file__, kind, json.dumps(asdict(limits))]
    try:
        done = subprocess.run(  # noqa: S603 (fixed command, no shell; the file goes to stdin)
            command,
            input=data,
            capture_output=True,
            timeout=settings.DOCUMENT_TEXT_TIMEOUT * 2,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise ExtractionError(f"délai dépassé ({error.timeout:g} s)") from error
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", errors="replace").strip()[-500:]
        raise ExtractionError(reason or f"processus d'extraction arrêté ({done.returncode})")
    return done.stdout.decode("utf-8", errors="replace")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
