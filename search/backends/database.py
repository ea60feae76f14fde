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

import math
from dataclasses import replace

from django.db import connection
from django.db.models import BooleanField, F, FloatField, IntegerField, Q
from django.db.models.expressions import RawSQL

from search import pipeline, registry
from search.models import Entry, unpack
from search.query import Hit, SearchResponse, build_facets
from search.registry import SearchEntry
from search.text import WORD_RE, highlight, normalize, terms

# Relative weights of the parts of the score (the words typed count 1 each).
PHRASE_WEIGHT = 1.0
TITLE_PHRASE_WEIGHT = 1.0
# A result list shorter than this also gets an "Essayez plutôt" when a correction finds more.
FEW_RESULTS = 3


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
        """Per query word: the tsquery text matching it, its typo variants or a synonym."""
        texts = []
        for index, term in enumerate(plan.terms):
            parts = [self._group_text(term)]
            parts += [self._alternative_text(alt) for alt in plan.covering(index)]
            texts.append(" | ".join(f"({part})" for part in parts))
        return texts

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

    def _postgres_matching(self, queryset, plan):
        """queryset restricted to the documents matching enough words."""
        covered = self._covered_texts(plan)
        if plan.minimum_should_match >= len(covered):
            condition = " & ".join(f"({text})" for text in covered)
            return queryset.filter(self._sql([self._matches(condition)], "", BooleanField()))
        anything = " | ".join(f"({text})" for text in covered)
        count = [self._matches(text, "::int") for text in covered]
        minimum = f") >= {int(plan.minimum_should_match)}", []
        return queryset.filter(
            self._sql(
                [self._matches(anything), (" AND (", []), *self._plus(count), minimum],
                "",
                BooleanField(),
            )
        )

    @staticmethod
    def _plus(parts):
        joined = []
        for index, part in enumerate(parts):
            if index:
                joined.append((" + ", []))
            joined.append(part)
        return joined

    def _postgres_rank(self, plan, weights):
        """(tier, score) expressions: words typed (each by its weight), synonyms lower,
        exact phrase anywhere and in the title."""

        def rank(weight, text, title_only=False):
            field_weights = "'{0, 0, 0, 1}', " if title_only else ""
            return (
                f"{float(weight):.4f} * ts_rank({field_weights}search_entry.search_vector, "
                "to_tsquery('simple', %s))",
                [text],
            )

        parts = []
        for index, (term, weight) in enumerate(zip(plan.terms, weights, strict=True)):
            # A word counts through itself or, at a lower weight, through one synonym: the
            # best of them, never their sum (many synonyms must not outweigh the word).
            ranks = [rank(1.0, self._group_text(term))]
            ranks += [
                rank(pipeline.SYNONYM_WEIGHT, self._alternative_text(alternative))
                for alternative in plan.covering(index)
            ]
            best = ranks[0] if len(ranks) == 1 else self._join(ranks, ", ", "GREATEST(", ")")
            parts.append(self._join([best], "", f"{float(weight):.4f} * (", ")"))
        if len(plan.terms) >= 2:
            phrase = " <-> ".join(plan.stems)
            parts.append(rank(PHRASE_WEIGHT, phrase))
            parts.append(rank(TITLE_PHRASE_WEIGHT, phrase, title_only=True))
        typed = " | ".join(f"({self._group_text(term)})" for term in plan.terms)
        # The tier: a document matching a word typed ranks above any synonym-only match.
        tier = self._sql([self._matches(typed, "::int")], "", IntegerField())
        return tier, self._sql(parts, " + ", FloatField())

    # --- Text matching: SQLite FTS5 ----------------------------------------------------------

    @staticmethod
    def _fts(query):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, -bm25(search_entry_fts, 10.0, 4.0, 1.0) FROM search_entry_fts "
                "WHERE search_entry_fts MATCH %s",
                [query],
            )
            return dict(cursor.fetchall())

    @staticmethod
    def _fts_group(term):
        parts = [f'"{s}"' for s in term.stems]
        if term.prefix:
            parts.append(f'"{term.stem}"*')
        return " OR ".join(parts)

    def _sqlite_scores(self, plan):
        """{entry id: (tier, score)} of the documents matching enough words."""
        typed = [self._fts(self._fts_group(term)) for term in plan.terms]
        alternatives = [self._fts('"' + " ".join(alt.stems) + '"') for alt in plan.alternatives]
        phrase = title = {}
        if len(plan.terms) >= 2:
            text = '"' + " ".join(plan.stems) + '"'
            phrase = self._fts(text)
            title = self._fts("title_terms : " + text)
        candidates = set().union(*typed, *alternatives)
        scores = {}
        for pk in candidates:
            matched = 0
            for index, found in enumerate(typed):
                if pk in found or any(
                    pk in alternatives[a]
                    for a, alt in enumerate(plan.alternatives)
                    if index in alt.covers
                ):
                    matched += 1
            if matched < plan.minimum_should_match:
                continue
            # A word counts through itself or, lower, through its best synonym (never a sum).
            score = 0.0
            for index, found in enumerate(typed):
                synonyms = [
                    alternatives[a].get(pk, 0.0)
                    for a, alt in enumerate(plan.alternatives)
                    if index in alt.covers
                ]
                score += max(found.get(pk, 0.0), pipeline.SYNONYM_WEIGHT * max(synonyms, default=0))
            score += PHRASE_WEIGHT * phrase.get(pk, 0.0) + TITLE_PHRASE_WEIGHT * title.get(pk, 0.0)
            tier = int(any(pk in found for found in typed))
            scores[pk] = (tier, score)
        return scores

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

    @staticmethod
    def _weights(plan, flags, total):
        """Per query word, its rarity among the matches (idf): in a long question, the rare
        words ("nounou") weigh more than the common ones ("aider")."""
        weights = []
        for index in range(len(plan.terms)):
            found = sum(1 for row in flags if row[index])
            weights.append(math.log(1 + (total + 1) / (found + 1)))
        return weights or [1.0]

    def _page_rows(self, request, audience, plan, weights):
        queryset = self._filtered(request, audience)
        date_order = F("date").desc(nulls_last=True)
        if plan is None:
            queryset = queryset.order_by(date_order, "pk")
        else:
            queryset = self._postgres_matching(queryset, plan)
            tier, rank = self._postgres_rank(plan, weights)
            queryset = queryset.annotate(tier=tier, rank=rank)
            order = ("-tier", "-rank", date_order, "pk")
            if request.sort == "date":
                order = (date_order, "-tier", "-rank", "pk")
            queryset = queryset.order_by(*order)
        return list(
            queryset.defer("title_terms", "summary_terms", "body_terms", "search_vector")[
                request.offset : request.offset + request.page_size
            ]
        )

    def _postgres_search(self, request, audience, plan):
        wide = self._filtered(request, audience, facets=False)
        fields = ["kind", "region", "themes"]
        if plan is not None:
            wide = self._postgres_matching(wide, plan)
            flags = {
                f"t{index}": self._sql([self._matches(self._group_text(term))], "", BooleanField())
                for index, term in enumerate(plan.terms)
            }
            wide = wide.annotate(**flags)
            fields += list(flags)
        rows = list(wide.values_list(*fields))
        count, counts = self._counts(request, [row[:3] for row in rows])
        weights = self._weights(plan, [row[3:] for row in rows], len(rows)) if plan else []
        hits_rows = self._page_rows(request, audience, plan, weights) if count else []
        return count, counts, hits_rows

    def _sqlite_search(self, request, audience, plan):
        wide = self._filtered(request, audience, facets=False)
        scores = None
        if plan is not None:
            scores = self._sqlite_scores(plan)
            pks = list(scores)
            wide = wide.filter(pk__in=pks) if len(pks) < 30_000 else wide
        rows = list(wide.values_list("pk", "kind", "region", "themes", "date"))
        if scores is not None:
            rows = [row for row in rows if row[0] in scores]
        count, counts = self._counts(request, [row[1:4] for row in rows])
        selected = request.facet_filters()
        themes = [f"|{value}|" for value in selected["theme"]]
        rows = [
            row
            for row in rows
            if (not selected["type"] or row[1] in selected["type"])
            and (not selected["region"] or row[2] in selected["region"])
            and (not themes or any(theme in row[3] for theme in themes))
        ]

        def date_key(row):
            return row[4].toordinal() if row[4] else 0

        if scores is None:
            rows.sort(key=lambda row: (-date_key(row), row[0]))
        elif request.sort == "date":
            rows.sort(key=lambda row: (-date_key(row), -scores[row[0]][0], -scores[row[0]][1]))
        else:
            rows.sort(
                key=lambda row: (-scores[row[0]][0], -scores[row[0]][1], -date_key(row), row[0])
            )
        page = [row[0] for row in rows[request.offset : request.offset + request.page_size]]
        found = Entry.objects.defer("title_terms", "summary_terms", "body_terms").in_bulk(page)
        return count, counts, [found[pk] for pk in page if pk in found]

    def search(self, request, audience, plan=None):
        if request.q and plan is None:
            plan = pipeline.build_plan(request.q)
        if plan is not None and not plan.terms:
            plan = None
        if self.postgres:
            count, counts, hits_rows = self._postgres_search(request, audience, plan)
        else:
            count, counts, hits_rows = self._sqlite_search(request, audience, plan)
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
        if request.q and count < FEW_RESULTS and request.page == 1:
            response.did_you_mean = self.did_you_mean(request, audience, count)
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
        if self.postgres:
            found, _counts, _rows = self._postgres_search(probe, audience, plan)
        else:
            found, _counts, _rows = self._sqlite_search(probe, audience, plan)
        return candidate if found and found >= count else ""
