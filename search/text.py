"""French text helpers shared by the database backend, snippets and "did you mean".

Elasticsearch does the same work with its analyzers (search/documents.py); these functions are
the database fallback's equivalent, kept deliberately simple and predictable.
"""

import html
import re
import unicodedata

# Elided articles and pronouns: "l'emploi", "d’insertion", "qu'il", "jusqu'à".
ELISION_RE = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)
WORD_RE = re.compile(r"[0-9a-z]+")
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "eux",
        "il",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "c",
        "d",
        "j",
        "l",
        "m",
        "n",
        "s",
        "t",
        "y",
        "est",
        "sont",
        "ete",
    ]
)


def fold(text):
    """Lowercase, no accents, no elisions: "L'Accès aux Crèches" -> "acces aux creches"."""
    text = ELISION_RE.sub(" ", text or "")
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("œ", "oe").replace("æ", "ae")


def light_stem(word):
    """Plural folding only ("mobilites" -> "mobilite", "travaux" -> "travau"): enough for the
    fallback to match what people type with what was written."""
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


def terms(text, keep_stop_words=False):
    """Folded, lightly stemmed words of `text`, in order."""
    words = WORD_RE.findall(fold(text))
    return [light_stem(w) for w in words if keep_stop_words or w not in STOP_WORDS]


def search_text(*parts):
    """The string the SQLite fallback matches with `contains`: " term term … " (leading and
    trailing spaces make " term" a word-prefix match)."""
    return " " + " ".join(t for part in parts for t in terms(part, keep_stop_words=True)) + " "


def _window_end(text, start, size):
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return end


def highlight(text, query_terms, size=180):
    """An HTML-safe snippet of `text` around the first query term, terms wrapped in <mark>.

    Matching is done on folded words (accents and plurals ignored) and by prefix, so "mobilite"
    highlights "Mobilités"."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    query_terms = [term for term in query_terms if term]
    folded_words = {}  # long texts (documents' contents) repeat their words: fold each once

    def matches(word):
        found = folded_words.get(word)
        if found is None:
            folded = light_stem(fold(word))
            found = folded_words[word] = len(folded) >= 2 and any(
                folded.startswith(term) or term.startswith(folded) for term in query_terms
            )
        return found

    spans = []
    start, end = 0, None
    for match in re.finditer(r"\w+", text) if query_terms else ():
        if end is not None and match.start() >= end:
            break  # past the snippet: the rest of a long text is not scanned
        if not matches(match.group()):
            continue
        if not spans:  # the first match places the window
            start = max(0, match.start() - size // 3)
            if start:  # start on a word boundary
                space = text.find(" ", start)
                start = space + 1 if 0 <= space < match.start() else start
            end = _window_end(text, start, size)
        spans.append(match.span())
    if end is None:
        end = _window_end(text, start, size)
    out = ["…" if start else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        out.append(html.escape(text[cursor:span_start]))
        out.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)


def excerpt(text, size=180):
    return highlight(text, [], size=size)


def stream_text(value):
    """Plain text of a StreamField / block value (rich text, structs, lists, strings)."""
    from django.utils.html import strip_tags

    if value is None:
        return ""
    source = getattr(value, "source", None)
    if isinstance(source, str):  # RichText
        return strip_tags(source)
    if isinstance(value, str):
        return strip_tags(value)
    if hasattr(value, "raw_data") or isinstance(value, list | tuple):  # StreamValue, ListValue
        return " ".join(stream_text(getattr(child, "value", child)) for child in value)
    if isinstance(value, dict):  # StructValue
        return " ".join(stream_text(child) for child in value.values())
    return ""


def html_text(value):
    from django.utils.html import strip_tags

    return " ".join(strip_tags(value or "").split())
