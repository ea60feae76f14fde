"""Elasticsearch backend (elasticsearch.dsl): alias management, writes, faceted search.

The index is always reached through an alias (ELASTICSEARCH_INDEX); a rebuild fills a new
physical index and swaps the alias atomically (see management/commands/rebuild_search_index).
"""

import logging
import time
from dataclasses import replace

from django.conf import settings
from django.utils import timezone
from elastic_transport import Urllib3HttpNode
from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import Q, Search

from search import pipeline, registry, rerank
from search.backends.database import FEW_RESULTS, standalone
from search.documents import (
    DOCUMENT_CLASSES,
    MAPPING_VERSION,
    ContentDocument,
    build_index,
    to_document,
)
from search.pipeline import SYNONYM_WEIGHT
from search.query import FACETS, Hit, SearchResponse, build_facets
from search.text import excerpt, normalize

logger = logging.getLogger(__name__)

# Kind-specific texts (porteur, territory, partners, QPV, speakers) are part of `body` too;
# searching them again as fields of their own cost a third of the query time on the test
# server and changed no ranking of the relevance set (search_relevance: 0.880 either way).
TEXT_FIELDS = ["title^4", "summary^2", "body"]
# Every value of every facet (kinds, 8 champs d'action, regions) fits in one bucket list.
FACET_BUCKETS = 200
# Added to the score of a document matching a word typed (or its typos): far above any BM25
# score, so a document found only through the thesaurus never outranks one that matches what
# was typed; the order within each tier stays the BM25 order.
TYPED_TIER = 1000.0
# Relaxed pass (search.pipeline.should_relax): added to the score of a document matching the
# minimum of words, so that every complete match ranks above the documents matching fewer.
EXACT_TIER = 10 * TYPED_TIER
HIGHLIGHT = {"encoder": "html", "pre_tags": ["<mark>"], "post_tags": ["</mark>"]}


class JsonNode(Urllib3HttpNode):
    """Sends plain `application/json`. elasticsearch-py 8 sends the versioned
    `application/vnd.elasticsearch+json; compatible-with=8` media type, which Elasticsearch 8
    and 9 accept but some Elasticsearch-API servers (OpenSearch-compatible ones) refuse with
    406; every Elasticsearch version accepts plain JSON."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers is not None:
            headers = headers.copy()
            for name in ("content-type", "accept"):
                if "compatible-with" in str(headers.get(name, "")):
                    headers[name] = "application/json"
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


def document_class_for(kind):
    for provider in registry.providers():
        if kind in provider.documents:
            return provider.documents[kind]
    return ContentDocument


def _highlighted(search):
    return (
        search.highlight_options(**HIGHLIGHT)
        .highlight("summary", fragment_size=180, number_of_fragments=1)
        .highlight("body", fragment_size=180, number_of_fragments=1)
    )


class ElasticBackend:
    name = "elasticsearch"

    def __init__(self, url):
        self.url = url
        self.alias = settings.ELASTICSEARCH_INDEX
        self._index_ready = False
        self.client = Elasticsearch(
            [host.strip() for host in url.split(",") if host.strip()],
            node_class=JsonNode,
            request_timeout=settings.ELASTICSEARCH_TIMEOUT,
            max_retries=1,
            retry_on_timeout=False,
        )

    # --- Index management ---------------------------------------------------------------

    def new_index_name(self):
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    def create_index(self, name):
        build_index(name).create(using=self.client)
        return name

    def current_indices(self):
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    def ensure_index(self):
        if self._index_ready:
            return
        if not self.current_indices():
            name = self.create_index(self.new_index_name())
            self.client.indices.put_alias(index=name, name=self.alias)
        self._index_ready = True

    def swap_alias(self, new_index):
        old = self.current_indices()
        actions = [{"remove": {"index": index, "alias": self.alias}} for index in old]
        actions.append({"add": {"index": new_index, "alias": self.alias}})
        self.client.indices.update_aliases(actions=actions)
        for index in old:
            if index != new_index:
                self.client.options(ignore_status=404).indices.delete(index=index)

    def mapping_version(self):
        """The mapping version of the index behind the alias (0: built before versions were
        recorded), or None when there is no index yet."""
        indices = self.current_indices()
        if not indices:
            return None
        mapping = self.client.indices.get_mapping(index=indices[-1])[indices[-1]]["mappings"]
        return int(mapping.get("_meta", {}).get("mapping_version", 0))

    def needs_rebuild(self):
        version = self.mapping_version()
        return version is not None and version != MAPPING_VERSION

    def ping(self):
        return self.client.ping()

    def count(self):
        return self.client.count(index=self.alias)["count"]

    # --- Writes ----------------------------------------------------------------------------

    def write_targets(self):
        from search.models import IndexRebuild

        targets = [self.alias]
        rebuilding = (
            IndexRebuild.objects.filter(finished_at__isnull=True, phase="elastic")
            .exclude(index_name="")
            .values_list("index_name", flat=True)
            .first()
        )
        if rebuilding:
            targets.append(rebuilding)
        return targets

    def actions(self, computed, targets):
        for source, entries in computed.items():
            for entry in entries:
                body = to_document(entry, source, document_class_for(entry.kind)).to_dict(
                    include_meta=True, skip_empty=False
                )
                for target in targets:
                    yield {**body, "_index": target}

    def write(self, computed, targets=None):
        """Index the entries of these sources and remove their stale ones."""
        self.ensure_index()
        targets = targets or self.write_targets()
        refresh = settings.ELASTICSEARCH_REFRESH
        client = self.client.options(request_timeout=settings.ELASTICSEARCH_BULK_TIMEOUT)
        helpers.bulk(client, self.actions(computed, targets), refresh=refresh)
        keys = [entry.key for entries in computed.values() for entry in entries]
        stale = {
            "bool": {
                "filter": [{"terms": {"source": list(computed)}}],
                "must_not": [{"ids": {"values": keys}}] if keys else [],
            }
        }
        for target in targets:
            client.delete_by_query(
                index=target, query=stale, refresh=bool(refresh), conflicts="proceed"
            )

    def load_rows(self, rows, index):
        """Bulk-load mirror rows (search.Entry) into `index` (rebuilds)."""
        from search.backends.database import entry_from_row

        actions = (
            {
                **to_document(
                    entry_from_row(row), row.source, document_class_for(row.kind)
                ).to_dict(include_meta=True, skip_empty=False),
                "_index": index,
            }
            for row in rows
        )
        client = self.client.options(request_timeout=settings.ELASTICSEARCH_BULK_TIMEOUT)
        return helpers.bulk(client, actions, chunk_size=1000)[0]

    # --- Reads -----------------------------------------------------------------------------

    @staticmethod
    def _term_clauses(term, boost=1.0):
        """What matches one query word: the word (analysed like the index), its typos when the
        index does not know it (fuzziness on words of 5 letters or more), the end of the query
        as a title prefix (a word still being typed)."""
        clauses = [Q("multi_match", query=term.word, fields=TEXT_FIELDS, boost=boost)]
        if not term.known:
            clauses.append(
                Q(
                    "multi_match",
                    query=term.word,
                    fields=TEXT_FIELDS,
                    fuzziness="AUTO",
                    prefix_length=1,
                    boost=0.8 * boost,
                )
            )
        if term.prefix:
            clauses.append(Q("match", **{"title.prefix": {"query": term.word, "boost": 0.5}}))
        return clauses

    def _relaxed_query(self, plan, by_date=False):
        """The relaxed pass: the documents matching `plan.relaxed_minimum` words, complete
        matches (the plan's own query) first — by EXACT_TIER on the score, or, sorted by date,
        by a score of 1 against 0."""
        relaxed = self._text_query(plan, plan.relaxed_minimum)
        strict = self._text_query(plan)
        if by_date:
            return Q("bool", filter=[relaxed], should=[Q("constant_score", filter=strict)])
        return Q(
            "bool",
            must=[relaxed],
            should=[Q("constant_score", filter=strict, boost=EXACT_TIER)],
        )

    def _text_query(self, plan, minimum=None):
        """The query plan (search.pipeline) as one bool query: a should group per word (the
        word, its typos, its one-word synonyms at a lower weight), at least
        `minimum_should_match` groups — or a multi-word synonym in full (each such expression
        once, not once per word it covers); exact phrase and title phrase boosts; and a
        constant boost for matching a word typed, so that synonym-only matches rank below."""
        groups = []
        for index, term in enumerate(plan.terms):
            typed = self._term_clauses(term)
            queries = [typed[0] if len(typed) == 1 else Q("bool", should=typed)]
            # The best of the word and its synonyms (dis_max), never their sum: many synonyms
            # must not outweigh the word.
            queries += [
                Q("multi_match", query=alt.text, fields=TEXT_FIELDS, boost=SYNONYM_WEIGHT)
                for alt in plan.covering(index)
                if len(alt.stems) == 1
            ]
            groups.append(queries[0] if len(queries) == 1 else Q("dis_max", queries=queries))
        phrases = {alt.text for alt in plan.alternatives if standalone(plan, alt)}
        phrase_alternatives = [
            Q("multi_match", query=text, fields=TEXT_FIELDS, type="phrase", boost=SYNONYM_WEIGHT)
            for text in sorted(phrases)
        ]
        typed = [clause for term in plan.terms for clause in self._term_clauses(term)]
        should = [
            Q(
                "constant_score",
                filter=typed[0] if len(typed) == 1 else Q("bool", should=typed),
                boost=TYPED_TIER,
            )
        ]
        should += [  # the other multi-word synonyms: scoring only
            Q("multi_match", query=text, fields=TEXT_FIELDS, type="phrase", boost=SYNONYM_WEIGHT)
            for text in sorted(
                {
                    alt.text
                    for alt in plan.alternatives
                    if len(alt.stems) > 1 and not standalone(plan, alt)
                }
            )
        ]
        if len(plan.terms) >= 2:
            phrase = " ".join(term.word for term in plan.terms)
            should.append(Q("multi_match", query=phrase, fields=TEXT_FIELDS, type="phrase"))
            should.append(Q("match_phrase", title={"query": phrase, "boost": 2}))
        if minimum is None:
            minimum = plan.minimum_should_match
        if len(groups) == 1 and minimum == 1:
            words = groups[0]
        else:
            words = Q("bool", should=groups, minimum_should_match=minimum)
        matched = words
        if phrase_alternatives:
            matched = Q("bool", should=[words, *phrase_alternatives], minimum_should_match=1)
        return Q("bool", must=[matched], should=should)

    def _base_filters(self, request, audience):
        filters = [_audience_filter(audience)]
        if request.cites:
            filters.append(_any_of("cite", request.cites))
        if request.publics:
            filters.append(_any_of("publics", request.publics))
        if request.date_from or request.date_to:
            bounds = {}
            if request.date_from:
                bounds["gte"] = request.date_from.isoformat()
            if request.date_to:
                bounds["lte"] = request.date_to.isoformat()
            filters.append(Q("range", date=bounds))
        return filters

    def _facet_filters(self, request):
        fields = {"type": "kind", "theme": "themes", "region": "region"}
        return {
            facet: _any_of(fields[facet], values)
            for facet, values in request.facet_filters().items()
            if values
        }

    def _search(self, request, audience, plan=None, with_aggs=True, window=None, relaxed=False):
        by_date = request.sort == "date" or not request.q
        if plan is None:
            query = Q("match_all")
        elif relaxed:
            query = self._relaxed_query(plan, by_date=by_date)
        else:
            query = self._text_query(plan)
        search = Search(using=self.client, index=self.alias).query(
            Q("bool", must=[query], filter=self._base_filters(request, audience))
        )
        facet_filters = self._facet_filters(request)
        if facet_filters:
            search = search.post_filter(Q("bool", filter=list(facet_filters.values())))
        if with_aggs:
            for name, (others, _facets) in enumerate(_facet_groups(facet_filters)):
                if others:
                    search.aggs.bucket(
                        f"facets{name}",
                        "filter",
                        filter=Q("bool", filter=[facet_filters[facet] for facet in others]),
                    ).bucket("values", "terms", field="facets", size=FACET_BUCKETS)
                else:  # nothing else selected: no filter wrapper to evaluate
                    search.aggs.bucket(f"facets{name}", "terms", field="facets", size=FACET_BUCKETS)
        if by_date and not relaxed:
            search = search.sort({"date": {"order": "desc", "missing": "_last"}}, "_score")
        else:  # relaxed by date: complete matches (score 1) first, then by date
            search = search.sort("_score", {"date": {"order": "desc", "missing": "_last"}})
        search = search.source(excludes=["body", "spell"]).extra(track_total_hits=True)
        if relaxed:
            search = search.extra(track_scores=True)  # the scores tell complete matches apart
        if window:
            # The scores tell the tiers apart (a sort on _score may leave them out). No
            # highlighting here: it would cost the whole window, the page's hits get theirs
            # from _highlights once reordered.
            return search.extra(track_scores=True)[:window]
        if request.q:
            search = _highlighted(search)
        return search[request.offset : request.offset + request.page_size]

    def _highlights(self, plan, ids, relaxed=False):
        """Highlights of the hits shown, by id: the same text query restricted to those ids
        (they were already filtered for this person by the first request)."""
        if not ids:
            return {}
        minimum = plan.relaxed_minimum if relaxed else None
        search = Search(using=self.client, index=self.alias).query(
            Q(
                "bool",
                must=[self._text_query(plan, minimum)],
                filter=[Q("ids", values=list(ids))],
            )
        )
        search = _highlighted(search.source(False))[: len(ids)]
        return {
            hit.meta.id: hit.meta.highlight
            for hit in search.execute().hits
            if getattr(hit.meta, "highlight", None) is not None
        }

    def search(self, request, audience):
        plan = pipeline.build_plan(request.q) if request.q else None
        if plan is not None and not plan.terms:
            plan = None
        end = request.offset + request.page_size
        window = None
        if (
            plan is not None
            and request.sort != "date"
            and rerank.enabled()
            and request.offset < rerank.RERANK_DEPTH
        ):
            # The shared second stage (search.rerank) reorders the first candidates.
            window = max(end, rerank.RERANK_DEPTH)
        response = self._search(request, audience, plan, window=window).execute()
        exact_count = response.hits.total.value
        relaxed = pipeline.should_relax(plan, exact_count)
        if relaxed:
            # Few complete matches: the relaxed pass completes them (counts and facets are
            # those of the whole list).
            response = self._search(request, audience, plan, window=window, relaxed=True).execute()
        by_date = request.sort == "date"

        def exact(hit):
            if not relaxed:
                return True
            return hit.meta.score >= (1.0 if by_date else EXACT_TIER)

        found = list(response.hits)
        if window:
            found = rerank.reorder(
                plan,
                found,
                [hit.meta.id for hit in found],
                [2 * exact(hit) + int(hit.meta.score % EXACT_TIER >= TYPED_TIER) for hit in found],
                field="key",
            )[request.offset : end]
            highlights = self._highlights(plan, [hit.meta.id for hit in found], relaxed)
        labels = registry.kind_labels()
        hits = []
        for hit in found:
            if window:
                highlight = highlights.get(hit.meta.id)
            else:
                highlight = getattr(hit.meta, "highlight", None)
            fragments = []
            if highlight is not None:
                for name in ("summary", "body"):
                    fragments.extend(getattr(highlight, name, []))
            snippet = fragments[0] if fragments else excerpt(hit.summary or "")
            hits.append(
                Hit(
                    key=hit.meta.id,
                    type=hit.kind,
                    type_label=labels.get(hit.kind, hit.kind),
                    slug=hit.slug,
                    title=hit.title,
                    url=hit.url,
                    snippet=snippet,
                    themes=list(hit.themes or []),
                    date=_date(getattr(hit, "date", None)),
                    approaching=not exact(hit),
                )
            )
        counts = {facet: {} for facet in FACETS}
        for name, (_others, facets) in enumerate(_facet_groups(self._facet_filters(request))):
            agg = response.aggregations[f"facets{name}"]
            for bucket in agg["values"].buckets if "values" in agg else agg.buckets:
                facet, _, value = bucket.key.partition(":")
                if facet in facets:
                    counts[facet][value] = bucket.doc_count
        result = SearchResponse(
            count=response.hits.total.value,
            page=request.page,
            page_size=request.page_size,
            hits=hits,
            facets=build_facets(request, counts),
            backend=self.name,
            exact_count=exact_count,
        )
        if request.q and exact_count < FEW_RESULTS and request.page == 1:
            result.did_you_mean = self.did_you_mean(request, audience, exact_count)
        return result

    def did_you_mean(self, request, audience, count):
        """A corrected query (indexed words, accents kept) that finds more for this user: a
        suggestion drawn from reserved content must not reveal it."""
        candidate = pipeline.correction(request.q)
        if not candidate:
            return ""
        probe = replace(request, q=candidate, page=1, page_size=1)
        plan = pipeline.build_plan(candidate)
        found = self._search(probe, audience, plan, with_aggs=False).execute()
        total = found.hits.total.value
        return candidate if total and total >= count else ""

    def suggest(self, prefix, audience, limit=8):
        search = (
            Search(using=self.client, index=self.alias)
            .query(
                Q(
                    "bool",
                    must=[
                        Q(
                            "match",
                            **{"title.prefix": {"query": normalize(prefix), "operator": "and"}},
                        )
                    ],
                    filter=[_audience_filter(audience)],
                )
            )
            .source(["title", "url", "kind"])
            .sort("_score", {"date": {"order": "desc", "missing": "_last"}})[:limit]
        )
        labels = registry.kind_labels()
        return [
            {
                "title": hit.title,
                "url": hit.url,
                "type": hit.kind,
                "type_label": labels.get(hit.kind, ""),
            }
            for hit in search.execute().hits
        ]


def _any_of(field, values):
    # One value is a `term` filter, one postings lookup; some Elasticsearch-API servers test a
    # `terms` filter document by document (several times slower on the test server).
    values = sorted(values)
    if len(values) == 1:
        return Q("term", **{field: values[0]})
    return Q("terms", **{field: values})


def _audience_filter(audience):
    return _any_of("audience", audience)


def _facet_groups(facet_filters):
    """[(other selected facets, facets)]: each facet is counted over the matches filtered by
    the *other* facets' selections (never its own, so a choice can be widened); facets that
    share those filters share one aggregation of the combined `facets` field."""
    groups = {}
    for facet in FACETS:
        others = tuple(name for name in FACETS if name != facet and name in facet_filters)
        groups.setdefault(others, []).append(facet)
    return list(groups.items())


def _date(value):
    import datetime

    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


_backends = {}
_down_until = {}


def get_backend():
    """The configured Elasticsearch backend, or None (database only)."""
    url = settings.ELASTICSEARCH_URL
    if not url:
        return None
    if url not in _backends:
        _backends[url] = ElasticBackend(url)
    return _backends[url]


def is_marked_down(backend):
    return _down_until.get(backend.url, 0) > time.monotonic()


def mark_down(backend):
    """After a failure, searches skip Elasticsearch for a while instead of waiting on it."""
    _down_until[backend.url] = time.monotonic() + settings.ELASTICSEARCH_RETRY_AFTER


def mark_up(backend):
    _down_until.pop(backend.url, None)


def reset():
    _backends.clear()
    _down_until.clear()


__all__ = ["DOCUMENT_CLASSES", "ElasticBackend", "get_backend"]
