"""The search API's entry in the OpenAPI description (commons.api, served at /api/schema/)."""

from commons.api import register_openapi

RESULT_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "url": {"type": "string"},
        "snippet": {"type": "string", "description": "HTML sûr : seuls des <mark> ajoutés."},
        "themes": {"type": "array", "items": {"type": "string"}},
        "date": {"type": "string", "format": "date", "nullable": True},
    },
}


def register():
    query = [
        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
        *(
            {"name": name, "in": "query", "schema": {"type": "string"}}
            for name in ("type", "theme", "region", "cite", "public", "date_min", "date_max", "tri")
        ),
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "page_size", "in": "query", "schema": {"type": "integer", "maximum": 50}},
    ]
    register_openapi(
        paths={
            "/api/v1/recherche/": {
                "get": {
                    "summary": "Recherche plein texte à facettes",
                    "description": "Répond avec les droits de la personne connectée (cookie de "
                    "session) ; sans session, seulement les contenus publics.",
                    "parameters": query,
                    "responses": {
                        "200": {
                            "description": "Résultats, facettes, suggestion.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "count": {"type": "integer"},
                                            "page": {"type": "integer"},
                                            "page_size": {"type": "integer"},
                                            "results": {
                                                "type": "array",
                                                "items": {
                                                    "$ref": "#/components/schemas/ResultatRecherche"
                                                },
                                            },
                                            "facets": {"type": "object"},
                                            "did_you_mean": {"type": "string", "nullable": True},
                                            "degraded": {"type": "boolean"},
                                            "exact_count": {
                                                "type": "integer",
                                                "description": "Nombre de résultats qui "
                                                "contiennent tous les mots cherchés (au-delà de "
                                                "deux mots : le minimum de mots exigé). Quand il "
                                                "y en a moins de 10, des résultats approchants, "
                                                "qui n'en contiennent qu'une partie, complètent "
                                                "la liste : ils viennent toujours après, aux "
                                                "rangs exact_count + 1 à count (toutes pages "
                                                "confondues) ; count et les facettes comptent "
                                                "toute la liste. Égal à count sans résultats "
                                                "approchants.",
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "400": {"description": "Paramètre invalide."},
                    },
                }
            }
        },
        schemas={"ResultatRecherche": RESULT_SCHEMA},
    )
