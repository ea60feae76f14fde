"""Open data APIs (docs/api.md): the library (Wagtail API v2), the cafés-cités agenda, the cités,
the OpenAPI description, and what every public endpoint shares (CORS, ETag, rate limit, errors)."""

import datetime
import json
import time

import pytest
from django.utils import timezone
from django.utils.http import parse_http_date
from openapi_spec_validator import validate
from wagtail.models import PageViewRestriction

from cafes_cites.models import Registration
from cde_site.setup import setup_site
from ressources.models import ActionInspirantePage, BulletinPage
from ressources.setup import ensure_library
from tests.factories import CiteFactory
from tests.factories.cafes_cites import make_session
from tests.factories.ressources import make_ressource
from tests.utils import clear_cache
from themes.models import Theme

ENDPOINTS = ["/api/v2/ressources/", "/api/v2/bulletins/", "/api/v1/cafes-cites/", "/api/v1/cites/"]


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def library():
    library, archive = ensure_library(setup_site())
    library.archive = archive
    return library


@pytest.fixture
def world(library, member):
    public = make_ressource(
        library,
        slug="permis-solidaire",
        body=[("paragraph", "<p>Un <b>permis</b> <script>alert(1)</script>financé.</p>")],
        publics=["jeunes"],
        region="32",
        cite=member.cite,
    )
    action = make_ressource(
        library, slug="atelier-velo", model=ActionInspirantePage, themes=["mobilite"]
    )
    reserved = make_ressource(library, slug="annexe-reservee", members_only=True)
    draft = make_ressource(library, slug="brouillon")
    draft.unpublish()
    bulletin = BulletinPage(title="Numéro 12", slug="12", number=12, intro="Édito")
    library.archive.add_child(instance=bulletin)
    bulletin.save_revision().publish()
    now = timezone.now()
    winter = make_session(
        datetime.datetime(2031, 1, 15, 9, 0, tzinfo=datetime.UTC),
        number=40,
        video_url="https://visio.example/secret-room",
    )
    winter.themes.set(Theme.objects.filter(slug="mobilite"))
    winter.save()  # ParentalManyToManyField values are written on save
    summer = make_session(datetime.datetime(2031, 7, 15, 8, 0, tzinfo=datetime.UTC), number=41)
    past = make_session(now - datetime.timedelta(days=30), replay_url="https://replay.example/1")
    Registration.objects.create(session=winter, user=member)
    return {
        "public": public,
        "action": action,
        "reserved": reserved,
        "draft": draft,
        "bulletin": bulletin,
        "winter": winter,
        "summer": summer,
        "past": past,
        "member": member,
    }


def get_json(client, url, **headers):
    response = client.get(url, **headers)
    assert response["Content-Type"].startswith("application/json"), url
    return response, response.json()


@pytest.mark.parametrize("url", [*ENDPOINTS, "/api/schema/"])
def test_every_endpoint_answers_the_same_to_anyone(role_client, world, url):
    """Public APIs: the same bytes whoever asks (so that they can be cached and shared)."""
    from django.test import Client

    anonymous = Client().get(url)
    response = role_client.get(url)
    assert response.status_code == anonymous.status_code == 200
    assert response.content == anonymous.content
    assert response["Access-Control-Allow-Origin"] == "*"


def test_library_lists_public_live_pages_only(client, world, member):
    client.force_login(member)  # a member may read the reserved page on the site, not here
    _, data = get_json(client, "/api/v2/ressources/")
    slugs = {item["meta"]["slug"] for item in data["items"]}
    assert slugs == {"permis-solidaire", "atelier-velo"}
    assert data["meta"]["total_count"] == 2
    for slug in ("annexe-reservee", "brouillon"):
        page = world["reserved"] if slug == "annexe-reservee" else world["draft"]
        response = client.get(f"/api/v2/ressources/{page.pk}/")
        assert response.status_code == 404
        assert response.json() == {"error": "Aucune ressource publique à cette adresse."}
    # Filters never reveal a hidden page either.
    _, data = get_json(client, "/api/v2/ressources/?type=fiche")
    assert [item["meta"]["slug"] for item in data["items"]] == ["permis-solidaire"]


def test_library_fields_filters_and_sanitised_body(client, world):
    _, data = get_json(client, "/api/v2/ressources/?type=fiche&champ=mobilite&region=32")
    (item,) = data["items"]
    assert item["resume"] == "Résumé de permis-solidaire"
    assert item["champs_action"] == ["mobilite"]
    assert item["publics_cibles"] == ["jeunes"]
    assert item["portee"] == {"code": "32", "libelle": "Hauts-de-France"}
    assert item["cite"]["slug"] == world["member"].cite.slug
    _, detail = get_json(client, f"/api/v2/ressources/{world['public'].pk}/")
    assert "<b>permis</b>" in detail["corps_html"]
    assert "<script" not in detail["corps_html"]
    assert "porteur" in detail and "financement" in detail
    assert get_json(client, "/api/v2/ressources/?public=seniors")[1]["items"] == []
    assert get_json(client, "/api/v2/ressources/?date_min=2100-01-01")[1]["items"] == []
    _, data = get_json(client, "/api/v2/ressources/?type=action,fiche")
    assert data["meta"]["total_count"] == 2
    _, data = get_json(client, "/api/v2/bulletins/")
    assert [(item["numero"], item["title"]) for item in data["items"]] == [(12, "Numéro 12")]


def test_library_pagination_links(client, library):
    for number in range(25):
        make_ressource(library, slug=f"fiche-{number:02d}")
    _, first = get_json(client, "/api/v2/ressources/?limit=10")
    assert first["meta"]["total_count"] == 25 and len(first["items"]) == 10
    assert first["meta"]["previous"] is None
    assert first["meta"]["next"].startswith("http://testserver/api/v2/ressources/?")
    _, second = get_json(client, first["meta"]["next"].removeprefix("http://testserver"))
    assert second["meta"]["previous"] and second["meta"]["next"]
    _, last = get_json(client, second["meta"]["next"].removeprefix("http://testserver"))
    assert len(last["items"]) == 5 and last["meta"]["next"] is None
    seen = [item["id"] for page in (first, second, last) for item in page["items"]]
    assert len(set(seen)) == 25


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/v2/ressources/?theme=mobilite", "Paramètre inconnu : « theme »"),
        ("/api/v2/ressources/?type=fiches", "Type inconnu : « fiches »"),
        ("/api/v2/ressources/?champ=cuisine", "Champ d'action inconnu : « cuisine »"),
        ("/api/v2/ressources/?region=99", "Région inconnue : « 99 »"),
        ("/api/v2/ressources/?date_min=hier", "« date_min » doit être une date AAAA-MM-JJ"),
        ("/api/v2/ressources/?limit=500", "« limit » ne peut pas dépasser"),
        ("/api/v2/ressources/?offset=-3", "« offset » doit être au moins 0"),
        ("/api/v2/ressources/?fields=inconnu", "Paramètre « fields » invalide"),
        ("/api/v1/cafes-cites/?periode=demain", "« periode » inconnue"),
        ("/api/v1/cafes-cites/?visio=1", "Paramètre inconnu : « visio »"),
        ("/api/v1/cites/?page=zero", "« page » doit être un nombre entier"),
        ("/api/v1/cites/?page_size=1000", "« page_size » doit être entre 1 et 100"),
        ("/api/v1/cites/?region=99", "Région inconnue"),
        ("/api/schema/?format=yaml", "Paramètre inconnu : « format »"),
    ],
)
def test_bad_parameters_get_a_french_400(client, world, url, message):
    response, data = get_json(client, url)
    assert response.status_code == 400
    assert message in data["error"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_unknown_parameter_lists_the_accepted_ones(client, world):
    _, data = get_json(client, "/api/v1/cites/?regoin=32")
    assert data["parametres_acceptes"] == ["champ", "departement", "page", "page_size", "region"]


def test_cafes_cites_agenda(client, world):
    _, data = get_json(client, "/api/v1/cafes-cites/")
    assert [item["numero"] for item in data["results"]] == [40, 41]
    winter, summer = data["results"]
    assert winter["debut"] == "2031-01-15T10:00:00+01:00"  # Europe/Paris, winter
    assert summer["debut"] == "2031-07-15T10:00:00+02:00"  # Europe/Paris, summer
    assert winter["champs_action"] == ["mobilite"]
    assert winter["statut"] == "a_venir"
    assert winter["url_inscription"].endswith(world["winter"].get_absolute_url())
    body = json.dumps(data)
    assert "visio.example" not in body  # never the visio link
    assert world["member"].email not in body and "inscrit" not in body  # never registrants
    _, past = get_json(client, "/api/v1/cafes-cites/?periode=passees")
    assert [item["url_replay"] for item in past["results"]] == ["https://replay.example/1"]
    assert past["results"][0]["url_inscription"] is None
    _, themed = get_json(client, "/api/v1/cafes-cites/?champ=logement&periode=toutes")
    assert themed["count"] == 0


def test_cites_directory_never_gives_contacts(client, world):
    hidden = CiteFactory(is_published=False)
    _, data = get_json(client, "/api/v1/cites/")
    slugs = [item["slug"] for item in data["results"]]
    assert world["member"].cite.slug in slugs and hidden.slug not in slugs
    body = json.dumps(data)
    cite = world["member"].cite
    for secret in (cite.coordinator_email, cite.coordinator_name, cite.coordinator_phone):
        assert secret not in body
    item = data["results"][slugs.index(cite.slug)]
    assert item["quartiers_prioritaires"] == [
        {"nom": "Quartier des Tests", "commune": "Testville", "population": 4200}
    ]
    assert item["region"] == {"code": "32", "libelle": "Hauts-de-France"}
    assert get_json(client, "/api/v1/cites/?departement=75")[1]["count"] == 0


@pytest.mark.parametrize("url", ENDPOINTS)
def test_conditional_requests(client, world, url):
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    assert first["Cache-Control"].startswith("public") or "public" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"autre"').status_code == 200
    if first.has_header("Last-Modified"):
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304


def test_a_change_changes_the_etag(client, world):
    first = client.get("/api/v2/ressources/")
    world["action"].title = "Atelier vélo rebaptisé"
    world["action"].save_revision().publish()
    response = client.get("/api/v2/ressources/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    assert "rebaptisé" in response.content.decode()


@pytest.mark.parametrize("change", ["unpublish", "restrict"])
def test_a_page_leaving_the_open_data_is_not_a_304(client, world, change):
    """A partner polling with If-Modified-Since (no ETag kept) learns that a page left the
    listing: the latest publication date alone would not move, and the cached count neither."""
    first = client.get("/api/v2/ressources/")
    assert first.json()["meta"]["total_count"] == 2
    # HTTP dates have a one-second resolution: the change must fall in a later second.
    time.sleep(1.1)
    if change == "unpublish":
        world["action"].unpublish()
    else:
        PageViewRestriction.objects.create(
            page=world["action"], restriction_type=PageViewRestriction.LOGIN
        )
    response = client.get("/api/v2/ressources/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert response.status_code == 200
    assert response.json()["meta"]["total_count"] == 1
    assert parse_http_date(response["Last-Modified"]) > parse_http_date(first["Last-Modified"])


def test_read_only_and_cors(client, world):
    preflight = client.options(
        "/api/v1/cites/",
        HTTP_ORIGIN="https://www.prefecture.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    response = client.post("/api/v1/cites/")
    assert response.status_code == 405
    assert "lecture seule" in response.json()["error"]


def test_rate_limit_per_ip(client, world, settings):
    settings.API_RATE_LIMIT = "3/60"
    for _ in range(3):
        assert client.get("/api/v1/cites/", REMOTE_ADDR="203.0.113.5").status_code == 200
    response = client.get("/api/v2/ressources/", REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert response.json()["error"].startswith("Trop de requêtes depuis votre adresse")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert client.get("/api/v1/cites/", REMOTE_ADDR="203.0.113.6").status_code == 200


def test_openapi_description_is_valid_and_complete(client, world):
    from openapi_schema_validator import OAS30Validator

    _, schema = get_json(client, "/api/schema/")
    validate(schema)
    assert set(schema["paths"]) >= {
        "/api/v1/cafes-cites/",
        "/api/v1/cites/",
        "/api/v2/ressources/",
        "/api/v2/ressources/{id}/",
        "/api/v2/bulletins/",
        "/api/v2/bulletins/{id}/",
        "/api/v1/recherche/",
    }
    # Each answer validates against the schema it is described by.
    for path in ("/api/v1/cafes-cites/", "/api/v1/cites/", "/api/v2/ressources/"):
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        validator = OAS30Validator({**ok["schema"], "components": schema["components"]})
        validator.validate(get_json(client, path)[1])


def test_docs_describe_every_public_endpoint(client, world):
    """docs/api.md carries the rendered description (manage.py openapi_markdown): it must not
    drift from what the site serves."""
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command

    out = StringIO()
    call_command("openapi_markdown", stdout=out)
    docs = (settings.BASE_DIR / "docs" / "api.md").read_text(encoding="utf-8")
    assert out.getvalue().strip() in docs


@pytest.mark.parametrize("query", ["", "?fields=*", "?fields=*&type=fiche"])
def test_listing_query_count_does_not_grow(client, library, django_assert_max_num_queries, query):
    # `fields=*` adds the meta fields (locale…): each must be read for the whole page at once.
    for number in range(3):
        make_ressource(library, slug=f"petit-{number}")
    with django_assert_max_num_queries(12) as small:
        assert client.get(f"/api/v2/ressources/{query}").status_code == 200
    for number in range(20):
        make_ressource(library, slug=f"grand-{number}", publics=["jeunes", "femmes"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"/api/v2/ressources/{query}").status_code == 200
