"""A second stage shared by the three backends: the first candidates reordered in Python.

Each backend (PostgreSQL, SQLite FTS5, Elasticsearch) returns its own ranking of the documents
its user may see; the first RERANK_DEPTH of them are then scored again here, the same way for
the three, from the analysed fields of the search.Entry mirror (stems of the title, summary and
body: search.text, the pipeline's own analysis) and the query plan (search.pipeline):
- BM25 per field (title, summary, body), from document frequencies of the index (cached);
- the share of the query (weighted by rarity) found in the title, and anywhere;
- the share of the query found in the summary and in the document's themes and publics
  (the words of their slugs: "femmes", "competences-numeriques");
- pairs of consecutive query words found side by side;
- the share of the query found through the thesaurus, only through it, and in the title;
- how many of the backend's first ten share the document's theme and public (the query's
  subject, told by its best matches);
- the backend's own rank.
A linear combination of these (WEIGHTS, fitted on the development half of the evaluation set
only, search/eval/dev.json) orders the candidates *within* the backend's tiers: a document
matching only synonyms stays below every document matching a word typed. Nothing is added or
removed: privacy filtering stays in the backend's query, this stage only reorders.
"""

import functools
import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from search.text import analyze

# How many of the backend's first candidates are reordered (the rest keep the backend order).
RERANK_DEPTH = 60
# Only the beginning of a long body's stems is read (a document's file can be 200,000
# characters; the bodies of the evaluation corpus are under 700).
BODY_CHARS = 5_000
STATS_CACHE_SECONDS = 600
BM25_K1 = 1.2
BM25_B = 0.75
FIELDS = ("title", "summary", "body")
# Fitted on search/eval/dev.json (coordinate ascent on the mean nDCG@10 of the three backends).
WEIGHTS = {
    "bm25_title": 1.0,
    "bm25_summary": 2.0,
    "bm25_body": 1.5,
    "cover_title": 1.5,
    "cover_summary": 0.1,
    "cover_any": 0.75,
    "pairs_any": 0.5,
    "synonym_only": 0.75,
    "synonym_any": 0.1,
    "synonym_title": 0.25,
    "labels_cover": 3.0,
    "theme_coherence": 1.5,
    "public_coherence": 1.0,
    "backend_rank": -0.25,
}
# The themes and publics of this many first candidates say what the query is about.
COHERENCE_TOP = 10
FEATURES = tuple(WEIGHTS)


@dataclass
class Candidate:
    """A document the backend returned, with its analysed fields (space-separated stems)."""

    ref: object  # the backend's handle (a row, a hit)
    key: str
    kind: str
    title: str
    summary: str
    body: str
    tier: int = 1  # 1: matches a word typed (or its typo variants); 0: synonyms only
    themes: str = ""  # packed slugs, "|mobilite|logement|"
    publics: str = ""


def enabled():
    """SEARCH_RERANK (default True): False keeps each backend's own order (measurements)."""
    return getattr(settings, "SEARCH_RERANK", True)


def mirror_fields(field, values):
    """{value of `field`: (kind, title, summary, body stems)} of these search.Entry rows, in
    one query (the body cut to BODY_CHARS by the database)."""
    from django.db.models.functions import Substr

    from search.models import Entry

    rows = (
        Entry.objects.filter(**{f"{field}__in": list(values)})
        .annotate(body_start=Substr("body_terms", 1, BODY_CHARS))
        .values_list(
            field, "kind", "title_terms", "summary_terms", "body_start", "themes", "publics"
        )
    )
    return {row[0]: row[1:] for row in rows}


def reorder(plan, refs, ids, tiers, field="pk"):
    """`refs` (a backend's results, its order) with the first RERANK_DEPTH reordered; `ids`
    and `tiers` are their search.Entry `field` values and tiers."""
    if not enabled() or plan is None or len(refs) < 2:
        return list(refs)
    depth = min(len(refs), RERANK_DEPTH)
    found = mirror_fields(field, ids[:depth])
    candidates = []
    for ref, value, tier in zip(refs[:depth], ids[:depth], tiers[:depth], strict=True):
        kind, title, summary, body, themes, publics = found.get(value, ("",) * 6)
        candidates.append(
            Candidate(
                ref=ref,
                key=str(value),
                kind=kind,
                title=title or "",
                summary=summary or "",
                body=body or "",
                tier=tier,
                themes=themes or "",
                publics=publics or "",
            )
        )
    ordered = rerank(plan, candidates)
    return [candidate.ref for candidate in ordered] + list(refs[depth:])


# --- Corpus statistics ----------------------------------------------------------------------


def _key(name):
    return "search:rerank:" + hashlib.sha1(name.encode()).hexdigest()  # noqa: S324 (a key)


# Statistics already read by this process: {cache key: (expiry, value)}.
_local = {}
LOCAL_SECONDS = 60


def statistics(stems):
    """(documents, {stem: document frequency}, {field: average length in characters}) of the
    whole index (every audience: a ranking statistic, never shown), cached for a few minutes
    (and for a minute in the process: no round trip at all for the words of recent queries)."""
    keys = {stem: _key("df:" + stem) for stem in stems}
    keys["*"] = _key("totals")
    now = time.monotonic()
    cached = {}
    for key in keys.values():
        found = _local.get(key)
        if found is not None and found[0] > now:
            cached[key] = found[1]
    if len(cached) < len(keys):
        cached.update(cache.get_many([key for key in keys.values() if key not in cached]))
    missing = {name: key for name, key in keys.items() if key not in cached}
    if missing:
        with connection.cursor() as cursor:
            for name, key in missing.items():
                if name == "*":
                    cursor.execute(
                        "SELECT count(*), avg(length(title_terms)), avg(length(summary_terms)), "
                        "avg(length(body_terms)) FROM search_entry"
                    )
                    cached[key] = [float(value or 0) for value in cursor.fetchone()]
                elif connection.vendor == "postgresql":
                    cursor.execute(
                        "SELECT count(*) FROM search_entry "
                        "WHERE search_vector @@ to_tsquery('simple', %s)",
                        [name],
                    )
                    cached[key] = cursor.fetchone()[0]
                else:
                    cursor.execute(
                        "SELECT count(*) FROM search_entry_fts WHERE search_entry_fts MATCH %s",
                        ['"' + name.replace('"', "") + '"'],
                    )
                    cached[key] = cursor.fetchone()[0]
        cache.set_many({key: cached[key] for key in missing.values()}, STATS_CACHE_SECONDS)
    if len(_local) > 10_000:
        _local.clear()
    for key in keys.values():
        if key not in _local or _local[key][0] <= now:
            _local[key] = (now + LOCAL_SECONDS, cached[key])
    total, *lengths = cached[keys["*"]]
    averages = {field: max(1.0, length) for field, length in zip(FIELDS, lengths, strict=True)}
    return int(total), {stem: cached[keys[stem]] for stem in stems}, averages


# --- Features -------------------------------------------------------------------------------


def _plan_stems(plan):
    stems = set()
    for term in plan.terms:
        stems.update(term.stems)
    for alternative in plan.alternatives:
        stems.update(alternative.stems)
    return sorted(stems)


def _term_matcher(term):
    """(stems matching the word, prefix matching it or "")."""
    return frozenset(term.stems), term.stem if term.prefix and len(term.stem) >= 3 else ""


def _positions(tokens, matcher):
    group, prefix = matcher
    found = set()
    for token in tokens if prefix else group:
        if token in tokens and (token in group or token.startswith(prefix)):
            found.update(tokens[token])
    return found


def _contains(tokens, where, sequence):
    """Whether `sequence` (stems) appears in `tokens` (`where`: token -> its positions)."""
    size = len(sequence)
    return any(tokens[start : start + size] == sequence for start in where.get(sequence[0], ()))


def query_model(plan, stats):
    """What the features need of the plan: per word a matcher and its rarity (idf)."""
    total, frequencies, averages = stats
    idf = []
    for term in plan.terms:
        df = max((frequencies.get(stem, 0) for stem in term.stems), default=0)
        idf.append(math.log(1 + (total - df + 0.5) / (df + 0.5)))
    return {
        "matchers": [_term_matcher(term) for term in plan.terms],
        "idf": idf,
        "idf_total": sum(idf) or 1.0,
        "averages": averages,
        "alternatives": [(alt.stems, alt.covers) for alt in plan.alternatives],
    }


def _unpack(packed):
    return [value for value in packed.split("|") if value]


def context(candidates):
    """The shares of each theme and public among the backend's first candidates."""
    top = candidates[:COHERENCE_TOP]
    shares = {}
    for name in ("themes", "publics"):
        counts = {}
        for candidate in top:
            for value in _unpack(getattr(candidate, name)):
                counts[value] = counts.get(value, 0) + 1
        shares[name] = {value: count / len(top) for value, count in counts.items()} if top else {}
    return shares


@functools.lru_cache(maxsize=1000)
def _label_stems(slug):
    return frozenset(analyze(slug.replace("-", " ")))


def features(model, candidate, rank, depth, shares=None):
    """{feature: value} of one candidate (values between 0 and about 1, per query)."""
    matchers, idf, idf_total = model["matchers"], model["idf"], model["idf_total"]
    fields = {
        "title": candidate.title.split(),
        "summary": candidate.summary.split(),
        "body": candidate.body[:BODY_CHARS].split(),
    }
    values = dict.fromkeys(FEATURES, 0.0)
    found_any = [False] * len(matchers)
    found_title = [False] * len(matchers)
    positions = {}  # field -> per word, the set of positions matching it
    indexes = {}  # field -> {token: its positions}
    for name, tokens in fields.items():
        length = sum(map(len, tokens)) + len(tokens) - 1
        norm = BM25_K1 * (1 - BM25_B + BM25_B * max(0, length) / model["averages"][name])
        where = {}
        for position, token in enumerate(tokens):
            where.setdefault(token, []).append(position)
        score = 0.0
        per_word = []
        for index, matcher in enumerate(matchers):
            hits = _positions(where, matcher)
            per_word.append(hits)
            if hits:
                tf = len(hits)
                score += idf[index] * tf * (BM25_K1 + 1) / (tf + norm)
                found_any[index] = True
                if name == "title":
                    found_title[index] = True
        positions[name] = per_word
        indexes[name] = where
        values[f"bm25_{name}"] = score / idf_total / (BM25_K1 + 1)
    values["cover_any"] = sum(w for w, f in zip(idf, found_any, strict=True) if f) / idf_total
    values["cover_title"] = sum(w for w, f in zip(idf, found_title, strict=True) if f) / idf_total
    pairs = len(matchers) - 1
    if pairs > 0:
        side_by_side = sum(
            any(
                any(p + 1 in positions[name][index + 1] for p in positions[name][index])
                for name in FIELDS
            )
            for index in range(pairs)
        )
        values["pairs_any"] = side_by_side / pairs
    if model["alternatives"]:
        synonym_only = [False] * len(matchers)
        covered = [False] * len(matchers)
        for stems, covers in model["alternatives"]:
            missing = any(not found_any[i] for i in covers)
            if not missing and all(covered[i] for i in covers):
                continue  # nothing left to learn from this expression
            in_title = _contains(fields["title"], indexes["title"], stems)
            if in_title or any(
                _contains(fields[name], indexes[name], stems) for name in ("summary", "body")
            ):
                for i in covers:
                    covered[i] = True
                    synonym_only[i] = synonym_only[i] or not found_any[i]
                if in_title and missing:
                    values["synonym_title"] = 1.0
        values["synonym_only"] = (
            sum(w for w, f in zip(idf, synonym_only, strict=True) if f) / idf_total
        )
        values["synonym_any"] = sum(w for w, f in zip(idf, covered, strict=True) if f) / idf_total
    found_summary = [bool(hits) for hits in positions["summary"]]
    values["cover_summary"] = (
        sum(w for w, f in zip(idf, found_summary, strict=True) if f) / idf_total
    )
    labels = set()
    for value in _unpack(candidate.themes) + _unpack(candidate.publics):
        labels |= _label_stems(value)
    if labels:
        in_labels = [
            bool(group & labels) or bool(prefix and any(s.startswith(prefix) for s in labels))
            for group, prefix in matchers
        ]
        values["labels_cover"] = (
            sum(w for w, f in zip(idf, in_labels, strict=True) if f) / idf_total
        )
    if shares:
        values["theme_coherence"] = max(
            (shares["themes"].get(v, 0.0) for v in _unpack(candidate.themes)), default=0.0
        )
        values["public_coherence"] = max(
            (shares["publics"].get(v, 0.0) for v in _unpack(candidate.publics)), default=0.0
        )
    values["backend_rank"] = 1.0 - rank / depth
    return values


def score(values, weights=None):
    weights = weights or WEIGHTS
    return sum(weights[name] * value for name, value in values.items())


def rerank(plan, candidates, weights=None, stats=None):
    """The candidates (in the backend's order), reordered: backend tier first (a synonym-only
    match never rises above a word typed), then the linear score, then the backend's order."""
    if len(candidates) < 2 or not plan.terms:
        return list(candidates)
    if stats is None:
        stats = statistics(_plan_stems(plan))
    model = query_model(plan, stats)
    depth = len(candidates)
    shares = context(candidates)
    keyed = []
    for rank, candidate in enumerate(candidates):
        value = score(features(model, candidate, rank, depth, shares), weights)
        keyed.append(((-candidate.tier, -value, rank), candidate))
    keyed.sort(key=lambda item: item[0])
    return [candidate for _key, candidate in keyed]
