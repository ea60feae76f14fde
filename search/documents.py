"""Elasticsearch mapping: the French analysis chain and one Document class per content kind.

All kinds live in one index (behind an alias, see backends/elastic.py) so that one query ranks
and counts them together; kind-specific fields are declared on each kind's Document class and
merged into the index mapping.

Analysis chain (`fr`): apostrophes replaced by spaces (so "l'emploi" and "l’emploi" both split,
keeping offsets exact for highlighting), the standard tokenizer, `elision`, lowercase, ASCII
folding (accents optional), an explicit French stop list, and a French stemmer (light_french by
default; see ELASTICSEARCH_FRENCH_STEMMER). `fr_prefix` adds edge n-grams for suggestions as you
type; `fr_folded` (no stemming) feeds "did you mean".
"""

from django.conf import settings
from elasticsearch.dsl import (
    Date,
    Document,
    Index,
    InnerDoc,
    Integer,
    Keyword,
    Object,
    Text,
    analyzer,
    char_filter,
    token_filter,
)

from search.text import PROTECTED, STOP_WORDS

# Normalisation before tokenisation, one character for one so highlight offsets stay exact:
# typographic apostrophes become "'", then elided articles and pronouns ("l'", "qu'",
# "jusqu'") become spaces. The `elision` token filter does the same on Elasticsearch; some
# Elasticsearch-API servers ignore it at index time, the character filters work everywhere.
apostrophes = char_filter(
    "fr_apostrophes", type="pattern_replace", pattern="[’ʼ‘´`]", replacement="'"
)
ELISIONS = {
    "fr_elision_1": ("(?i)\\b[ldjmnstc]'", 2),
    "fr_elision_qu": ("(?i)\\bqu'", 3),
    "fr_elision_jusqu": ("(?i)\\bjusqu'", 6),
    "fr_elision_7": ("(?i)\\b(?:lorsqu|puisqu|quoiqu)'", 7),
}
elisions = [
    char_filter(name, type="pattern_replace", pattern=pattern, replacement=" " * size)
    for name, (pattern, size) in ELISIONS.items()
]
CHAR_FILTERS = [apostrophes, *elisions]
elision = token_filter(
    "fr_elision",
    type="elision",
    articles_case=True,
    articles=["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
)
# Written out rather than `_french_`: some Elasticsearch-compatible servers ignore named lists.
stop = token_filter("fr_stop", type="stop", stopwords=sorted(STOP_WORDS))
edge = token_filter("fr_edge", type="edge_ngram", min_gram=2, max_gram=20)
# search.text.stem: plurals folded before the stemmer ("velos" -> "velo"), and words the
# stemmer conflates kept apart ("francais" / "france").
plural = token_filter(
    "fr_plural", type="pattern_replace", pattern="^(.{2,}[^s])[sx]$", replacement="$1"
)
protected = token_filter(
    "fr_protected",
    type="stemmer_override",
    rules=[f"{word} => {target}" for word, target in sorted(PROTECTED.items())],
)


def french_stemmer():
    """The Snowball French stemmer (the one search.text uses for the database backends) unless
    configured otherwise ("light_french", "minimal_french": Elasticsearch's stemmers)."""
    name = getattr(settings, "ELASTICSEARCH_FRENCH_STEMMER", "snowball")
    if name == "snowball":
        return token_filter("fr_stemmer", type="snowball", language="French")
    return token_filter("fr_stemmer", type="stemmer", language=name)


def analyzers():
    stemmer = french_stemmer()
    fr = analyzer(
        "fr",
        char_filter=CHAR_FILTERS,
        tokenizer="standard",
        filter=[elision, "lowercase", "asciifolding", stop, protected, plural, stemmer],
    )
    fr_folded = analyzer(
        "fr_folded",
        char_filter=CHAR_FILTERS,
        tokenizer="standard",
        filter=[elision, "lowercase", "asciifolding"],
    )
    fr_prefix = analyzer(
        "fr_prefix",
        char_filter=CHAR_FILTERS,
        tokenizer="standard",
        filter=[elision, "lowercase", "asciifolding", edge],
    )
    return fr, fr_folded, fr_prefix


def analysis_settings():
    """The index's `analysis` settings, built when an index is created (so the configured
    stemmer applies); mappings refer to the analyzers by name."""
    merged = {}
    for item in analyzers():
        for section, definitions in item.get_analysis_definition().items():
            merged.setdefault(section, {}).update(definitions)
        merged.setdefault("analyzer", {})[item._name] = item.get_definition()
    return merged


def _title_field():
    return Text(
        analyzer="fr",
        fields={
            "prefix": Text(analyzer="fr_prefix", search_analyzer="fr_folded"),
            "folded": Text(analyzer="fr_folded"),
            "raw": Keyword(),
        },
    )


def _text():
    return Text(analyzer="fr")


class ContentDocument(Document):
    """Fields every kind shares (the API's result format is built from them)."""

    kind = Keyword()
    source = Keyword()
    slug = Keyword()
    url = Keyword(index=False)
    title = _title_field()
    summary = _text()
    body = _text()
    spell = Text(analyzer="fr_folded")  # title + summary, unstemmed, for "did you mean"
    themes = Keyword()
    publics = Keyword()
    region = Keyword()
    cite = Keyword()
    date = Date()
    audience = Keyword()  # who may see it (see search.registry)
    # "type:<kind>", "theme:<slug>", "region:<code>": one terms aggregation counts every facet
    # in a single pass over the matches instead of one pass per facet.
    facets = Keyword()

    # Subclasses only add fields; they never declare their own index.
    extra_fields = ()


class FicheDocument(ContentDocument):
    porteur = _text()
    funding = Keyword()
    extra_fields = ("porteur", "funding")


class ActionDocument(ContentDocument):
    territory = _text()
    partners = _text()
    extra_fields = ("territory", "partners")


class CiteDocument(ContentDocument):
    departement = Keyword()
    qpv = _text()
    extra_fields = ("departement", "qpv")


class Speaker(InnerDoc):
    name = _text()
    cite = Keyword()


class CafeDocument(ContentDocument):
    number = Integer()
    status = Keyword()
    speakers = Object(Speaker)
    extra_fields = ("number", "status", "speakers")


class BreveDocument(ContentDocument):
    bulletin_number = Integer()
    extra_fields = ("bulletin_number",)


class GroupContentDocument(ContentDocument):
    group = Keyword()
    folder = Keyword()
    extra_fields = ("group", "folder")


DOCUMENT_CLASSES = [
    ContentDocument,
    FicheDocument,
    ActionDocument,
    CiteDocument,
    CafeDocument,
    BreveDocument,
    GroupContentDocument,
]


# Bumped whenever the mapping or the analysis changes: an index built by an older version keeps
# answering, but `search_pending` and /sante/ ask for `rebuild_search_index`.
# 2: the combined `facets` field. 3: the query pipeline's analysis (elision character filters,
# plurals, protected words, Snowball by default).
MAPPING_VERSION = 3


def build_index(name):
    """An Index object carrying the analysis settings and the merged mapping of every kind."""
    index = Index(name)
    index.settings(
        number_of_shards=1,
        number_of_replicas=settings.ELASTICSEARCH_REPLICAS,
        analysis=analysis_settings(),
    )
    for document in DOCUMENT_CLASSES:
        index.document(document)
    index.get_or_create_mapping().meta("_meta", mapping_version=MAPPING_VERSION)
    return index


def facet_tokens(kind, themes, region):
    tokens = [f"type:{kind}", *(f"theme:{theme}" for theme in themes)]
    if region:
        tokens.append(f"region:{region}")
    return tokens


def to_document(entry, source, document_class=ContentDocument):
    fields = {
        "kind": entry.kind,
        "source": source,
        "slug": str(entry.slug),
        "url": entry.url,
        "title": entry.title,
        "summary": entry.summary,
        "body": entry.body,
        "spell": f"{entry.title} {entry.summary}",
        "themes": entry.themes,
        "publics": entry.publics,
        "region": entry.region or None,
        "cite": entry.cite or None,
        "date": entry.date,
        "audience": entry.audience,
        "facets": facet_tokens(entry.kind, entry.themes, entry.region),
    }
    for name in document_class.extra_fields:
        if name in entry.extra:
            fields[name] = entry.extra[name]
    return document_class(meta={"id": entry.key}, **fields)
