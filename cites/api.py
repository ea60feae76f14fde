"""Open data: the public fiche d'identité of each cité (GET /api/v1/cites/, docs/api.md).

Never the coordination's contact details: the annuaire shows them to people, this API does not
hand them to robots."""

from django.db.models import Max, Prefetch
from django.http import JsonResponse
from django.urls import path

from cites.models import Cite
from cites.regions import REGION_LABELS
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
from themes.models import THEME_SLUGS, Theme

PARAMS = PAGINATION_PARAMS | {"region", "departement", "champ"}


def serialize(request, cite):
    return {
        "slug": cite.slug,
        "nom": cite.name,
        "nom_court": cite.short_name,
        "region": {"code": cite.region, "libelle": REGION_LABELS.get(cite.region, "")},
        "departement": {"code": cite.departement_code, "nom": cite.departement},
        "vague_labellisation": cite.wave,
        "date_labellisation": cite.labellisation_date.isoformat(),
        "structure_porteuse": cite.structure_porteuse,
        "quartiers_prioritaires": [
            {"nom": qpv.name, "commune": qpv.commune, "population": qpv.population}
            for qpv in cite.qpvs.all()
        ],
        "champs_prioritaires": [theme.slug for theme in cite.themes.all()],
        "publics_cibles": [public.slug for public in cite.publics_cibles.all()],
        "url": request.build_absolute_uri(cite.get_absolute_url()),
    }


def _queryset(request):
    cites = (
        Cite.objects.published()
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.ordered()), "qpvs", "publics_cibles"
        )
        .order_by("name", "pk")
    )
    region = request.GET.get("region")
    if region is not None:
        if region not in REGION_LABELS:
            raise APIError(
                f"Région inconnue : « {region[:40]} ». Valeurs acceptées (codes INSEE) : "
                f"{', '.join(sorted(REGION_LABELS))}."
            )
        cites = cites.filter(region=region)
    departement = request.GET.get("departement")
    if departement is not None:
        cites = cites.filter(departement_code=departement.strip().upper())
    theme = choice_param(request, "champ", THEME_SLUGS, "Champ d'action inconnu")
    if theme is not None:
        cites = cites.filter(themes__slug=theme)
    return cites


def _last_modified(request):
    return Cite.objects.aggregate(latest=Max("updated_at"))["latest"]


@public_api(params=PARAMS, last_modified=_last_modified)
def cites(request):
    return JsonResponse(paginate(request, _queryset(request), lambda c: serialize(request, c)))


urlpatterns = [path("cites/", cites, name="api_cites")]

CITE_SCHEMA = {
    "type": "object",
    "properties": {
        "slug": {"type": "string"},
        "nom": {"type": "string"},
        "nom_court": {"type": "string"},
        "region": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "libelle": {"type": "string"}},
        },
        "departement": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "nom": {"type": "string"}},
        },
        "vague_labellisation": {"type": "integer"},
        "date_labellisation": {"type": "string", "format": "date"},
        "structure_porteuse": {"type": "string"},
        "quartiers_prioritaires": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "nom": {"type": "string"},
                    "commune": {"type": "string"},
                    "population": {"type": "integer", "nullable": True},
                },
            },
        },
        "champs_prioritaires": {"type": "array", "items": {"type": "string"}},
        "publics_cibles": {"type": "array", "items": {"type": "string"}},
        "url": {"type": "string", "format": "uri"},
    },
}


def register():
    register_openapi(
        paths={
            "/api/v1/cites/": {
                "get": {
                    "summary": "Annuaire des cités de l'emploi",
                    "description": "Fiche d'identité publique de chaque cité (jamais les "
                    "coordonnées de la coordination).",
                    "parameters": [
                        {
                            "name": "region",
                            "in": "query",
                            "description": "Code INSEE de la région.",
                            "schema": {"type": "string", "enum": sorted(REGION_LABELS)},
                        },
                        {
                            "name": "departement",
                            "in": "query",
                            "description": "Code du département (ex. 62, 2A).",
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "champ",
                            "in": "query",
                            "schema": {"type": "string", "enum": THEME_SLUGS},
                        },
                        *PAGINATION_PARAMETERS,
                    ],
                    "responses": standard_responses(
                        paginated_schema("#/components/schemas/Cite"), "Cités."
                    ),
                }
            }
        },
        schemas={"Cite": CITE_SCHEMA},
    )
