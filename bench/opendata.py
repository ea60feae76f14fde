"""Open data benchmark: the public APIs over up to 20,000 ressources (the same generated library
as bench/library.py): p50/p95 and SQL queries per request, which must not grow with the data.

Usage (a dedicated database: the script adds pages to it):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cde_bench .venv/bin/python bench/opendata.py
Options: --sizes 100,1000,20000  --requests 40
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import library as bench_library
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from cde_site.setup import setup_site
from ressources.models import RessourcePage
from ressources.setup import ensure_library

REQUESTS = [
    ("/api/v2/ressources/", {}),
    ("/api/v2/ressources/", {"type": "fiche", "champ": "mobilite"}),
    ("/api/v2/ressources/", {"region": "32", "public": "jeunes", "offset": "40"}),
    ("/api/v2/ressources/", {"fields": "*", "type": "action", "limit": "20"}),
    ("/api/v1/cites/", {}),
    ("/api/v1/cafes-cites/", {"periode": "toutes"}),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,20000")
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    settings.API_RATE_LIMIT = "0/60"  # the bench is one client asking a lot
    call_command("migrate", verbosity=0)
    library, _ = ensure_library(setup_site())
    client = Client()
    print(f"{'pages':>6} | {'requête':<58} | {'p50 ms':>7} | {'p95 ms':>7} | requêtes SQL")
    for size in (int(s) for s in args.sizes.split(",")):
        bench_library.generate(library, size)
        total = RessourcePage.objects.child_of(library).count()
        detail = RessourcePage.objects.child_of(library).filter(slug__startswith="bench-").last()
        rows = [*REQUESTS, (f"/api/v2/ressources/{detail.pk}/", {})]
        for url, params in rows:
            p50, p95, count = bench_library.measure(client, url, params, args.requests)
            label = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
            print(f"{total:>6} | {label[:58]:<58} | {p50:7.1f} | {p95:7.1f} | {count}", flush=True)


if __name__ == "__main__":
    main()
