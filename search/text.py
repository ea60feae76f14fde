"""The French analysis pipeline shared by the three backends, snippets and "did you mean".

One order everywhere (Elasticsearch does the same in its `fr` analyzer, search/documents.py):
1. normalise: typographic apostrophes to "'", elided articles and pronouns removed ("l'emploi",
   "d’insertion", "qu'il"), lowercase, accents and ligatures folded — before tokenising, so
   "L’Accès" and "l'acces" are the same word;
2. tokenise on anything that is not a letter or a digit (hyphens included: "Tremblay-en-France");
3. stop words, compared with the normalised form ("à" is "a", a stop word);
4. stem: plural folded ("vélos" = "vélo", "emplois" = "emploi"), then the French Snowball
   stemmer (`snowballstemmer`, the algorithm of PostgreSQL's `french_stem` and Elasticsearch's
   `snowball` filter), except for protected words it would conflate ("français" and "France"
   both become "franc").
The database backends index the output (PostgreSQL `simple` tsvector, SQLite FTS5), so index
and query sides cannot drift apart.
"""

import functools
import html
import re

import snowballstemmer

from commons.french import without_accents

APOSTROPHES_RE = re.compile("[\u2019\u02bc\u2018\u00b4`]")
# Elided articles and pronouns: "l'emploi", "d'insertion", "qu'il", "jusqu'à".
ELISION_RE = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'", re.IGNORECASE)
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
# Words of a question that say nothing about the subject; dropped from queries only.
QUERY_STOP_WORDS = STOP_WORDS | frozenset(
    ["comment", "quel", "quelle", "quels", "quelles", "pourquoi", "combien", "quoi"]
)
# Words the stemmer conflates with an unrelated one: folded word -> its own stem.
PROTECTED = {
    "francais": "francais",
    "francaise": "francais",
    "francaises": "francais",
    "france": "france",
}
_stemmer = snowballstemmer.stemmer("french")


def normalize(text):
    """Lowercase, no accents, no elisions: "L’Accès aux Crèches" -> "acces aux creches"."""
    text = APOSTROPHES_RE.sub("'", text or "")
    text = ELISION_RE.sub(" ", text)
    text = without_accents(text.lower())
    return text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")


fold = normalize


def words(text, stop_words=STOP_WORDS):
    """Normalised words of `text`, in order, stop words removed."""
    return [w for w in WORD_RE.findall(normalize(text)) if w not in stop_words]


def light_stem(word):
    """Plural folding only ("mobilites" -> "mobilite"): used for highlighting by prefix."""
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


@functools.lru_cache(maxsize=200_000)
def stem(word):
    """The stem of a normalised word (cached: a corpus has far fewer words than tokens)."""
    if word in PROTECTED:
        return PROTECTED[word]
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        word = word[:-1]  # "velos" -> "velo", "emplois" -> "emploi": Snowball keeps these
    return _stemmer.stemWord(word)


def analyze(text):
    """Stems of `text`, in order: what the database backends index and query."""
    return [stem(w) for w in words(text)]


def analyzed(text):
    return " ".join(analyze(text))


def terms(text, keep_stop_words=False):
    """Normalised, plural-folded words of `text` (highlighting)."""
    found = WORD_RE.findall(normalize(text))
    return [light_stem(w) for w in found if keep_stop_words or w not in STOP_WORDS]


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
