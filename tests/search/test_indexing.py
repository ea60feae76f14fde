"""Index lifecycle on a real Elasticsearch-API server: analyzer definition, alias rebuild
(zero downtime, resumable), after-commit indexing, outage with database fallback and catch-up,
and the pending-updates command."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection, transaction
from django.http import QueryDict
from django.urls import reverse
from osmem_server import OsmemServer

from ressources.models import FicheDispositifPage
from search import service
from search.backends import elastic
from search.documents import MAPPING_VERSION, analysis_settings, build_index
from search.indexing import process_pending
from search.models import Entry, IndexRebuild, PendingUpdate
from search.query import parse
from tests.search.conftest import build_world, make_ressource, pause, resume, use_elasticsearch


def titles(user, q):
    return [hit.title for hit in service.search(user, parse(QueryDict(f"q={q}"))).hits]


@pytest.fixture
def es(settings, osmem_server):
    clone = osmem_server.clone()
    use_elasticsearch(settings, clone.url)
    yield elastic.get_backend()
    clone.close()
    elastic.reset()


def test_analyzer_definition_is_the_french_chain(settings):
    settings.ELASTICSEARCH_FRENCH_STEMMER = "light_french"
    analysis = analysis_settings()
    fr = analysis["analyzer"]["fr"]
    assert fr["tokenizer"] == "standard"
    assert fr["filter"] == [
        "fr_elision",
        "lowercase",
        "asciifolding",
        "fr_stop",
        "fr_protected",  # français/France kept apart (stemmer_override)
        "fr_plural",  # vélos -> vélo before the stemmer
        "fr_stemmer",
    ]
    assert analysis["filter"]["fr_stemmer"] == {"type": "stemmer", "language": "light_french"}
    assert analysis["filter"]["fr_elision"]["type"] == "elision"
    assert {"le", "la", "des", "pour"} <= set(analysis["filter"]["fr_stop"]["stopwords"])
    assert analysis["filter"]["fr_edge"]["type"] == "edge_ngram"


def test_analyzers_on_the_server(es, settings, tmp_path):
    build_world(settings, tmp_path)

    def tokens(analyzer, text):
        result = es.client.indices.analyze(index=es.alias, analyzer=analyzer, text=text)
        return [t["token"] for t in result["tokens"]]

    assert tokens("fr", "L’accès aux Crèches d'insertion") == ["acce", "crech", "insert"]
    assert tokens("fr", "Mobilités") == tokens("fr", "mobilite")
    assert tokens("fr_prefix", "Mob")[:2] == ["mo", "mob"]


def test_rebuild_swaps_the_alias_and_resumes_after_a_crash(es, settings, tmp_path, monkeypatch):
    world = build_world(settings, tmp_path)
    first_index = es.current_indices()
    assert len(first_index) == 1
    total = Entry.objects.count()

    # A crash in the middle of loading the new index: the old one keeps serving searches.
    calls = {"n": 0}
    load_rows = type(es).load_rows

    def crash_on_second_batch(self, rows, index):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("coupure simulée")
        return load_rows(self, rows, index)

    monkeypatch.setattr(type(es), "load_rows", crash_on_second_batch)
    with pytest.raises(ConnectionError):
        call_command("rebuild_search_index", batch_size=3, stdout=io.StringIO())
    state = IndexRebuild.objects.get(finished_at__isnull=True)
    assert state.phase == "elastic" and state.index_name and state.last_pk
    assert es.current_indices() == first_index
    assert world["fiche"].title in titles(AnonymousUser(), "permis")

    # An edit during the rebuild reaches both indices.
    world["fiche"].title = "Le permis de conduire pendant la reconstruction"
    world["fiche"].save_revision().publish()
    process_pending()

    monkeypatch.setattr(type(es), "load_rows", load_rows)
    out = io.StringIO()
    call_command("rebuild_search_index", batch_size=3, stdout=out)
    assert "Reprise" in out.getvalue()
    assert es.current_indices() == [state.index_name]
    assert es.count() == total
    assert "Le permis de conduire pendant la reconstruction" in titles(
        AnonymousUser(), "reconstruction"
    )
    assert not IndexRebuild.objects.filter(finished_at__isnull=True).exists()


def test_rebuild_recomputes_the_mirror(es, settings, tmp_path):
    build_world(settings, tmp_path)
    before = set(Entry.objects.values_list("key", flat=True))
    Entry.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert set(Entry.objects.values_list("key", flat=True)) == before
    assert "Index reconstruit" in out.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_indexing_happens_after_commit_only(es, settings, tmp_path):
    world = build_world(settings, tmp_path)
    library = world["library"]
    with transaction.atomic():
        make_ressource(
            library, FicheDispositifPage, "aide-ornithorynque", title="Aide ornithorynque"
        )
        assert PendingUpdate.objects.exists()  # written in the edit's transaction
        assert titles(AnonymousUser(), "ornithorynque") == []  # nothing indexed before commit
    assert titles(AnonymousUser(), "ornithorynque") == ["Aide ornithorynque"]
    assert not PendingUpdate.objects.exists()

    with pytest.raises(RuntimeError), transaction.atomic():
        make_ressource(library, FicheDispositifPage, "aide-annulee", title="Aide annulée")
        raise RuntimeError
    assert not PendingUpdate.objects.exists()
    assert titles(AnonymousUser(), "annulée") == []


@pytest.fixture
def own_server(settings):
    """A dedicated server whose process the test can freeze."""
    server = OsmemServer.start(japanese=False)
    use_elasticsearch(settings, server.url)
    yield server
    resume(server.process)
    server.close()
    elastic.reset()


def test_outage_falls_back_and_catches_up(own_server, settings, tmp_path):
    world = build_world(settings, tmp_path)
    settings.ELASTICSEARCH_RETRY_AFTER = 60
    # The frozen server fails the bulk write after this, not production's 60 s; ample for one
    # document once it answers again (the world above was indexed with the default).
    settings.ELASTICSEARCH_BULK_TIMEOUT = 10
    assert not PendingUpdate.objects.exists()
    backend = elastic.get_backend()
    assert backend.count() == Entry.objects.count()
    fiche = world["fiche"]

    pause(own_server.process)  # Elasticsearch stops answering
    fiche.title = "Le permis de conduire pendant la panne"
    fiche.save_revision().publish()
    indexed, failed = process_pending()
    assert (indexed, failed) == (0, 1)
    row = PendingUpdate.objects.get()
    assert row.attempts == 1 and row.last_error
    out = io.StringIO()
    call_command("search_pending", stdout=out)
    assert "1 mise à jour en attente" in out.getvalue()

    # Searches answer from the database, flagged as degraded, with the edit already visible.
    response = service.search(AnonymousUser(), parse(QueryDict("q=panne")))
    # The database answers: PostgreSQL, or SQLite under `make test` without DATABASE_URL.
    assert response.degraded and response.backend == connection.vendor
    assert [hit.title for hit in response.hits] == ["Le permis de conduire pendant la panne"]

    resume(own_server.process)  # back
    # Edits meanwhile do not wait on Elasticsearch again: deferred to the catch-up run.
    assert process_pending() == (0, 1)
    assert PendingUpdate.objects.get().attempts == 1
    out = io.StringIO()
    call_command("search_pending", process=True, stdout=out)
    assert "1 indexée, 0 toujours en attente" in out.getvalue()
    assert not PendingUpdate.objects.exists()
    response = service.search(AnonymousUser(), parse(QueryDict("q=panne")))
    assert response.backend == "elasticsearch" and not response.degraded
    assert [hit.title for hit in response.hits] == ["Le permis de conduire pendant la panne"]


def test_search_without_index_falls_back(settings, osmem_server):
    clone = osmem_server.clone()
    use_elasticsearch(settings, clone.url)
    response = service.search(AnonymousUser(), parse(QueryDict("q=emploi")))
    assert response.degraded and response.backend != "elasticsearch"
    clone.close()
    elastic.reset()


def test_pending_command_when_empty():
    out = io.StringIO()
    call_command("search_pending", stdout=out)
    assert "Aucune mise à jour en attente" in out.getvalue()


def test_an_index_built_by_an_older_version_asks_for_a_rebuild(es, settings, tmp_path, client):
    build_world(settings, tmp_path)
    assert es.mapping_version() == MAPPING_VERSION and not es.needs_rebuild()
    # An index as an earlier release built it: no recorded mapping version, no `facets` field.
    body = build_index("older").to_dict()
    del body["mappings"]["_meta"], body["mappings"]["properties"]["facets"]
    es.client.indices.create(index="cites-emploi-older", **body)
    es.swap_alias("cites-emploi-older")
    assert es.mapping_version() == 0 and es.needs_rebuild()

    out = io.StringIO()
    call_command("search_pending", stdout=out)
    assert "lancez « manage.py rebuild_search_index »" in out.getvalue()
    assert client.get(reverse("health")).json()["search_index"] == "à reconstruire"

    call_command("rebuild_search_index", restart=True, stdout=io.StringIO())
    assert es.mapping_version() == MAPPING_VERSION
    out = io.StringIO()
    call_command("search_pending", stdout=out)
    assert "rebuild_search_index" not in out.getvalue()
    assert client.get(reverse("health")).json()["search_index"] == "ok"
