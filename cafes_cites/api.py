"""Open data: the cafés-cités agenda (GET /api/v1/cafes-cites/, docs/api.md).

Public fields only: never the visio link (given to registrants), never who registered."""

from django.db.models import Max
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone

from cafes_cites.models import Session
from commons.api import (
    PAGINATION_PARAMETERS,
    PAGINATION_PARAMS,
    APIError,
    choice_param,
    paginate,
    paginated_schema,
    public_api,
    register_openapi,
    standard_responses,
)
from themes.models import THEME_SLUGS

PERIODS = {"a_venir", "passees", "toutes"}
PARAMS = PAGINATION_PARAMS | {"periode", "champ"}


def _absolute(request, url):
    return request.build_absolute_uri(url) if url else None


def serialize(request, session):
    return {
        "id": session.pk,
        "numero": session.number,
        "titre": session.title,
        "champs_action": [theme.slug for theme in session.themes.all()],
        # ISO 8601 with the Europe/Paris offset of that date (+01:00 or +02:00).
        "debut": session.local_start.isoformat(),
        "fin": session.local_end.isoformat(),
        "statut": session.status.value,
        "statut_libelle": session.status.label,
        "url": _absolute(request, session.get_absolute_url()),
        "url_inscription": None
        if session.is_cancelled or session.end <= timezone.now()
        else _absolute(request, session.get_absolute_url()),
        "url_replay": session.replay_url or None,
    }


def _queryset(request):
    period = request.GET.get("periode", "a_venir")
    if period not in PERIODS:
        raise APIError(
            f"« periode » inconnue : « {period[:40]} ». Valeurs acceptées : "
            f"{', '.join(sorted(PERIODS))}."
        )
    sessions = Session.objects.prefetch_related("themes")
    if period == "a_venir":
        sessions = sessions.upcoming()
    elif period == "passees":
        sessions = sessions.past()
    else:
        sessions = sessions.order_by("-start", "-pk")
    theme = choice_param(request, "champ", THEME_SLUGS, "Champ d'action inconnu")
    if theme is not None:
        sessions = sessions.filter(themes__slug=theme)
    return sessions


def _last_modified(request):
    return Session.objects.aggregate(latest=Max("updated_at"))["latest"]


@public_api(params=PARAMS, last_modified=_last_modified)
def sessions(request):
    return JsonResponse(paginate(request, _queryset(request), lambda s: serialize(request, s)))


urlpatterns = [path("cafes-cites/", sessions, name="api_cafes_cites")]

SESSION_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "numero": {"type": "integer", "nullable": True},
        "titre": {"type": "string"},
        "champs_action": {"type": "array", "items": {"type": "string", "enum": THEME_SLUGS}},
        "debut": {"type": "string", "format": "date-time", "example": "2026-12-15T10:00:00+01:00"},
        "fin": {"type": "string", "format": "date-time"},
        "statut": {"type": "string", "enum": ["a_venir", "en_cours", "termine", "annule"]},
        "statut_libelle": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "url_inscription": {"type": "string", "format": "uri", "nullable": True},
        "url_replay": {"type": "string", "format": "uri", "nullable": True},
    },
}


def register():
    register_openapi(
        paths={
            "/api/v1/cafes-cites/": {
                "get": {
                    "summary": "Agenda des cafés-cités",
                    "description": "Séances à venir (par défaut) ou passées. Jamais le lien de "
                    "visioconférence ni les inscrits.",
                    "parameters": [
                        {
                            "name": "periode",
                            "in": "query",
                            "schema": {"type": "string", "enum": sorted(PERIODS)},
                        },
                        {
                            "name": "champ",
                            "in": "query",
                            "schema": {"type": "string", "enum": THEME_SLUGS},
                        },
                        *PAGINATION_PARAMETERS,
                    ],
                    "responses": standard_responses(
                        paginated_schema("#/components/schemas/CafeCite"), "Séances."
                    ),
                }
            }
        },
        schemas={"CafeCite": SESSION_SCHEMA},
    )
