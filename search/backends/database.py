"""Database fallback: the same requests and responses, answered from the search.Entry mirror.

PostgreSQL: full-text search with a `french_unaccent` configuration (unaccent + French
stemming, created by migration 0002), weights A/B/C for title/summary/body, and pg_trgm word
similarity on titles for typos. SQLite (`make demo` only): folded, plural-insensitive word-prefix
matching on a precomputed text column.
"""

import difflib
from dataclasses import replace

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import Coalesce

from search import registry
from search.models import Entry, unpack
from search.query import Hit, SearchResponse, build_facets
from search.registry import SearchEntry
from search.text import WORD_RE, fold, highlight, terms

CONFIG = "french_unaccent"
VOCABULARY_CACHE_KEY = "search:vocabulary"


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

    # --- Text matching ---------------------------------------------------------------------

    def _matching(self, queryset, request, typos=False):
        """(queryset filtered by the text, rank expression). With `typos`, titles similar to
        the query (pg_trgm) match too: the second pass when the exact pass finds nothing."""
        if self.postgres:
            from django.contrib.postgres.search import (
                SearchQuery,
                SearchRank,
                TrigramWordSimilarity,
            )

            tsquery = SearchQuery(request.q, search_type="websearch", config=CONFIG)
            for synonym in request.synonyms():
                tsquery |= SearchQuery(synonym, search_type="phrase", config=CONFIG)
            folded = " ".join(fold(request.q).split())
            phrase = Case(
                When(title_folded__contains=f" {folded} ", then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
            if typos:
                queryset = queryset.filter(title_folded__trigram_word_similar=folded)
                return queryset, TrigramWordSimilarity(Value(folded), "title_folded") + phrase
            queryset = queryset.filter(search_vector=tsquery)
            return queryset, SearchRank(F("search_vector"), tsquery) + phrase
        words = terms(request.q) or terms(request.q, keep_stop_words=True)
        condition = Q()
        for word in words:
            condition &= Q(search_text__contains=f" {word}")
        alternatives = Q()
        for synonym in request.synonyms():
            phrase = " ".join(terms(synonym, keep_stop_words=True))
            alternatives |= Q(search_text__contains=f" {phrase}")
        queryset = (
            queryset.filter(condition | alternatives)
            if alternatives
            else queryset.filter(condition)
        )
        rank = Value(0.0, output_field=FloatField())
        for word in words:
            rank = rank + Case(
                When(title_folded__contains=f" {word}", then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        return queryset, rank

    def _filtered(self, request, audience, facets=True, typos=False):
        """Visible entries matching the request; without `facets`, the type/theme/region
        filters are left out (facet counts are computed from that wider set)."""
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
        rank = None
        if request.q:
            queryset, rank = self._matching(queryset, request, typos=typos)
        return queryset, rank

    # --- Search ----------------------------------------------------------------------------

    @staticmethod
    def _counts(request, rows):
        """Total and facet counts from (kind, region, themes) of every visible match, in one
        pass: each facet's counts apply the other facets' filters, not its own."""
        selected = request.facet_filters()
        types, regions = set(selected["type"]), set(selected["region"])
        themes = [f"|{value}|" for value in selected["theme"]]
        counts = {"type": {}, "region": {}, "theme": {}}
        total = 0
        for kind, region, packed in rows:
            type_ok = not types or kind in types
            region_ok = not regions or region in regions
            theme_ok = not themes or any(theme in packed for theme in themes)
            if region_ok and theme_ok:
                counts["type"][kind] = counts["type"].get(kind, 0) + 1
            if type_ok and theme_ok and region:
                counts["region"][region] = counts["region"].get(region, 0) + 1
            if type_ok and region_ok:
                for slug in unpack(packed):
                    counts["theme"][slug] = counts["theme"].get(slug, 0) + 1
            total += type_ok and region_ok and theme_ok
        return total, counts

    def search(self, request, audience):
        wide, _ = self._filtered(request, audience, facets=False)
        rows = list(wide.values_list("kind", "region", "themes"))
        typos = False
        if not rows and request.q and self.postgres:
            typos = True  # nothing exact: titles close to what was typed
            wide, _ = self._filtered(request, audience, facets=False, typos=True)
            rows = list(wide.values_list("kind", "region", "themes"))
        count, counts = self._counts(request, rows)
        queryset, rank = self._filtered(request, audience, typos=typos)
        if rank is not None:
            queryset = queryset.annotate(rank=Coalesce(rank, Value(0.0)))
            order = ("-rank", F("date").desc(nulls_last=True), "pk")
            if request.sort == "date":
                order = (F("date").desc(nulls_last=True), "-rank", "pk")
        else:
            order = (F("date").desc(nulls_last=True), "pk")
        hits_rows = (
            list(
                queryset.order_by(*order).defer("search_text", "search_vector")[
                    request.offset : request.offset + request.page_size
                ]
            )
            if count
            else []
        )
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
        )
        if not count and request.q:
            response.did_you_mean = self.did_you_mean(request, audience)
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
        words = WORD_RE.findall(fold(prefix))
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

    def vocabulary(self):
        words = cache.get(VOCABULARY_CACHE_KEY)
        if words is None:
            found = set()
            for title, summary in Entry.objects.values_list("title", "summary").iterator():
                found.update(w for w in WORD_RE.findall(fold(f"{title} {summary}")) if len(w) > 3)
            words = sorted(found)
            cache.set(VOCABULARY_CACHE_KEY, words, 600)
        return words

    def did_you_mean(self, request, audience):
        vocabulary = self.vocabulary()
        words, changed = [], False
        for word in WORD_RE.findall(fold(request.q)):
            if len(word) <= 3 or word in vocabulary:
                words.append(word)
                continue
            close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
            words.append(close[0] if close else word)
            changed = changed or bool(close)
        if not changed:
            return ""
        candidate = " ".join(words)
        probe = replace(request, q=candidate, page=1, page_size=1)
        queryset, _ = self._filtered(probe, audience)
        return candidate if queryset.exists() else ""
