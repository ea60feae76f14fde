"""The search page, the JSON API and the suggestions endpoint: all three go through
search.service, so they apply the same privacy rules."""

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from search import pipeline, registry, service
from search.query import FACETS, SORTS, InvalidSearch, SearchRequest, parse

FACET_LABELS = {"type": "Type de contenu", "theme": "Champ d'action", "region": "Région"}


@require_GET
def search_page(request):
    error = ""
    try:
        search_request = parse(request.GET)
    except InvalidSearch as exc:
        error = str(exc)
        search_request = SearchRequest(q=" ".join(request.GET.get("q", "").split())[:200])
    response = service.search(request.user, search_request)
    page_obj = Paginator(range(response.count), response.page_size).get_page(response.page)
    filtered = any(search_request.facet_filters().values()) or bool(
        search_request.cites or search_request.publics
    )
    required_words = pipeline.required_words_label(search_request.q)
    exact_hits = [hit for hit in response.hits if not hit.approaching]
    approaching_hits = [hit for hit in response.hits if hit.approaching]
    context = {
        "query": search_request.q,
        "search": response,
        "exact_hits": exact_hits,
        "approaching_hits": approaching_hits,
        "approaching_start": page_obj.start_index() + len(exact_hits),
        "relaxed": response.exact_count < response.count,
        "required_words": required_words,
        "exact_summary": _exact_summary(required_words, response.exact_count),
        "request_obj": search_request,
        "page_obj": page_obj,
        "facets": [
            {"key": key, "label": FACET_LABELS[key], "values": response.facets[key]}
            for key in FACETS
            if response.facets[key]
        ],
        "sorts": SORTS,
        "cite_choices": registry.vocabulary("cite").items(),
        "public_choices": registry.vocabulary("public").items(),
        "filtered": filtered,
        "did_you_mean_url": _did_you_mean_url(request, response.did_you_mean),
        "error": error,
        "breadcrumb": [{"label": "Recherche", "url": ""}],
    }
    return render(request, "search/search.html", context, status=400 if error else 200)


def _exact_summary(words, exact_count):
    """« 2 résultats contiennent tous vos mots » (shown when a relaxed pass completed them)."""
    if not exact_count:
        return f"Aucun résultat ne contient {words}."
    if exact_count == 1:
        return f"1 résultat contient {words}."
    return f"{exact_count} résultats contiennent {words}."


def _did_you_mean_url(request, suggestion):
    """The same search with the suggested words: active filters and sort kept, first page."""
    if not suggestion:
        return ""
    params = request.GET.copy()
    params["q"] = suggestion
    params.pop("page", None)
    return f"{reverse('search:search')}?{params.urlencode()}"


def _hit_json(hit):
    return {
        "type": hit.type,
        "slug": hit.slug,
        "title": hit.title,
        "url": hit.url,
        "snippet": hit.snippet,
        "themes": hit.themes,
        "date": hit.date.isoformat() if hit.date else None,
    }


@require_GET
def api_search(request):
    try:
        search_request = parse(request.GET, default_page_size=20)
    except InvalidSearch as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    response = service.search(request.user, search_request)
    return JsonResponse(
        {
            "count": response.count,
            "page": response.page,
            "page_size": response.page_size,
            "results": [_hit_json(hit) for hit in response.hits],
            "facets": {
                key: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
                for key, values in response.facets.items()
            },
            "did_you_mean": response.did_you_mean or None,
            "degraded": response.degraded,
            "exact_count": response.exact_count,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def api_suggestions(request):
    return JsonResponse(
        {"suggestions": service.suggest(request.user, request.GET.get("q", ""))},
        json_dumps_params={"ensure_ascii": False},
    )
