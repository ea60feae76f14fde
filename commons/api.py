"""What every public, read-only JSON endpoint shares (open data, docs/api.md).

- the same answer for everyone: the views never look at who is logged in;
- GET only, open to other sites' pages (CORS, no credentials);
- an unknown parameter is an error that lists the accepted ones (a typo must not silently
  return everything);
- `ETag` and `Last-Modified`, so that partners polling every few minutes mostly get a 304;
- a rate limit per IP address, with a JSON error in French;
- page-number pagination with absolute `next`/`previous` links;
- an OpenAPI 3 description assembled from what each app registers (`register_openapi`), served
  by the host at /api/schema/.
"""

import hashlib
import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from commons.french import plural
from commons.http import client_ip

logger = logging.getLogger(__name__)

PAGINATION_PARAMS = frozenset({"page", "page_size"})
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class APIError(Exception):
    """A request the API refuses: `message` in French, returned as {"error": message}."""

    def __init__(self, message, status=400, **extra):
        super().__init__(message)
        self.message, self.status, self.extra = message, status, extra


def error_response(message, status=400, **extra):
    response = JsonResponse({"error": message, **extra}, status=status)
    _cors(response)
    return response


def _cors(response):
    # Public data, no credentials: any site may read it from its pages' scripts.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
    response["Access-Control-Max-Age"] = "86400"


def _rate_limit():
    count, _, seconds = str(getattr(settings, "API_RATE_LIMIT", "120/60")).partition("/")
    return int(count), int(seconds or 60)


def _retry_after(request):
    """Seconds to wait when this IP has used up its window, else None. A cache outage lets
    requests through: the data is public and the database answers anyway."""
    limit, seconds = _rate_limit()
    if limit <= 0:
        return None
    window = int(time.time() // seconds)
    key = f"api-rate:{client_ip(request)}:{window}"
    try:
        cache.add(key, 0, timeout=seconds + 1)
        used = cache.incr(key)
    except Exception:  # redis errors, a cache without incr support
        logger.warning("Limite de débit de l'API non vérifiée : cache indisponible")
        return None
    if used <= limit:
        return None
    return max(1, seconds - int(time.time()) % seconds)


def public_api(*, params=None, last_modified=None):
    """Decorate a view returning JSON. `params`: the accepted query parameters (None: the view
    checks them itself); `last_modified(request, *args, **kwargs)`: an aware datetime or None."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                _cors(response)
                return response
            if request.method not in ("GET", "HEAD"):
                response = error_response(
                    "Cette API est en lecture seule : seule la méthode GET est acceptée.", 405
                )
                response["Allow"] = "GET, HEAD, OPTIONS"
                return response
            retry = _retry_after(request)
            if retry is not None:
                response = error_response(
                    f"Trop de requêtes depuis votre adresse : réessayez dans {retry} seconde"
                    f"{'s' if retry > 1 else ''}.",
                    429,
                )
                response["Retry-After"] = str(retry)
                return response
            try:
                if params is not None:
                    check_params(request, params)
                response = view(request, *args, **kwargs)
                modified = last_modified(request, *args, **kwargs) if last_modified else None
            except APIError as error:
                return error_response(error.message, error.status, **error.extra)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            if response.status_code == 200:
                response = _conditional(request, response, modified)
            _cors(response)
            patch_vary_headers(response, ["Accept-Encoding"])
            if response.status_code in (200, 304):
                patch_cache_control(
                    response, public=True, max_age=getattr(settings, "API_MAX_AGE", 60)
                )
            return response

        wrapped.public_api = True
        return wrapped

    return decorator


def _conditional(request, response, modified):
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    timestamp = None
    if modified is not None:
        timestamp = int(modified.timestamp())
        response["Last-Modified"] = http_date(timestamp)
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    return not_modified


def check_params(request, accepted):
    unknown = sorted(set(request.GET) - set(accepted))
    if unknown:
        names = ", ".join(f"« {name} »" for name in unknown)
        raise APIError(
            f"Paramètre{'s' if len(unknown) > 1 else ''} inconnu{'s' if len(unknown) > 1 else ''}"
            f" : {names}. Paramètres acceptés : {', '.join(sorted(accepted))}.",
            parametres_acceptes=sorted(accepted),
        )


def choice_param(request, name, allowed, unknown_label):
    """The value of `name` (None when absent), refused with the accepted values when unknown."""
    value = request.GET.get(name)
    if value is not None and value not in allowed:
        raise APIError(
            f"{unknown_label} : « {value[:40]} ». Valeurs acceptées : {', '.join(allowed)}."
        )
    return value


def int_param(request, name, default, *, minimum=1, maximum=None):
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise APIError(f"« {name} » doit être un nombre entier (reçu : « {raw[:40]} »).") from None
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"entre {minimum} et {maximum}" if maximum is not None else f"au moins {minimum}"
        raise APIError(f"« {name} » doit être {bounds} (reçu : {value}).")
    return value


def paginate(request, queryset, serialize):
    """{"count", "next", "previous", "results"} for `page` and `page_size` (absolute links)."""
    size = int_param(request, "page_size", DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
    number = int_param(request, "page", 1)
    count = queryset.count()
    last = max(1, -(-count // size))
    if number > last:
        raise APIError(f"La page {number} n'existe pas : il y a {last} page{plural(last)}.", 404)
    start = (number - 1) * size
    items = list(queryset[start : start + size])

    def link(page):
        if page < 1 or page > last:
            return None
        query = request.GET.copy()
        query["page"] = str(page)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "next": link(number + 1),
        "previous": link(number - 1),
        "results": [serialize(item) for item in items],
    }


# --- OpenAPI ------------------------------------------------------------------------------------

_paths = {}
_schemas = {}


def register_openapi(*, paths=None, schemas=None):
    """Called by each app (AppConfig.ready) with its OpenAPI 3 path items and schemas."""
    _paths.update(paths or {})
    _schemas.update(schemas or {})


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string", "description": "Message en français."},
        "parametres_acceptes": {"type": "array", "items": {"type": "string"}},
    },
}

PAGINATION_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "default": 1},
        "description": "Numéro de page.",
    },
    {
        "name": "page_size",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 20},
        "description": "Résultats par page.",
    },
]


def paginated_schema(item_ref):
    return {
        "type": "object",
        "required": ["count", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer"},
            "next": {"type": "string", "format": "uri", "nullable": True},
            "previous": {"type": "string", "format": "uri", "nullable": True},
            "results": {"type": "array", "items": {"$ref": item_ref}},
        },
    }


def standard_responses(ok_schema, description):
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}}
    return {
        "200": {
            "description": description,
            "headers": {
                "ETag": {"schema": {"type": "string"}},
                "Last-Modified": {"schema": {"type": "string"}},
            },
            "content": {"application/json": {"schema": ok_schema}},
        },
        "304": {"description": "Inchangé depuis `If-None-Match` / `If-Modified-Since`."},
        "400": {"description": "Paramètre inconnu ou invalide.", "content": error},
        "429": {
            "description": "Trop de requêtes depuis cette adresse IP.",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            "content": error,
        },
    }


def openapi_document(server_url):
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Plateforme des cités de l'emploi — données ouvertes",
            "version": "1.0.0",
            "description": (
                "API publiques en lecture seule : bibliothèque de ressources, agenda des "
                "cafés-cités, annuaire des cités. Même réponse pour tout le monde ; aucun contenu "
                "réservé n'y figure. Licence Ouverte / Open Licence 2.0 (Etalab)."
            ),
            "license": {
                "name": "Licence Ouverte 2.0",
                "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            },
        },
        "servers": [{"url": server_url}],
        "paths": dict(sorted(_paths.items())),
        "components": {"schemas": {"Erreur": ERROR_SCHEMA, **dict(sorted(_schemas.items()))}},
    }
