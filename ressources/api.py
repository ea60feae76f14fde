"""Open data: the public library through Wagtail's API v2 (/api/v2/ressources/, /api/v2/bulletins/).

Only live pages without any view restriction, on their own or through an ancestor
(ressources.permissions.visible_pages for an anonymous visitor), whoever asks: members-only pages and drafts never appear, not even
in `total_count`. Field names are French snake case, stable (docs/api.md)."""

import datetime
import hashlib
from collections import OrderedDict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.http import Http404
from rest_framework import serializers
from rest_framework.response import Response
from wagtail.api import APIField
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.serializers import PageSerializer
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page, PageLogEntry
from wagtail.rich_text import expand_db_html

from cites.regions import REGION_LABELS
from commons.api import APIError, check_params, register_openapi, standard_responses
from commons.html import sanitize_html
from ressources.models import (
    ActionInspirantePage,
    BulletinPage,
    FicheDispositifPage,
    ParcoursBeneficiairePage,
    PortraitCitePage,
    RessourcePage,
)
from ressources.permissions import visible_pages
from themes.models import THEME_SLUGS, PublicCible

# --- Fields --------------------------------------------------------------------------------------


class SlugsField(serializers.Field):
    """A many-to-many relation as its slugs (champs d'action, publics cibles)."""

    def to_representation(self, manager):
        return [item.slug for item in manager.all()]


class HTMLField(serializers.Field):
    """A StreamField or a rich text rendered as the site shows it, then sanitised: what a
    partner site inserts in its pages is as safe as what ours shows."""

    def to_representation(self, value):
        html = expand_db_html(value) if isinstance(value, str) else str(value)
        return sanitize_html(html)


class RegionField(serializers.Field):
    def to_representation(self, code):
        if code == "national":
            return {"code": "national", "libelle": "National"}
        return {"code": code, "libelle": REGION_LABELS.get(code, "")}


class CiteField(serializers.Field):
    def to_representation(self, cite):
        if cite is None or not cite.is_published:
            return None
        return {"slug": cite.slug, "nom": cite.name}


class LinesField(serializers.Field):
    def to_representation(self, text):
        return [line.strip() for line in (text or "").splitlines() if line.strip()]


MODELS_BY_TYPE = {
    "fiche": FicheDispositifPage,
    "action": ActionInspirantePage,
    "portrait": PortraitCitePage,
    "parcours": ParcoursBeneficiairePage,
}

COMMON_FIELDS = [
    APIField("resume", serializer=serializers.CharField(source="summary")),
    APIField("date", serializer=serializers.DateField()),
    APIField("champs_action", serializer=SlugsField(source="themes")),
    APIField("publics_cibles", serializer=SlugsField()),
    APIField("portee", serializer=RegionField(source="region")),
    APIField("cite", serializer=CiteField()),
    APIField("corps_html", serializer=HTMLField(source="body")),
]

FIELDS_BY_TYPE = {
    "fiche": [
        APIField("offre_html", serializer=HTMLField(source="offer")),
        APIField("mobiliser_html", serializer=HTMLField(source="how_to")),
        APIField("porteur", serializer=serializers.CharField()),
        APIField("financement", serializer=serializers.CharField(source="funding")),
        APIField("derniere_relecture", serializer=serializers.DateField(source="last_reviewed")),
        APIField("date_fin", serializer=serializers.DateField(source="expires_on")),
    ],
    "action": [
        APIField("territoire", serializer=serializers.CharField(source="territory")),
        APIField("partenaires", serializer=LinesField(source="partners")),
        APIField("debut", serializer=serializers.DateField(source="start_date")),
        APIField("fin", serializer=serializers.DateField(source="end_date")),
        APIField("resultats", serializer=serializers.CharField(source="results")),
    ],
    "portrait": [
        APIField("equipe", serializer=serializers.CharField(source="team")),
        APIField("a_retenir", serializer=serializers.CharField(source="key_lesson")),
    ],
    "parcours": [
        APIField("prenom", serializer=serializers.CharField(source="person")),
        APIField("profil", serializer=serializers.CharField(source="profile")),
        APIField("citation", serializer=serializers.CharField(source="quote")),
        APIField("aujourd_hui", serializer=serializers.CharField(source="outcome")),
    ],
}

BULLETIN_FIELDS = [
    APIField("numero", serializer=serializers.IntegerField(source="number")),
    APIField("date", serializer=serializers.DateField()),
    APIField("edito", serializer=serializers.CharField(source="intro")),
    APIField("rubriques_html", serializer=HTMLField(source="sections")),
]


class RequestURLField(serializers.Field):
    """Absolute URLs on the host the partner called (Wagtail would use the Site record's
    hostname, which a fresh instance leaves at "localhost")."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        request = self.context["request"]
        if self.field_name == "detail_url":
            path = self.context["router"].get_object_detail_urlpath(type(page), page.pk)
            return request.build_absolute_uri(path)
        url = page.get_url(request=request)
        return request.build_absolute_uri(url) if url else None


class PublicPageSerializer(PageSerializer):
    detail_url = RequestURLField(read_only=True)
    html_url = RequestURLField(read_only=True)


# --- Pagination and errors ---------------------------------------------------------------------


class Pagination(WagtailPagination):
    """Wagtail's offset/limit, with French errors and absolute `next`/`previous` links."""

    def paginate_queryset(self, queryset, request, view=None):
        limit_max = getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20) or 100
        self.offset = _int(request, "offset", 0, 0)
        self.limit = _int(request, "limit", min(20, limit_max), 1)
        if self.limit > limit_max:
            raise APIError(f"« limit » ne peut pas dépasser {limit_max}.")
        self.request = request
        self.total_count = _cached_count(request, queryset)
        return queryset[self.offset : self.offset + self.limit]

    def _link(self, offset):
        if offset < 0 or offset >= self.total_count:
            return None
        query = self.request.GET.copy()
        query["offset"] = str(offset)
        return self.request.build_absolute_uri(f"{self.request.path}?{query.urlencode()}")

    def get_paginated_response(self, data):
        meta = OrderedDict(
            [
                ("total_count", self.total_count),
                ("next", self._link(self.offset + self.limit)),
                (
                    "previous",
                    self._link(max(0, self.offset - self.limit)) if self.offset else None,
                ),
            ]
        )
        return Response(OrderedDict([("meta", meta), ("items", data)]))


def _int(request, name, default, minimum):
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise APIError(f"« {name} » doit être un nombre entier (reçu : « {raw[:40]} »).") from None
    if value < minimum:
        raise APIError(f"« {name} » doit être au moins {minimum}.")
    return value


def _date(request, name):
    raw = request.GET.get(name)
    if raw is None:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise APIError(
            f"« {name} » doit être une date AAAA-MM-JJ (reçu : « {raw[:40]} »)."
        ) from None


def _values(request, name):
    """Repeated parameters and comma-separated values alike."""
    return [value for raw in request.GET.getlist(name) for value in raw.split(",") if value]


class PublicPagesViewSet(PagesAPIViewSet):
    base_serializer_class = PublicPageSerializer
    pagination_class = Pagination
    filter_backends = []  # our own filters, in get_queryset: only documented parameters
    accepted_params = frozenset({"fields", "limit", "offset"})

    def check_query_parameters(self, queryset):
        check_params(self.request, self.accepted_params)

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            return Response({"error": "Aucune ressource publique à cette adresse."}, status=404)
        if isinstance(exc, BadRequestError):
            # Wagtail's own checks, on `fields` (the others are ours, in French).
            detail = str(exc).replace("unknown fields", "champs inconnus")
            return Response({"error": f"Paramètre « fields » invalide : {detail}."}, status=400)
        return super().handle_exception(exc)

    def public_ids(self):
        return self.get_base_queryset().values("pk")

    def get_base_queryset(self):
        # The site's own rule (ressources.permissions), for an anonymous visitor whoever asks:
        # Wagtail's default would let a logged-in caller see pages restricted to logged-in users.
        # Wagtail also puts this queryset in the serializer context (parent pages); its own
        # version reads every view restriction with its page on each request, ours stays lazy.
        return visible_pages(Page.objects.live(), AnonymousUser())

    def get_queryset(self):
        # Wagtail asks twice per listing (the serializer class needs the model): the filters are
        # parsed, checked and built once per request.
        if not hasattr(self, "_filtered"):
            self._filtered = self.filtered_queryset()
        return self._filtered

    def filtered_queryset(self):
        raise NotImplementedError

    @classmethod
    def get_urlpatterns(cls):
        # No "find/" view: its parameters (html_path) are not part of this API.
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "find"]


class RessourcesAPIViewSet(PublicPagesViewSet):
    name = "ressources"
    accepted_params = PublicPagesViewSet.accepted_params | {
        "type",
        "champ",
        "region",
        "cite",
        "public",
        "date_min",
        "date_max",
    }
    listing_default_fields = [
        *PublicPagesViewSet.listing_default_fields,
        "resume",
        "date",
        "champs_action",
        "publics_cibles",
        "portee",
        "cite",
    ]

    model = RessourcePage

    def filtered_queryset(self):
        request = self.request
        by_type = MODELS_BY_TYPE
        types = _values(request, "type")
        unknown = [value for value in types if value not in by_type]
        if unknown:
            raise APIError(
                f"Type inconnu : « {unknown[0][:40]} ». Valeurs acceptées : {', '.join(by_type)}."
            )
        # One type: its own model, so that its specific fields can be asked for in `fields`.
        model = by_type[types[0]] if len(set(types)) == 1 else RessourcePage
        pages = model.objects.filter(pk__in=self.public_ids())
        if len(types) > 1:
            pages = pages.type(*(by_type[value] for value in types))
        themes = _values(request, "champ")
        if themes:
            unknown = sorted(set(themes) - set(THEME_SLUGS))
            if unknown:
                raise APIError(
                    f"Champ d'action inconnu : « {unknown[0][:40]} ». Valeurs acceptées : "
                    f"{', '.join(THEME_SLUGS)}."
                )
            pages = pages.filter(_tagged(RessourcePage.themes.through, "theme", themes))
        regions = _values(request, "region")
        if regions:
            unknown = sorted(set(regions) - set(REGION_LABELS) - {"national"})
            if unknown:
                raise APIError(
                    f"Région inconnue : « {unknown[0][:40]} ». Valeurs acceptées : codes INSEE "
                    f"des régions ({', '.join(sorted(REGION_LABELS))}) ou national."
                )
            pages = pages.filter(region__in=regions)
        cites = _values(request, "cite")
        if cites:
            pages = pages.filter(cite__slug__in=cites, cite__is_published=True)
        publics = _values(request, "public")
        if publics:
            known = set(PublicCible.objects.values_list("slug", flat=True))
            unknown = sorted(set(publics) - known)
            if unknown:
                raise APIError(
                    f"Public cible inconnu : « {unknown[0][:40]} ». Valeurs acceptées : "
                    f"{', '.join(sorted(known))}."
                )
            pages = pages.filter(
                _tagged(RessourcePage.publics_cibles.through, "publiccible", publics)
            )
        date_min, date_max = _date(request, "date_min"), _date(request, "date_max")
        if date_min:
            pages = pages.filter(date__gte=date_min)
        if date_max:
            pages = pages.filter(date__lte=date_max)
        return (
            # `locale` is in `fields=*` (meta): without it, one query per item of the page.
            pages.select_related("cite", "content_type", "locale")
            .prefetch_related("themes", "publics_cibles")
            .order_by("-date", "-pk")
        )


def _tagged(through, target, slugs):
    """Pages with one of `slugs` in a many-to-many relation, as a semi-join: a join would need
    DISTINCT over the whole filtered library, counted and then paged (issue #19's bench)."""
    return Exists(
        through.objects.filter(ressourcepage_id=OuterRef("pk"), **{f"{target}__slug__in": slugs})
    )


class BulletinsAPIViewSet(PublicPagesViewSet):
    name = "bulletins"
    listing_default_fields = [*PublicPagesViewSet.listing_default_fields, "numero", "date"]

    model = BulletinPage

    def filtered_queryset(self):
        return (
            self.model.objects.filter(pk__in=self.public_ids())
            .select_related("content_type", "locale")
            .order_by("-number")
        )


def library_version(request):
    """The last entry of Wagtail's page log (id, time), read once per request through the
    primary key. Every change that can alter these listings is logged there: publishing,
    unpublishing, deleting, moving a page, adding or removing a view restriction. The latest
    publication date would miss an unpublished or restricted page (a partner polling with
    If-Modified-Since would be told nothing changed) and costs a scan of the library."""
    request = getattr(request, "_request", request)  # Django's request under DRF's
    if not hasattr(request, "_library_version"):
        request._library_version = (
            PageLogEntry.objects.order_by("-pk").values_list("pk", "timestamp").first()
        ) or (None, None)
    return request._library_version


def last_published(request, *args, **kwargs):
    return library_version(request)[1]


def _cached_count(request, queryset):
    """`total_count` is the same for every page of a listing until the library changes: counted
    once per version of the library and set of filters (the count of the visible library is
    the costliest query of a listing at 20,000 pages, docs/benchmarks.md)."""
    version = library_version(request)[0]
    if version is None:
        return queryset.count()
    filters = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if name not in ("offset", "limit", "fields")
        for value in values
    )
    digest = hashlib.sha256(repr((request.path, filters)).encode()).hexdigest()[:32]
    key = f"api:count:{version}:{digest}"
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, 24 * 3600)
    return count


def attach_api_fields():
    """APIField lists live on the page models (Wagtail reads `api_fields`), declared here so
    that the models stay free of serializer code."""
    RessourcePage.api_fields = COMMON_FIELDS
    for key, model in MODELS_BY_TYPE.items():
        model.api_fields = [*COMMON_FIELDS, *FIELDS_BY_TYPE[key]]
    BulletinPage.api_fields = BULLETIN_FIELDS


# --- OpenAPI -------------------------------------------------------------------------------------


def _query(name, schema, description):
    return {"name": name, "in": "query", "schema": schema, "description": description}


PAGE_META = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "example": "ressources.FicheDispositifPage"},
        "detail_url": {"type": "string", "format": "uri"},
        "html_url": {"type": "string", "format": "uri"},
        "slug": {"type": "string"},
        "first_published_at": {"type": "string", "format": "date-time", "nullable": True},
    },
}
RESSOURCE_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "meta": PAGE_META,
        "title": {"type": "string"},
        "resume": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "champs_action": {"type": "array", "items": {"type": "string", "enum": THEME_SLUGS}},
        "publics_cibles": {"type": "array", "items": {"type": "string"}},
        "portee": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "libelle": {"type": "string"}},
        },
        "cite": {
            "type": "object",
            "nullable": True,
            "properties": {"slug": {"type": "string"}, "nom": {"type": "string"}},
        },
        "corps_html": {"type": "string", "description": "HTML nettoyé (fiche : détail)."},
    },
}
BULLETIN_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "meta": PAGE_META,
        "title": {"type": "string"},
        "numero": {"type": "integer"},
        "date": {"type": "string", "format": "date"},
        "edito": {"type": "string"},
        "rubriques_html": {"type": "string"},
    },
}


def _listing(item_ref):
    return {
        "type": "object",
        "properties": {
            "meta": {
                "type": "object",
                "properties": {
                    "total_count": {"type": "integer"},
                    "next": {"type": "string", "format": "uri", "nullable": True},
                    "previous": {"type": "string", "format": "uri", "nullable": True},
                },
            },
            "items": {"type": "array", "items": {"$ref": item_ref}},
        },
    }


def register():
    attach_api_fields()
    paging = [
        _query("limit", {"type": "integer", "minimum": 1, "maximum": 20}, "Résultats par page."),
        _query("offset", {"type": "integer", "minimum": 0}, "Rang du premier résultat."),
        _query("fields", {"type": "string"}, "Champs à inclure (`*` : tous ; `-champ`)."),
    ]
    detail = {
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
            _query("fields", {"type": "string"}, "Champs à inclure."),
        ],
    }
    list_of = {"type": "string", "description": "Valeurs séparées par des virgules"}
    register_openapi(
        paths={
            "/api/v2/ressources/": {
                "get": {
                    "summary": "Bibliothèque : fiches, actions inspirantes, portraits, parcours",
                    "parameters": [
                        _query("type", list_of, "fiche, action, portrait, parcours"),
                        _query("champ", list_of, "Identifiant(s) de champ d'action."),
                        _query("region", list_of, "Code(s) INSEE de région ou `national`."),
                        _query("cite", list_of, "Identifiant(s) d'URL de cité."),
                        _query("public", list_of, "Public(s) cible(s)."),
                        _query("date_min", {"type": "string", "format": "date"}, "Depuis."),
                        _query("date_max", {"type": "string", "format": "date"}, "Jusqu'au."),
                        *paging,
                    ],
                    "responses": standard_responses(
                        _listing("#/components/schemas/Ressource"), "Ressources publiques."
                    ),
                }
            },
            "/api/v2/ressources/{id}/": {
                "get": {
                    "summary": "Une ressource publique (tous ses champs)",
                    **detail,
                    "responses": {
                        **standard_responses(
                            {"$ref": "#/components/schemas/Ressource"}, "La ressource."
                        ),
                        "404": {"description": "Absente, réservée ou non publiée."},
                    },
                }
            },
            "/api/v2/bulletins/": {
                "get": {
                    "summary": "Bulletins de veille publiés",
                    "parameters": paging,
                    "responses": standard_responses(
                        _listing("#/components/schemas/Bulletin"), "Bulletins."
                    ),
                }
            },
            "/api/v2/bulletins/{id}/": {
                "get": {
                    "summary": "Un bulletin de veille",
                    **detail,
                    "responses": {
                        **standard_responses(
                            {"$ref": "#/components/schemas/Bulletin"}, "Le bulletin."
                        ),
                        "404": {"description": "Absent ou non publié."},
                    },
                }
            },
        },
        schemas={"Ressource": RESSOURCE_SCHEMA, "Bulletin": BULLETIN_SCHEMA},
    )
