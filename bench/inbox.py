"""Mon espace benchmark (issue #15): a member of up to 50 groups holding up to 10,000 activity
lines (with their threads), registered to upcoming cafés-cités, with unread notifications. Times
GET /mon-espace/ (p50/p95) and counts its SQL queries at each size, in one run: the query count
must not move, the time must stay under 100 ms at p95.

Usage (use a dedicated database: the script adds rows to it):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cde_bench_inbox \
        .venv/bin/python bench/inbox.py
Options: --sizes 5x500,50x10000 (groups x activity lines)  --requests 60
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cde_site.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from cafes_cites.models import Registration, Session  # noqa: E402
from groups.models import Access, Activity, Group, Membership, Post, Role, Thread  # noqa: E402
from notifications.models import Notification  # noqa: E402
from tests.factories import CiteFactory  # noqa: E402


def person(email, **fields):
    user, _ = User.objects.get_or_create(email=email, defaults=fields)
    return user


def populate(prefix, groups, lines):
    """`groups` groups the reader belongs to, `lines` activity lines spread over them (one
    thread per line, half of them answered), a few sessions and notifications. Bulk inserts."""
    reader = person(f"{prefix}-lecteur@bench.example", first_name="Lou", last_name="Lecteur")
    writer = person(f"{prefix}-auteur@bench.example", first_name="Alix", last_name="Auteur")
    if Membership.objects.filter(user=reader).count() >= groups:
        return reader
    cite = CiteFactory()  # its reserved group is created with it (groups.signals)
    reader.cite = cite
    reader.save(update_fields=["cite"])
    created = Group.objects.bulk_create(
        Group(name=f"{prefix} groupe {n}", slug=f"{prefix}-groupe-{n}", access=Access.OPEN)
        for n in range(groups)
    )
    Membership.objects.bulk_create(
        [Membership(group=g, user=reader) for g in created]
        + [Membership(group=g, user=writer, role=Role.ANIMATEUR) for g in created]
    )
    now = timezone.now()
    # Joined a month ago; has visited every other group three hours ago.
    Membership.objects.filter(user=reader).update(joined_at=now - timedelta(days=30))
    Membership.objects.filter(user=reader, group__in=created[::2]).update(
        last_seen_at=now - timedelta(hours=3)
    )
    threads = Thread.objects.bulk_create(
        Thread(group=created[n % groups], author=writer, title=f"Sujet {n}") for n in range(lines)
    )
    Post.objects.bulk_create(
        [Post(thread=t, author=writer, body_html="<p>x</p>", is_opening=True) for t in threads]
        + [Post(thread=t, author=reader, body_html="<p>y</p>") for t in threads[::2]]
    )
    Activity.objects.bulk_create(
        Activity(
            group=t.group,
            actor=writer,
            verb=Activity.Verb.THREAD,
            target_title=t.title,
            target_url=f"/groupes/{t.group.slug}/discussions/{t.pk}/",
            created_at=now - timedelta(minutes=n),
        )
        for n, t in enumerate(threads)
    )
    sessions = Session.objects.bulk_create(
        Session(
            title=f"{prefix} séance {n}",
            start=now + timedelta(days=n + 1),
            end=now + timedelta(days=n + 1, hours=1),
        )
        for n in range(8)
    )
    Registration.objects.bulk_create(
        Registration(session=s, user=reader, status="confirmed") for s in sessions
    )
    Notification.objects.bulk_create(
        Notification(recipient=reader, kind="thread", title=f"Notification {n}", url="/")
        for n in range(200)
    )
    return reader


def timed(client, url, requests):
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


def measure(client, requests):
    client.get("/mon-espace/")  # warm up
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get("/mon-espace/")
    assert response.status_code == 200, response.status_code
    return len(queries), *timed(client, "/mon-espace/", requests)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="5x500,50x10000")
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"GET /mon-espace/ — {args.requests} requêtes par taille (Client Django, PostgreSQL)")
    print(
        "Référence mesurée dans le même passage : /notifications/ (page simple, même gabarit de "
        "base), pour lire les temps en rapport sur une machine partagée."
    )
    print(
        f"{'groupes':>8} {'activité':>9} {'requêtes SQL':>13} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'réf. p50':>9} {'réf. p95':>9}"
    )
    for size in args.sizes.split(","):
        groups, lines = (int(x) for x in size.split("x"))
        start = time.perf_counter()
        reader = populate(f"b{groups}-{lines}", groups, lines)
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum keeps them
            cursor.execute("ANALYZE")
        setup = time.perf_counter() - start
        client = Client()
        client.force_login(reader)
        count, p50, p95 = measure(client, args.requests)
        client.get("/notifications/")
        ref50, ref95 = timed(client, "/notifications/", args.requests)
        print(
            f"{groups:>8} {lines:>9} {count:>13} {p50:>8.1f} {p95:>8.1f} {ref50:>9.1f} "
            f"{ref95:>9.1f}   (données : {setup:.0f} s)"
        )


if __name__ == "__main__":
    main()
