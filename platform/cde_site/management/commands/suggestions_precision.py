"""Measures « Pour ma cité » against a judged set (platform/cde_site/demo/judged/, README.md
there): precision@5 and nDCG@5 per cité and on average, as each cité's coordinator sees them.
The figures are recorded in docs/suggestions.md."""

import json
import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import CiteRole, User
from cites.models import Cite
from ressources.models import SuggestionFeedback
from ressources.suggestions import suggestions_for

CUTOFF = 5
RELEVANT = 2  # grades: 3 clearly useful, 2 useful, 1 marginal, absent = not useful


class Rollback(Exception):
    pass


def precision_at(keys, grades, k=CUTOFF):
    return sum(1 for key in keys[:k] if grades.get(key, 0) >= RELEVANT) / k


def ndcg_at(keys, grades, k=CUTOFF):
    def dcg(gains):
        return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(key, 0) for key in keys]) / ideal if ideal else 0.0


class Command(BaseCommand):
    help = (
        "Mesure la précision@5 et le nDCG@5 des suggestions « Pour ma cité » sur un jeu jugé, "
        "du point de vue de la coordination de chaque cité."
    )

    def add_arguments(self, parser):
        parser.add_argument("--set", required=True, dest="judged", help="fichier JSON jugé")
        parser.add_argument(
            "--load-demo",
            action="store_true",
            help="charger d'abord le contenu de démonstration (sinon : la base actuelle)",
        )

    def handle(self, *args, **options):
        path = Path(options["judged"])
        try:
            judged = json.loads(path.read_text(encoding="utf-8"))["cites"]
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Jeu jugé illisible ({path}) : {error}") from error
        if options["load_demo"]:
            from cde_site.demo import load_demo

            load_demo()
        slugs = [entry["cite"].removeprefix("cite:") for entry in judged]
        cites = {cite.slug: cite for cite in Cite.objects.filter(slug__in=slugs)}
        missing = sorted(set(slugs) - set(cites))
        if missing:
            raise CommandError(
                f"Cités absentes de la base : {', '.join(missing)}. Relancez avec --load-demo."
            )
        # Measured on a scratch copy of the data: coordinators are created where the demo has
        # none, and the teams' "utile / pas utile" are set aside so that the scoring alone is
        # measured; everything is rolled back.
        try:
            with transaction.atomic():
                SuggestionFeedback.objects.all().delete()
                rows = [
                    self.measure(cites[slug], entry["judgments"])
                    for slug, entry in zip(slugs, judged, strict=True)
                ]
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(f"Jeu : {path.name} ({len(rows)} cités), pertinent = note ≥ {RELEVANT}")
        for slug, precision, ndcg, top in rows:
            self.stdout.write(
                f"  {slug:<28} P@5 {precision:.2f}  nDCG@5 {ndcg:.2f}  {' '.join(top)}"
            )
        mean_p = sum(row[1] for row in rows) / len(rows)
        mean_n = sum(row[2] for row in rows) / len(rows)
        self.stdout.write(self.style.SUCCESS(f"Moyenne : P@5 {mean_p:.3f}  nDCG@5 {mean_n:.3f}"))

    def measure(self, cite, grades):
        coordinator = User.objects.filter(cite=cite, cite_role=CiteRole.COORDINATEUR).first()
        if coordinator is None:
            coordinator = User.objects.create_user(
                email=f"mesure-{cite.slug}@example.invalid",
                cite=cite,
                cite_role=CiteRole.COORDINATEUR,
            )
        keys = [s.key for s in suggestions_for(cite, coordinator, limit=CUTOFF)]
        top = [f"{key}({grades.get(key, 0)})" for key in keys]
        return cite.slug, precision_at(keys, grades), ndcg_at(keys, grades), top
