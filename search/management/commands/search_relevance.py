"""nDCG@10 of the search over the demo content (search/relevance.py), per query and on average."""

from django.core.management.base import BaseCommand

from search.relevance import JUDGMENTS, evaluate


class Command(BaseCommand):
    help = "Mesure la pertinence de la recherche (nDCG@10) sur le contenu de démonstration."

    def add_arguments(self, parser):
        parser.add_argument("--details", action="store_true", help="Afficher les 10 premiers.")

    def handle(self, *args, details=False, **options):
        rows, backend = evaluate()
        self.stdout.write(f"Moteur : {backend} — {len(JUDGMENTS)} requêtes jugées")
        for query, score, ranked in rows:
            self.stdout.write(f"  {score:5.3f}  {query}")
            if details:
                for rank, result in enumerate(ranked, start=1):
                    grade = JUDGMENTS[query].get(result, 0)
                    self.stdout.write(f"         {rank:2}. [{grade}] {result}")
        mean = sum(score for _query, score, _ranked in rows) / len(rows)
        self.stdout.write(self.style.SUCCESS(f"nDCG@10 moyen : {mean:.3f}"))
