"""Pilotage benchmark: ANCT's dashboard and exports over a small network, then over
90 cités × 24 quarters × 60 indicators (≈ 130,000 answers).

For each size it prints the dashboard's and an indicator page's p50/p95 and SQL query count, then
the full XLSX export time (every answer, one line per cité × indicator × quarter). The query
counts of the two sizes must be equal: the pages read values in a fixed number of queries.

Usage (a dedicated database: the script adds cités, campaigns and answers to it):
    createdb -h 127.0.0.1 -U postgres cde_pilotage_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cde_pilotage_bench \
        uv run python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cde_pilotage_bench \
        uv run python bench/pilotage.py [--requests 30]
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cde_site.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import make_anct_staff  # noqa: E402
from cites.models import Cite  # noqa: E402
from cites.regions import REGIONS  # noqa: E402
from pilotage import services  # noqa: E402
from pilotage.models import (  # noqa: E402
    Aggregation,
    Answer,
    Breakdown,
    Campaign,
    CampaignStatus,
    Enjeu,
    Indicator,
    Kind,
    Response,
    ResponseStatus,
)
from themes.models import Theme  # noqa: E402

ENJEUX = [Enjeu.COOPERATION, Enjeu.DROIT_COMMUN, Enjeu.OFFRE_SPECIFIQUE]


def ensure_referentiel(count):
    for n in range(Indicator.objects.filter(code__startswith="bench-").count(), count):
        kind = [Kind.INTEGER, Kind.INTEGER, Kind.PERCENTAGE, Kind.YES_NO, Kind.DECIMAL][n % 5]
        Indicator.objects.create(
            code=f"bench-{n:02d}",
            label=f"Indicateur de test {n}",
            enjeu=ENJEUX[n % 3],
            kind=kind,
            position=n,
            aggregation={
                Kind.PERCENTAGE: Aggregation.MEDIAN,
                Kind.YES_NO: Aggregation.YES_COUNT,
            }.get(kind, Aggregation.SUM),
            breakdown=Breakdown.THEMES if n % 10 == 0 else "",
            is_public=n % 7 == 0,
        )


def ensure_cites(count):
    regions = [code for code, _ in REGIONS]
    themes = list(Theme.objects.all())
    for n in range(Cite.objects.filter(slug__startswith="bench-").count(), count):
        cite = Cite.objects.create(
            name=f"Cité de test {n}",
            short_name=f"Test {n}",
            slug=f"bench-{n}",
            code=f"cde-{900 - n:03d}" if n < 100 else f"cde-{n:03d}",
            region=regions[n % len(regions)],
            departement_code=f"{n % 95 + 1:02d}",
            departement=f"Département {n % 95 + 1}",
            structure_porteuse="Structure",
            copilote_prefecture="Préfecture",
            copilote_collectivite="Collectivité",
            wave=n % 3 + 1,
            labellisation_date=date(2021, 1, 1),
            coordinator_name="Test",
            coordinator_email=f"bench{n}@example.org",
        )
        cite.themes.set(random.Random(n).sample(themes, 3))


def ensure_answers(cites, quarters, anct):
    """Campaigns opened through the service (frozen version), answers bulk-inserted."""
    cite_rows = list(Cite.objects.filter(slug__startswith="bench-").order_by("pk")[:cites])
    indicators = list(Indicator.objects.filter(code__startswith="bench-"))
    year, quarter = 2021, 1
    created = 0
    for _ in range(quarters):
        campaign, _ = Campaign.objects.get_or_create(
            year=year,
            quarter=quarter,
            defaults={"opens_on": date(year, 1, 1), "closes_on": date(year, 1, 1)},
        )
        if campaign.status == CampaignStatus.PLANNED:
            services.open_campaign(campaign, anct)
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
        have = set(Response.objects.filter(campaign=campaign).values_list("cite_id", flat=True))
        todo = [c for c in cite_rows if c.pk not in have]
        responses = Response.objects.bulk_create(
            Response(
                campaign=campaign,
                cite=c,
                status=ResponseStatus.SUBMITTED,
                submitted_at=timezone.now(),
            )
            for c in todo
        )
        answers = []
        for response in responses:
            rng = random.Random(f"{response.cite_id}-{year}-{quarter}")
            for indicator in indicators:
                number, text = None, ""
                if indicator.kind == Kind.YES_NO:
                    text = rng.choice(["oui", "non"])
                elif indicator.kind == Kind.PERCENTAGE:
                    number = Decimal(rng.randint(0, 100))
                else:
                    number = Decimal(rng.randint(0, 500))
                breakdown = {}
                if indicator.breakdown and number is not None:
                    breakdown = {"themes": {"mobilite": str(number)}}
                answers.append(
                    Answer(
                        response=response,
                        indicator=indicator,
                        number=number,
                        text=text,
                        breakdown=breakdown,
                    )
                )
        Answer.objects.bulk_create(answers, batch_size=5000)
        created += len(answers)
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return created


def measure(client, url, requests):
    client.get(url)  # warm-up
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, len(queries)


def export_time(client):
    start = time.perf_counter()
    response = client.get("/pilotage/national/export/reponses.xlsx")
    size = sum(len(chunk) for chunk in response.streaming_content)
    return time.perf_counter() - start, size


def run(label, client, requests):
    campaign = Campaign.objects.order_by("-year", "-quarter").first()
    answers = Answer.objects.count()
    cites = Response.objects.filter(campaign=campaign).count()
    dashboard = measure(client, f"/pilotage/national/?campagne={campaign.code}", requests)
    indicator = measure(
        client,
        f"/pilotage/national/indicateurs/bench-01/?campagne={campaign.code}&cite=bench-0",
        requests,
    )
    # A light page of the same site in the same run: the machine is shared, so the ratio to
    # it says more than the absolute figures.
    reference = measure(client, "/chiffres-cles/", requests)
    seconds, size = export_time(client)
    print(
        f"{'':>28} | page de référence (chiffres clés) p50 {reference[0]:6.1f} ms "
        f"p95 {reference[1]:6.1f} ms | tableau de bord / référence (p50) "
        f"{dashboard[0] / reference[0]:4.1f}×"
    )
    print(
        f"{label:>28} | {cites:>3} cités × {Campaign.objects.count():>2} trimestres "
        f"= {answers:>7} réponses | tableau de bord p50 {dashboard[0]:6.1f} ms "
        f"p95 {dashboard[1]:6.1f} ms {dashboard[2]:>2} requêtes | indicateur p50 "
        f"{indicator[0]:6.1f} ms p95 {indicator[1]:6.1f} ms {indicator[2]:>2} requêtes | "
        f"export XLSX {seconds:5.2f} s ({size // 1024} Kio)"
    )
    return dashboard, indicator


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--cites", type=int, default=90)
    parser.add_argument("--quarters", type=int, default=24)
    parser.add_argument("--indicators", type=int, default=60)
    args = parser.parse_args()

    anct, _ = User.objects.get_or_create(email="bench-anct@example.org")
    make_anct_staff(anct)
    client = Client()
    client.force_login(anct)
    ensure_referentiel(args.indicators)
    ensure_cites(args.cites)

    with transaction.atomic():
        # The small network: the first 10 cités over the first 4 quarters (whatever an earlier
        # run left in the database is removed here and restored by the rollback).
        start = time.perf_counter()
        ensure_answers(10, 4, anct)
        keep_cites = list(
            Cite.objects.filter(slug__startswith="bench-").order_by("pk").values_list("pk")[:10]
        )
        keep = list(Campaign.objects.chronological().values_list("pk", flat=True)[:4])
        Response.objects.exclude(campaign__in=keep).delete()
        Response.objects.exclude(cite__in=[pk for (pk,) in keep_cites]).delete()
        Campaign.objects.exclude(pk__in=keep).delete()
        print(f"(données réduites prêtes en {time.perf_counter() - start:.1f} s)")
        small = run("réseau réduit (10 × 4)", client, args.requests)
        transaction.set_rollback(True)

    start = time.perf_counter()
    created = ensure_answers(args.cites, args.quarters, anct)
    print(f"({created} réponses créées en {time.perf_counter() - start:.1f} s)")
    full = run(f"réseau complet ({args.cites} × {args.quarters})", client, args.requests)
    same = small[0][2] == full[0][2] and small[1][2] == full[1][2]
    print("Nombre de requêtes identique quelle que soit la taille : " + ("oui" if same else "NON"))


if __name__ == "__main__":
    main()
