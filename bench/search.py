"""Search benchmark: 20,000 generated ressources, full reindex time, and p50/p95 latency of
faceted queries on the Elasticsearch-API server and on the PostgreSQL fallback.

Usage (a dedicated database, created when missing: the script adds pages to it; an
osmem-server is started on loopback unless ELASTICSEARCH_URL is given):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cde_bench_search \
        .venv/bin/python bench/search.py [--size 20000] [--requests 40] [--before REV]

--before REV also measures the search code of git revision REV (extracted with `git archive`
into a temporary directory, run in a child process) on the same database and the same index,
right after the current code: before/after in one run.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cde_site.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402

from bench.library import extract_revision, generate  # noqa: E402
from cde_site.setup import setup_site  # noqa: E402
from ressources.models import RessourcePage  # noqa: E402
from ressources.setup import ensure_library  # noqa: E402
from search import service  # noqa: E402
from search.backends import elastic  # noqa: E402
from search.models import Entry  # noqa: E402
from search.query import parse  # noqa: E402

SUBJECTS = [
    "garde d'enfants", "permis de conduire", "mobilité solidaire", "illettrisme", "numérique",
    "mentorat", "logement des jeunes", "accès aux soins", "microcrédit", "clauses sociales",
    "crèche à vocation d'insertion", "remise à niveau", "forum de l'emploi", "job dating",
    "transport à la demande", "aide-soignante", "entrepreneuriat", "apprentissage",
]  # fmt: skip
VERBS = ["financer", "accompagner", "repérer", "orienter", "lever les freins", "former", "recruter"]
PUBLICS = ["des jeunes", "des femmes", "des seniors", "des parents isolés", "des résidents"]

QUERIES = [
    "q=mobilite",
    "q=garde+d'enfants&type=action",
    "q=permis+de+conduire&theme=mobilite&region=32",
    "q=illetrisme",  # typo
    "q=numerique&tri=date&page=3",
    "theme=logement&region=11",
    "q=accompagner+des+jeunes&type=fiche&theme=savoirs-de-base",
    "q=credit",
]


def describe(rows):
    """Varied French titles and summaries (the generator writes placeholders)."""
    rng = random.Random(42)
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE wagtailcore_page SET title = %s, draft_title = %s WHERE id = %s",
            [
                (title, title, pk)
                for pk, title in (
                    (pk, f"{rng.choice(SUBJECTS).capitalize()} : {rng.choice(VERBS)} "
                     f"{rng.choice(PUBLICS)} ({pk})")
                    for pk in rows
                )
            ],
        )  # fmt: skip
        cursor.executemany(
            "UPDATE ressources_ressourcepage SET summary = %s WHERE page_ptr_id = %s",
            [
                (
                    f"{rng.choice(VERBS).capitalize()} {rng.choice(PUBLICS)} autour de "
                    f"{rng.choice(SUBJECTS)} et de {rng.choice(SUBJECTS)}, avec les partenaires "
                    f"de la cité.",
                    pk,
                )
                for pk in rows
            ],
        )


def percentile(sorted_values, fraction):
    return sorted_values[max(0, int(len(sorted_values) * fraction) - 1)]


def measure(requests):
    """(backend, p50, p95 over every request, {query: (p50, p95)})."""
    timings = {query: [] for query in QUERIES}
    user = AnonymousUser()
    backend = ""
    for _ in range(requests):
        for query in QUERIES:
            start = time.perf_counter()
            response = service.search(user, parse(QueryDict(query)))
            timings[query].append((time.perf_counter() - start) * 1000)
            backend = response.backend
    every = sorted(t for values in timings.values() for t in values)
    per_query = {}
    for query, values in timings.items():
        values.sort()
        per_query[query] = (statistics.median(values), percentile(values, 0.95))
    return backend, statistics.median(every), percentile(every, 0.95), per_query


def report(backend, p50, p95, per_query):
    print(f"{backend:<15} | {p50:7.1f} | {p95:7.1f}")
    for query, (q50, q95) in per_query.items():
        print(f"    {query:<58} {q50:7.1f} | {q95:7.1f}")


BEFORE_SCRIPT = """
import json, os, sys, time
sys.path[:0] = [os.getcwd(), os.path.join(os.getcwd(), "platform")]
import django
django.setup()
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from search import service
from search.backends import elastic
from search.query import parse
queries, requests, url = json.loads(sys.argv[1])
out = {}
for name, engine_url in (("es", url), ("db", "")):
    settings.ELASTICSEARCH_URL = engine_url
    elastic.reset()
    timings = {query: [] for query in queries}
    backend = ""
    for _ in range(requests):
        for query in queries:
            start = time.perf_counter()
            response = service.search(AnonymousUser(), parse(QueryDict(query)))
            timings[query].append((time.perf_counter() - start) * 1000)
            backend = response.backend
    out[name] = [backend, timings]
print(json.dumps(out))
"""


def measure_before(revision, requests, url):
    """Timings of revision's search code, in a child process on the same database."""
    import json
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tree:
        extract_revision(revision, tree)
        env = {**os.environ, "ELASTICSEARCH_FRENCH_STEMMER": "snowball"}
        result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
            [sys.executable, "-c", BEFORE_SCRIPT, json.dumps([QUERIES, requests, url])],
            cwd=tree,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    reports = []
    for name in ("es", "db"):
        backend, timings = measured[name]
        every = sorted(t for values in timings.values() for t in values)
        per_query = {}
        for query, values in timings.items():
            values.sort()
            per_query[query] = (statistics.median(values), percentile(values, 0.95))
        reports.append((backend, statistics.median(every), percentile(every, 0.95), per_query))
    return reports


def create_database():
    """The dedicated database of DATABASE_URL, created when missing."""
    import psycopg

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    params = {k: v for k, v in {"host": database["HOST"], "port": database["PORT"], "user": database["USER"], "password": database["PASSWORD"]}.items() if v}  # fmt: skip
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{database["NAME"]}"')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--before", help="git revision to measure as well (before/after)")
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="one rebuild (mirror and index), no reindexing times: latency only",
    )
    args = parser.parse_args()
    create_database()
    call_command("migrate", verbosity=0)
    library, _ = ensure_library(setup_site())
    if generate(library, args.size):
        pks = list(
            RessourcePage.objects.child_of(library)
            .filter(slug__startswith="bench-")
            .values_list("pk", flat=True)
        )
        describe(pks)

    server = None
    if not os.environ.get("ELASTICSEARCH_URL"):
        from osmem_server import OsmemServer

        server = OsmemServer.start(japanese=False)
        settings.ELASTICSEARCH_URL = server.url
        settings.ELASTICSEARCH_FRENCH_STEMMER = "snowball"
        settings.ELASTICSEARCH_REPLICAS = 0
    elastic.reset()

    url = settings.ELASTICSEARCH_URL
    start = time.perf_counter()
    call_command("rebuild_search_index", restart=True, stdout=io.StringIO())
    total = time.perf_counter() - start
    if args.latency_only:
        print(f"Entrées indexées : {Entry.objects.count()} (réindexation : {total:.1f} s)")
    else:
        reindex_times(url, total)
    measure_all(args, url)
    if server:
        server.close()


def reindex_times(url, total):
    settings.ELASTICSEARCH_URL = ""
    elastic.reset()
    start = time.perf_counter()
    call_command("rebuild_search_index", restart=True, stdout=io.StringIO())
    mirror = time.perf_counter() - start
    settings.ELASTICSEARCH_URL = url
    elastic.reset()
    start = time.perf_counter()
    call_command("rebuild_search_index", restart=True, elastic_only=True, stdout=io.StringIO())
    load_only = time.perf_counter() - start
    print(f"Entrées indexées : {Entry.objects.count()}")
    print(f"Réindexation complète (recalcul + chargement + bascule d'alias) : {total:.1f} s")
    print(f"  recalcul des entrées depuis les pages seul (sans Elasticsearch) : {mirror:.1f} s")
    print(f"  chargement d'Elasticsearch et bascule seuls (--elastic-only) : {load_only:.1f} s")


def measure_all(args, url):
    print(
        f"{'moteur':<15} | {'p50 ms':>7} | {'p95 ms':>7}  ({len(QUERIES)} requêtes × {args.requests})"
    )
    print("Après (code courant)")
    report(*measure(args.requests))
    settings.ELASTICSEARCH_URL = ""
    elastic.reset()
    report(*measure(args.requests))
    if args.before:
        print(f"Avant ({args.before}, même base, même index)")
        for measured in measure_before(args.before, args.requests, url):
            report(*measured)


if __name__ == "__main__":
    main()
