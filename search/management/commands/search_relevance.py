"""nDCG@10 of the search, per query and on average: the demo set (search/relevance.py, over
`load_demo`'s content) or a set file (--set) over a corpus imported with import_ressources."""

import io

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from commons.french import plural
from search.relevance import JUDGMENTS, evaluate, load_set


class Command(BaseCommand):
    help = (
        "Mesure la pertinence de la recherche (nDCG@10) : jeu de démonstration, ou jeu jugé "
        "(--set FICHIER.json) sur son corpus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--details", action="store_true", help="Afficher les 10 premiers.")
        parser.add_argument(
            "--set",
            dest="set_file",
            help='fichier JSON {"corpus": "….jsonl", "queries": [{"id", "query", "judgments"}]}',
        )
        parser.add_argument(
            "--import",
            dest="import_corpus",
            action="store_true",
            help="importer d'abord le corpus du jeu dans la base courante (setup_site, "
            "import_ressources, indexation)",
        )

    def handle(self, *args, details=False, set_file=None, import_corpus=False, **options):
        if set_file:
            try:
                corpus, queries = load_set(set_file)
            except ValueError as error:
                raise CommandError(str(error)) from error
            if import_corpus:
                if corpus is None:
                    raise CommandError("Le jeu n'indique pas de corpus (« corpus »).")
                self.import_corpus(corpus)
            label = set_file
        else:
            queries = [(query, query, graded) for query, graded in JUDGMENTS.items()]
            label = "jeu de démonstration"
        rows, backend = evaluate(queries=queries)
        self.stdout.write(f"Moteur : {backend} — {len(queries)} requêtes jugées ({label})")
        for (query_id, query, graded), (_query, score, ranked) in zip(queries, rows, strict=True):
            name = query if query_id == query else f"{query_id}  {query}"
            self.stdout.write(f"  {score:5.3f}  {name}")
            if details:
                for rank, result in enumerate(ranked, start=1):
                    self.stdout.write(f"         {rank:2}. [{graded.get(result, 0)}] {result}")
        mean = sum(score for _query, score, _ranked in rows) / len(rows) if rows else 0.0
        self.stdout.write(self.style.SUCCESS(f"nDCG@10 moyen : {mean:.3f}"))

    def import_corpus(self, corpus):
        from search.indexing import process_pending

        call_command("setup_site", stdout=io.StringIO())
        err = io.StringIO()
        call_command("import_ressources", str(corpus), stdout=self.stdout, stderr=err)
        indexed, failed = process_pending(force=True)
        self.stdout.write(f"Indexation : {indexed} source{plural(indexed)}, {failed} en attente.")
