"""Library benchmark: generate up to 20,000 ressources, then time the library index (with
filters) and a detail page, and count SQL queries per page at 100, 1,000 and 20,000 pages.

Usage (use a dedicated database: the script adds pages to it):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cde_bench .venv/bin/python bench/library.py
Options: --sizes 100,1000,20000  --requests 30
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cde_site.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page  # noqa: E402

from cde_site.setup import setup_site  # noqa: E402
from cites.models import Cite  # noqa: E402
from cites.regions import REGIONS  # noqa: E402
from ressources.models import (  # noqa: E402
    ActionInspirantePage,
    FicheDispositifPage,
    RessourcePage,
)
from ressources.setup import ensure_library  # noqa: E402
from themes.models import PublicCible, Theme  # noqa: E402

QUERIES = [
    {},
    {"theme": "mobilite"},
    {"theme": "mobilite", "type": "action", "tri": "titre"},
    {"region": "32", "public": "jeunes", "page": "3"},
]


def generate(library, target):
    """Bulk insert (one INSERT per table and batch): add_child would take over an hour for
    20,000 pages on a loaded 2-core machine. The rows are what Wagtail itself would write."""
    existing = RessourcePage.objects.child_of(library).filter(slug__startswith="bench-").count()
    if existing >= target:
        return 0
    start = time.perf_counter()
    themes = list(Theme.objects.all())
    publics = list(PublicCible.objects.all())
    regions = [code for code, _ in REGIONS]
    cites = list(Cite.objects.values_list("pk", flat=True)) or [None]
    types = {
        model: ContentType.objects.get_for_model(model).pk
        for model in (FicheDispositifPage, ActionInspirantePage)
    }
    step = _last_step(library)
    now = timezone.now()
    rows = []
    for n in range(existing, target):
        step += 1
        model = ActionInspirantePage if n % 3 == 0 else FicheDispositifPage
        page = Page(
            title=f"Ressource de test {n}",
            draft_title=f"Ressource de test {n}",
            slug=f"bench-{n}",
            path=library._get_path(library.path, library.depth + 1, step),
            depth=library.depth + 1,
            numchild=0,
            url_path=f"{library.url_path}bench-{n}/",
            live=True,
            content_type_id=types[model],
            locale_id=library.locale_id,
            first_published_at=now,
            last_published_at=now,
        )
        rows.append((n, model, page))
    with transaction.atomic():
        Page.objects.bulk_create([page for _, _, page in rows], batch_size=2000)
        _insert_rows(
            RessourcePage,
            [
                {
                    "page_ptr_id": page.pk,
                    "summary": "Un dispositif ou une action générés pour mesurer la bibliothèque.",
                    "date": datetime.date(2020, 1, 1) + datetime.timedelta(days=n % 1500),
                    "region": regions[n % len(regions)],
                    "cite_id": cites[n % len(cites)] if model is ActionInspirantePage else None,
                }
                for n, model, page in rows
            ],
        )
        _insert_rows(
            FicheDispositifPage,
            [
                {"ressourcepage_ptr_id": page.pk, "porteur": "Porteur"}
                for _, model, page in rows
                if model is FicheDispositifPage
            ],
        )
        _insert_rows(
            ActionInspirantePage,
            [
                {"ressourcepage_ptr_id": page.pk}
                for _, model, page in rows
                if model is ActionInspirantePage
            ],
        )
        RessourcePage.themes.through.objects.bulk_create(
            [
                RessourcePage.themes.through(ressourcepage_id=page.pk, theme_id=theme.pk)
                for n, _, page in rows
                for theme in {themes[n % 8], themes[(n * 7 + 3) % 8]}
            ],
            batch_size=5000,
        )
        RessourcePage.publics_cibles.through.objects.bulk_create(
            [
                RessourcePage.publics_cibles.through(
                    ressourcepage_id=page.pk, publiccible_id=publics[n % len(publics)].pk
                )
                for n, _, page in rows
            ],
            batch_size=5000,
        )
        Page.objects.filter(pk=library.pk).update(numchild=Page.objects.child_of(library).count())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum would do after such a load
    print(f"  génération de {len(rows)} pages : {time.perf_counter() - start:.0f} s", flush=True)
    return len(rows)


def _insert_rows(model, rows):
    """Rows of one table of a multi-table page model (Django's bulk_create cannot write those):
    the given columns, every other column of that table at its field's default, so that a field
    added later to the model does not break the bench."""
    fields = list(model._meta.local_concrete_fields)
    columns = [field.column for field in fields]
    defaults = {
        field.column: field.get_db_prep_save(field.get_default(), connection) for field in fields
    }
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 (model metadata, no input)
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[row.get(c, defaults[c]) for c in columns] for row in rows])


def extract_revision(revision, tree):
    """The files of git revision `revision` in directory `tree` (the "before" of --before)."""
    import subprocess

    archive = subprocess.run(  # noqa: S603 - fixed command, revision given by the operator
        ["git", "-C", str(ROOT), "archive", revision],  # noqa: S607
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)  # noqa: S603, S607


def _last_step(library):
    last = library.get_last_child()
    return library.numconv_obj().str2int(last.path[-library.steplen :]) if last else 0


def measure(client, url, params, requests):
    timings = []
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url, params)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return statistics.median(timings), p95, len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,20000")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    # As in Django's test runner: keep one connection so queries can be counted.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    call_command("migrate", verbosity=0)
    library, _ = ensure_library(setup_site())
    client = Client()
    print(f"{'pages':>6} | {'page mesurée':<45} | {'p50 ms':>7} | {'p95 ms':>7} | requêtes SQL")
    for size in (int(s) for s in args.sizes.split(",")):
        generate(library, size)
        total = RessourcePage.objects.child_of(library).count()
        detail = RessourcePage.objects.child_of(library).filter(slug__startswith="bench-").last()
        rows = [(library.url, params) for params in QUERIES] + [(detail.url, {})]
        for url, params in rows:
            p50, p95, count = measure(client, url, params, args.requests)
            label = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
            print(f"{total:>6} | {label[:45]:<45} | {p50:7.1f} | {p95:7.1f} | {count}", flush=True)


if __name__ == "__main__":
    main()
