"""Database backends: the same requests and responses, answered from the search.Entry mirror.

Both compile the query plan (search.pipeline) over the analysed columns (search.text):
- PostgreSQL: a `simple` tsvector of the stems (weights A/B/C for title/summary/body, trigger of
  migration 0005), one tsquery per query word (with its typo variants and thesaurus
  alternatives), a minimum number of words matched, ranked by ts_rank weighted per word by its
  rarity among the matches, synonyms at a lower weight, exact phrase and title phrase boosts;
- SQLite: the FTS5 table search_entry_fts over the same stems, bm25 per word, combined the same
  way in Python (small databases: `make demo`).
Everywhere, a document matching a word typed (or its typo variants) ranks above any document
matching only synonyms.
"""

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, Value
from django.db.models.expressions import RawSQL

from search import pipeline, registry, rerank
from search.models import Entry, unpack
from search.query import Hit, SearchResponse, build_facets
from search.registry import SearchEntry
from search.text import WORD_RE, highlight, normalize, terms

# Relative weights of the parts of the score (the words typed count 1 each).
PHRASE_WEIGHT = 1.0
TITLE_PHRASE_WEIGHT = 1.0
# ts_rank's weights of the body, summary and title (D unused, C, B, A) and its length
# normalisation (0: none). The body counts more than PostgreSQL's default {0.1, 0.2, 0.4, 1.0}:
# development set 0.692 against 0.680 (length normalisation 1, 2 or 32: no better).
RANK_WEIGHTS = "{0.1, 0.4, 0.6, 1.0}"
RANK_NORMALIZATION = 0
# SQLite bm25 weights of the title, summary and body columns.
FTS_WEIGHTS = (10.0, 4.0, 1.0)
# PostgreSQL: how many candidates (by one cheap ts_rank) get the full score, beyond the page.
RERANKED = 200
# Document frequencies of the query words (idf) are cached this long.
DF_CACHE_SECONDS = 600
# A result list shorter than this also gets an "Essayez plutôt" when a correction finds more.
FEW_RESULTS = 3


@dataclass
class Page:
    """What a database search found: totals of the whole list, the page's rows, and how many
    match the minimum of words (the others, `approaching`, come from the relaxed pass)."""

    count: int
    counts: dict
    rows: list
    exact_count: int
    approaching: set


@dataclass
class Components:
    """The parts of a document's score: per word typed (with its typo variants), per thesaurus
    alternative, exact phrase anywhere and in the title (0 when absent)."""

    typed: list[float]
    alternatives: list[float]
    phrase: float = 0.0
    title_phrase: float = 0.0


def standalone(plan, alternative):
    """A multi-word thesaurus expression matched in full is enough when it stands for as many
    query words as a document must match ("garde d'enfants" for "nounou"), not for fewer."""
    return len(alternative.stems) > 1 and len(alternative.covers) >= plan.minimum_should_match


def score_components(plan, weights, parts):
    """(words matched, tier, score) of a document: each word counts through itself or, at a
    lower weight, through its best synonym (never their sum: many synonyms must not outweigh
    the word); a document matching a word typed (tier 1) ranks above synonym-only matches."""
    matched = 0
    score = 0.0
    for index, weight in enumerate(weights):
        synonyms = [
            parts.alternatives[a]
            for a, alternative in enumerate(plan.alternatives)
            if index in alternative.covers
        ]
        best_synonym = max(synonyms, default=0.0)
        if parts.typed[index] > 0 or best_synonym > 0:
            matched += 1
        score += weight * max(parts.typed[index], pipeline.SYNONYM_WEIGHT * best_synonym)
    score += PHRASE_WEIGHT * parts.phrase + TITLE_PHRASE_WEIGHT * parts.title_phrase
    tier = int(any(value > 0 for value in parts.typed))
    return matched, tier, score


def entry_from_row(row):
    return SearchEntry(
        key=row.key,
        kind=row.kind,
        title=row.title,
        url=row.url,
        slug=row.slug,
        summary=row.summary,
        body=row.body,
        themes=unpack(row.themes),
        publics=unpack(row.publics),
        region=row.region,
        cite=row.cite,
        date=row.date,
        audience=unpack(row.audience),
        extra=row.extra or {},
    )


def visible_to(audience):
    condition = Q()
    for token in sorted(audience):
        condition |= Q(audience__contains=f"|{token}|")
    return condition


class DatabaseBackend:
    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.name = "postgresql" if self.postgres else "sqlite"

    # --- Text matching: PostgreSQL -------------------------------------------------------

    @staticmethod
    def _group_text(term):
        parts = list(term.stems)
        if term.prefix:
            parts.append(f"{term.stem}:*")
        return " | ".join(parts)

    @staticmethod
    def _alternative_text(alternative):
        return "(" + " <-> ".join(alternative.stems) + ")"

    def _covered_texts(self, plan):
        """Per query word: the tsquery text matching it, its typo variants or a one-word
        synonym. (Multi-word synonyms are matched apart, see _postgres_matching.)"""
        texts = []
        for index, term in enumerate(plan.terms):
            parts = [self._group_text(term)]
            parts += [alt.stems[0] for alt in plan.covering(index) if len(alt.stems) == 1]
            texts.append(" | ".join(f"({part})" for part in dict.fromkeys(parts)))
        return texts

    def _phrases_text(self, plan):
        """The multi-word thesaurus expressions: "" or one tsquery matching any of them."""
        phrases = {
            self._alternative_text(alt) for alt in plan.alternatives if standalone(plan, alt)
        }
        return " | ".join(sorted(phrases))

    @staticmethod
    def _join(parts, joiner, before="", after=""):
        """One (sql, params) part from several."""
        sql = before + joiner.join(part for part, _params in parts) + after
        return sql, [param for _part, part_params in parts for param in part_params]

    @staticmethod
    def _sql(parts, joiner, output_field):
        """RawSQL joining (sql, params) parts; every tsquery text is a bound parameter."""
        sql = joiner.join(part for part, _params in parts)
        params = [param for _part, part_params in parts for param in part_params]
        return RawSQL(sql, params, output_field=output_field)  # noqa: S611 (parameters bound)

    @staticmethod
    def _matches(text, cast=""):
        return f"(search_entry.search_vector @@ to_tsquery('simple', %s)){cast}", [text]

    def _postgres_typed(self, plan):
        """One tsquery matching any word typed or its typo variants (the candidates' rank)."""
        return " | ".join(f"({self._group_text(term)})" for term in plan.terms)

    def _postgres_condition(self, plan, minimum):
        """(sql, params) of the documents matching `minimum` words (each through itself, a
        typo variant or a one-word synonym) or a multi-word synonym in full. The two are
        separate tsqueries: a phrase makes GIN recheck every row of its bitmap, so it must not
        share one with the common words. A per-word count only when some words may be missing
        (a minimum above one, below the number of words)."""
        covered = self._covered_texts(plan)
        if minimum >= len(covered):
            words = [self._matches(" & ".join(f"({text})" for text in covered))]
        elif minimum <= 1:
            words = [self._matches(" | ".join(f"({text})" for text in covered))]
        else:
            count = [self._matches(text, "::int") for text in covered]
            words = [
                self._matches(" | ".join(f"({text})" for text in covered)),
                (" AND (", []),
                *self._plus(count),
                (f") >= {int(minimum)}", []),
            ]
        phrases = self._phrases_text(plan)
        if phrases:
            words = [("((", []), *words, (") OR ", []), self._matches(phrases), (")", [])]
        return self._join(words, "")

    def _postgres_matching(self, queryset, plan, minimum=None):
        """queryset restricted to the documents matching the plan's minimum of words (or
        `minimum`, the relaxed pass)."""
        if minimum is None:
            minimum = plan.minimum_should_match
        sql, params = self._postgres_condition(plan, minimum)
        return queryset.filter(self._sql([(sql, params)], "", BooleanField()))

    @staticmethod
    def _plus(parts):
        joined = []
        for index, part in enumerate(parts):
            if index:
                joined.append((" + ", []))
            joined.append(part)
        return joined

    def _postgres_components(self, plan, pks):
        """{pk: Components} of these documents (the candidates only: one ts_rank per word, per
        synonym and per phrase costs too much on every match of a common word)."""
        texts = [self._group_text(term) for term in plan.terms]
        texts += [self._alternative_text(alt) for alt in plan.alternatives]
        phrase = " <-> ".join(plan.stems) if len(plan.terms) >= 2 else ""
        columns, params = [], []
        rank = f"ts_rank('{RANK_WEIGHTS}', search_vector, to_tsquery('simple', %s), {RANK_NORMALIZATION})"
        for text in texts:
            columns.append(rank)
            columns.append("search_vector @@ to_tsquery('simple', %s)")
            params += [text, text]
        if phrase:
            columns.append(rank)
            columns.append(rank.replace(RANK_WEIGHTS, "{0, 0, 0, 1}"))
            params += [phrase, phrase]
        sql = f"SELECT id, {', '.join(columns)} FROM search_entry WHERE id = ANY(%s)"  # noqa: S608 (fixed columns, parameters bound)
        size = len(plan.terms)
        found = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, list(pks)])
            for row in cursor.fetchall():
                values = row[1 : 1 + 2 * len(texts)]
                ranks, hits = values[0::2], values[1::2]
                found[row[0]] = Components(
                    typed=[
                        rank if hit else 0.0
                        for rank, hit in zip(ranks[:size], hits[:size], strict=True)
                    ],
                    alternatives=[
                        rank if hit else 0.0
                        for rank, hit in zip(ranks[size:], hits[size:], strict=True)
                    ],
                    phrase=row[-2] if phrase else 0.0,
                    title_phrase=row[-1] if phrase else 0.0,
                )
        return found

    def _postgres_weights(self, plan):
        """Per query word, its rarity in the index (idf): in a long question the rare words
        ("nounou") weigh more than the common ones ("aider"). Document frequencies are counted
        with the GIN index and cached for a few minutes (a ranking statistic, not a filter)."""
        if len(plan.terms) < 2:
            return [1.0] * len(plan.terms)
        keys = {
            text: "search:df:" + hashlib.sha1(text.encode()).hexdigest()  # noqa: S324 (a key)
            for text in (self._group_text(term) for term in plan.terms)
        }
        keys["*"] = "search:df:*"
        cached = cache.get_many(list(keys.values()))
        missing = {text: key for text, key in keys.items() if key not in cached}
        if missing:
            with connection.cursor() as cursor:
                for text, key in missing.items():
                    if text == "*":
                        cursor.execute("SELECT count(*) FROM search_entry")
                    else:
                        cursor.execute(
                            "SELECT count(*) FROM search_entry "
                            "WHERE search_vector @@ to_tsquery('simple', %s)",
                            [text],
                        )
                    cached[key] = cursor.fetchone()[0]
            cache.set_many({key: cached[key] for key in missing.values()}, DF_CACHE_SECONDS)
        total = cached[keys["*"]]
        return [
            math.log(1 + (total + 1) / (cached[keys[self._group_text(term)]] + 1))
            for term in plan.terms
        ]

    # --- Text matching: SQLite FTS5 ----------------------------------------------------------

    @staticmethod
    def _fts(query):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, -bm25(search_entry_fts, %s, %s, %s) FROM search_entry_fts "
                "WHERE search_entry_fts MATCH %s",
                [*FTS_WEIGHTS, query],
            )
            return dict(cursor.fetchall())

    @staticmethod
    def _fts_group(term):
        parts = [f'"{s}"' for s in term.stems]
        if term.prefix:
            parts.append(f'"{term.stem}"*')
        return " OR ".join(parts)

    def _sqlite_components(self, plan):
        """{pk: Components} of every document matching a word, a typo variant or a synonym."""
        typed = [self._fts(self._fts_group(term)) for term in plan.terms]
        alternatives = [self._fts('"' + " ".join(alt.stems) + '"') for alt in plan.alternatives]
        phrase = title = {}
        if len(plan.terms) >= 2:
            text = '"' + " ".join(plan.stems) + '"'
            phrase = self._fts(text)
            title = self._fts("title_terms : " + text)
        return {
            pk: Components(
                typed=[found.get(pk, 0.0) for found in typed],
                alternatives=[found.get(pk, 0.0) for found in alternatives],
                phrase=phrase.get(pk, 0.0),
                title_phrase=title.get(pk, 0.0),
            )
            for pk in set().union(*typed, *alternatives)
        }

    def _filtered(self, request, audience, facets=True):
        """Visible entries passing the request's filters (text aside); without `facets`, the
        type/theme/region filters are left out (facet counts are computed from that wider
        set)."""
        queryset = Entry.objects.filter(visible_to(audience))
        if request.cites:
            queryset = queryset.filter(cite__in=request.cites)
        if request.publics:
            publics = Q()
            for public in request.publics:
                publics |= Q(publics__contains=f"|{public}|")
            queryset = queryset.filter(publics)
        if request.date_from:
            queryset = queryset.filter(date__gte=request.date_from)
        if request.date_to:
            queryset = queryset.filter(date__lte=request.date_to)
        if facets:
            selected = request.facet_filters()
            if selected["type"]:
                queryset = queryset.filter(kind__in=selected["type"])
            if selected["region"]:
                queryset = queryset.filter(region__in=selected["region"])
            if selected["theme"]:
                themes = Q()
                for value in selected["theme"]:
                    themes |= Q(themes__contains=f"|{value}|")
                queryset = queryset.filter(themes)
        return queryset

    # --- Search ----------------------------------------------------------------------------

    @staticmethod
    def _counts(request, rows):
        """Total and facet counts from (kind, region, themes) of every visible match, in one
        pass: each facet's counts apply the other facets' filters, not its own."""
        return DatabaseBackend._count_groups(request, Counter(rows))

    @staticmethod
    def _count_groups(request, groups):
        """_counts from {(kind, region, themes): number of matches}: matches share few
        combinations, each is examined once."""
        selected = request.facet_filters()
        types, regions = set(selected["type"]), set(selected["region"])
        themes = [f"|{value}|" for value in selected["theme"]]
        counts = {"type": {}, "region": {}, "theme": {}}
        total = 0
        for (kind, region, packed), number in groups.items():
            type_ok = not types or kind in types
            region_ok = not regions or region in regions
            theme_ok = not themes or any(theme in packed for theme in themes)
            if region_ok and theme_ok:
                counts["type"][kind] = counts["type"].get(kind, 0) + number
            if type_ok and theme_ok and region:
                counts["region"][region] = counts["region"].get(region, 0) + number
            if type_ok and region_ok:
                for slug in unpack(packed):
                    counts["theme"][slug] = counts["theme"].get(slug, 0) + number
            total += number if type_ok and region_ok and theme_ok else 0
        return total, counts

    def _postgres_candidates(self, request, audience, plan, limit, relaxed=False):
        """(count, facet counts, candidate rows (pk, kind, region, themes, date, rank, exact))
        in one pass over the matches: the facet counts grouped by the database (a few rows, not
        one per match) and the first `limit` matches passing the facet filters, by one cheap
        ts_rank (or by date). `relaxed`: the matches of the relaxed minimum, complete matches
        (`exact`) first."""
        minimum = plan.relaxed_minimum if relaxed else plan.minimum_should_match
        wide = self._postgres_matching(
            self._filtered(request, audience, facets=False), plan, minimum
        )
        if relaxed:
            exact_sql, exact_params = self._postgres_condition(plan, plan.minimum_should_match)
            exact = RawSQL(exact_sql, exact_params, output_field=BooleanField())  # noqa: S611 (parameters bound)
        else:
            exact = Value(True, output_field=BooleanField())
        wide = wide.annotate(
            coarse=RawSQL(
                "ts_rank(search_entry.search_vector, to_tsquery('simple', %s))",
                [self._postgres_typed(plan)],
                output_field=FloatField(),
            ),
            exact=exact,
        ).values_list("pk", "kind", "region", "themes", "date", "coarse", "exact")
        matches_sql, matches_params = wide.query.sql_with_params()
        selected = request.facet_filters()
        conditions, params = ["TRUE"], []
        if selected["type"]:
            conditions.append("kind = ANY(%s)")
            params.append(list(selected["type"]))
        if selected["region"]:
            conditions.append("region = ANY(%s)")
            params.append(list(selected["region"]))
        if selected["theme"]:
            conditions.append("themes LIKE ANY(%s)")
            params.append([f"%%|{value}|%%" for value in selected["theme"]])
        order = "exact DESC, coarse DESC, pk"
        if request.sort == "date":
            order = "exact DESC, date DESC NULLS LAST, coarse DESC, pk"
        sql = (
            f"WITH m AS MATERIALIZED ({matches_sql}) "  # noqa: S608 (Django's SQL, bound values)
            "SELECT 0, kind, region, themes, count(*), NULL::date, NULL::float8, NULL::int, "
            "NULL::boolean FROM m GROUP BY kind, region, themes "
            "UNION ALL (SELECT 1, kind, region, themes, 0, date, coarse, pk, exact FROM m "
            f"WHERE {' AND '.join(conditions)} ORDER BY {order} LIMIT %s)"
        )
        groups, rows = Counter(), []
        with connection.cursor() as cursor:
            cursor.execute(sql, [*matches_params, *params, limit])
            for part, kind, region, themes, number, date, coarse, pk, exact in cursor.fetchall():
                if part == 0:
                    groups[(kind, region, themes)] += number
                else:
                    rows.append((pk, kind, region, themes, date, coarse, bool(exact)))
        count, counts = self._count_groups(request, groups)
        return count, counts, rows

    def _matches_and_page(self, request, audience, plan, relax=True):
        """Page(count, facet counts, rows of the requested page, exact count, pks of the
        relaxed pass's rows): the visible matches are read once (facet counts, total), ranked,
        and only the page's rows are fetched whole. When fewer than SEARCH_RELAXED_BELOW of
        them match the minimum of words (and `relax`), the relaxed pass's matches complete the
        list below them; counts and facets are then those of the whole list shown."""
        deferred = ("title_terms", "summary_terms", "body_terms", "search_vector")
        end = request.offset + request.page_size
        if plan is None:  # no text: the newest first, sorted and sliced by the database
            rows = self._filtered(request, audience, facets=False).values_list(
                "kind", "region", "themes"
            )
            count, counts = self._counts(request, list(rows))
            queryset = self._filtered(request, audience).order_by(
                F("date").desc(nulls_last=True), "pk"
            )
            page = list(queryset.defer(*deferred)[request.offset : end]) if count else []
            return Page(count, counts, page, count, set())

        def date_key(row):
            return row[4].toordinal() if row[4] else 0

        if self.postgres:
            limit = end if request.sort == "date" else end + RERANKED
            count, counts, rows = self._postgres_candidates(request, audience, plan, limit)
            exact_count = count
            if relax and pipeline.should_relax(plan, exact_count):
                count, counts, rows = self._postgres_candidates(
                    request, audience, plan, limit, relaxed=True
                )
            exact = {row[0]: row[6] for row in rows}
            if request.sort != "date":
                # The full score (a ts_rank per word, synonym and phrase) for the candidates
                # only, chosen by one cheap rank.
                weights = self._postgres_weights(plan)
                scores = {
                    pk: score_components(plan, weights, parts)[1:]
                    for pk, parts in self._postgres_components(
                        plan, [row[0] for row in rows]
                    ).items()
                }
                rows.sort(
                    key=lambda row: (
                        -exact[row[0]],
                        -scores[row[0]][0],
                        -scores[row[0]][1],
                        -date_key(row),
                        row[0],
                    )
                )
                if request.offset < rerank.RERANK_DEPTH:  # the shared second stage
                    rows = rerank.reorder(
                        plan,
                        rows,
                        [row[0] for row in rows],
                        [2 * exact[row[0]] + scores[row[0]][0] for row in rows],
                    )
            page = [row[0] for row in rows[request.offset : end]]
            found = Entry.objects.defer(*deferred).in_bulk(page)
            return Page(
                count,
                counts,
                [found[pk] for pk in page if pk in found],
                exact_count,
                {pk for pk in page if not exact[pk]},
            )
        wide = self._filtered(request, audience, facets=False)
        components = self._sqlite_components(plan)
        pks = list(components)
        wide = wide.filter(pk__in=pks) if len(pks) < 30_000 else wide
        rows = list(wide.values_list("pk", "kind", "region", "themes", "date"))
        scores, matched_words = {}, {}
        for row in rows:
            found = components.get(row[0])
            if found is not None:
                matched, tier, score = score_components(plan, [1.0] * len(plan.terms), found)
                if any(
                    value > 0 and standalone(plan, alternative)
                    for value, alternative in zip(
                        found.alternatives, plan.alternatives, strict=True
                    )
                ):
                    matched = len(plan.terms)  # a synonym standing for the whole query
                scores[row[0]] = (tier, score)
                matched_words[row[0]] = matched
        selected = request.facet_filters()
        themes = [f"|{value}|" for value in selected["theme"]]

        def shown(row):
            return (
                (not selected["type"] or row[1] in selected["type"])
                and (not selected["region"] or row[2] in selected["region"])
                and (not themes or any(theme in row[3] for theme in themes))
            )

        rows = [row for row in rows if row[0] in scores]
        exact = {row[0]: matched_words[row[0]] >= plan.minimum_should_match for row in rows}
        exact_count = sum(1 for row in rows if exact[row[0]] and shown(row))
        minimum = plan.minimum_should_match
        if relax and pipeline.should_relax(plan, exact_count):
            minimum = plan.relaxed_minimum
        rows = [row for row in rows if matched_words[row[0]] >= minimum]
        count, counts = self._counts(request, [row[1:4] for row in rows])
        rows = [row for row in rows if shown(row)]
        if request.sort == "date":
            rows.sort(
                key=lambda row: (
                    -exact[row[0]],
                    -date_key(row),
                    -scores[row[0]][0],
                    -scores[row[0]][1],
                )
            )
        else:
            rows.sort(
                key=lambda row: (
                    -exact[row[0]],
                    -scores[row[0]][0],
                    -scores[row[0]][1],
                    -date_key(row),
                    row[0],
                )
            )
            if request.offset < rerank.RERANK_DEPTH:  # the shared second stage
                rows = rerank.reorder(
                    plan,
                    rows,
                    [row[0] for row in rows],
                    [2 * exact[row[0]] + scores[row[0]][0] for row in rows],
                )
        page = [row[0] for row in rows[request.offset : end]]
        found = Entry.objects.defer(*deferred).in_bulk(page)
        return Page(
            count,
            counts,
            [found[pk] for pk in page if pk in found],
            exact_count,
            {pk for pk in page if not exact[pk]},
        )

    def search(self, request, audience, plan=None):
        if request.q and plan is None:
            plan = pipeline.build_plan(request.q)
        if plan is not None and not plan.terms:
            plan = None
        found = self._matches_and_page(request, audience, plan)
        count, counts, hits_rows = found.count, found.counts, found.rows
        labels = registry.kind_labels()
        query_terms = terms(request.q)
        hits = [
            Hit(
                key=row.key,
                type=row.kind,
                type_label=labels.get(row.kind, row.kind),
                slug=row.slug,
                title=row.title,
                url=row.url,
                snippet=self._snippet(row, query_terms),
                themes=unpack(row.themes),
                date=row.date,
                approaching=row.pk in found.approaching,
            )
            for row in hits_rows
        ]
        response = SearchResponse(
            count=count,
            page=request.page,
            page_size=request.page_size,
            hits=hits,
            facets=build_facets(request, counts),
            backend=self.name,
            exact_count=found.exact_count,
        )
        if request.q and found.exact_count < FEW_RESULTS and request.page == 1:
            response.did_you_mean = self.did_you_mean(request, audience, found.exact_count)
        return response

    @staticmethod
    def _snippet(row, query_terms):
        if query_terms:
            for text in (row.summary, row.body):
                snippet = highlight(text, query_terms)
                if "<mark>" in snippet:
                    return snippet
        return highlight(row.summary or row.body, [])

    # --- Suggestions -----------------------------------------------------------------------

    def suggest(self, prefix, audience, limit=8):
        words = WORD_RE.findall(normalize(prefix))
        if not words:
            return []
        queryset = Entry.objects.filter(visible_to(audience))
        for word in words:
            queryset = queryset.filter(title_folded__contains=f" {word}")
        labels = registry.kind_labels()
        rows = queryset.order_by(F("date").desc(nulls_last=True), "pk").values(
            "title", "url", "kind"
        )[:limit]
        return [
            {
                "title": row["title"],
                "url": row["url"],
                "type": row["kind"],
                "type_label": labels.get(row["kind"], ""),
            }
            for row in rows
        ]

    def did_you_mean(self, request, audience, count):
        """A corrected query (accents kept) that finds more than this one, for this user."""
        candidate = pipeline.correction(request.q)
        if not candidate:
            return ""
        probe = replace(request, q=candidate, page=1, page_size=1)
        plan = pipeline.build_plan(candidate)
        found = self._matches_and_page(probe, audience, plan, relax=False).exact_count
        return candidate if found and found >= count else ""
