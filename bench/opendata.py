"""Open data benchmark: the public APIs over up to 20,000 ressources (the same generated library
as bench/library.py): p50/p95 and SQL queries per request, which must not grow with the data.

Usage (a dedicated database: the script adds pages to it):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cde_bench .venv/bin/python bench/opendata.py
Options: --sizes 100,1000,20000  --requests 40
  --before REV: at the last size, also measures the code of git revision REV (extracted with
  `git archive`, run in a child process on the same database), alternating with the current code
  for --rounds rounds: before/after in one run, on a machine whose load varies.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
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


# Run by the child process in the extracted tree of --before: the same requests, the same timing.
BEFORE_SCRIPT = """
import json, os, sys, time
sys.path[:0] = [".", "platform", "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cde_site.settings.test")
import django
django.setup()
from django.conf import settings
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from library import measure
signals.request_started.disconnect(close_old_connections)
signals.request_finished.disconnect(close_old_connections)
settings.API_RATE_LIMIT = "0/60"
settings.ALLOWED_HOSTS = ["*"]
rows, requests = json.loads(sys.argv[1])
client = Client()
print(json.dumps([measure(client, url, params, requests) for url, params in rows]))
"""


def measure_before(tree, rows, requests):
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", BEFORE_SCRIPT, json.dumps([rows, requests])],
        cwd=tree,
        env=dict(os.environ),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def label(url, params):
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def before_after(client, rows, revision, requests, rounds):
    """p50/p95 of each request, current code and `revision` taking turns (the median of the
    rounds' figures): both sides see the same load."""
    now = {label(*row): [] for row in rows}
    before = {label(*row): [] for row in rows}
    with tempfile.TemporaryDirectory() as tree:
        bench_library.extract_revision(revision, tree)
        for _ in range(rounds):
            for row in rows:
                now[label(*row)].append(bench_library.measure(client, *row, requests))
            for row, measured in zip(rows, measure_before(tree, rows, requests), strict=True):
                before[label(*row)].append(measured)
    print(f"\nAvant ({revision}) / après, {rounds} tours alternés, médiane des tours :")
    print(f"{'requête':<58} | {'p95 avant':>9} | {'p95 après':>9} | ratio | SQL avant → après")
    for name in now:
        p95_before = statistics.median(m[1] for m in before[name])
        p95_now = statistics.median(m[1] for m in now[name])
        print(
            f"{name[:58]:<58} | {p95_before:9.1f} | {p95_now:9.1f} | {p95_now / p95_before:5.2f} | "
            f"{before[name][0][2]} → {now[name][0][2]}",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,20000")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--before", help="git revision to measure as well (before/after)")
    parser.add_argument("--rounds", type=int, default=3)
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
            name = label(url, params)
            print(f"{total:>6} | {name[:58]:<58} | {p50:7.1f} | {p95:7.1f} | {count}", flush=True)
    if args.before:
        before_after(client, rows, args.before, args.requests, args.rounds)


if __name__ == "__main__":
    main()
