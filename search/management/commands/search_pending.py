"""Show (and optionally process) what is waiting to be indexed."""

from django.core.management.base import BaseCommand
from django.db.models import Count, Max

from commons.french import plural
from search.backends import elastic
from search.indexing import process_pending
from search.models import PendingUpdate
from search.progress import Progress


class Command(BaseCommand):
    help = "Affiche les mises à jour de l'index de recherche en attente ; --process les traite."

    def add_arguments(self, parser):
        parser.add_argument("--process", action="store_true", help="Traiter la file d'attente.")

    def handle(self, *args, process=False, **options):
        backend = elastic.get_backend()
        try:
            outdated = backend is not None and backend.needs_rebuild()
        except Exception:  # transport error, timeout: the queue below says what waits
            outdated = False
            self.stdout.write(self.style.WARNING("Elasticsearch ne répond pas."))
        if outdated:
            self.stdout.write(
                self.style.WARNING(
                    "L'index Elasticsearch a été construit par une version précédente de la "
                    "plateforme : lancez « manage.py rebuild_search_index » (sans interruption "
                    "de la recherche)."
                )
            )
        pending = PendingUpdate.objects.all()
        total = pending.count()
        if not total:
            self.stdout.write("Aucune mise à jour en attente.")
            return
        self.stdout.write(f"{total} mise{plural(total)} à jour en attente :")
        for row in pending.values("provider").annotate(n=Count("pk"), attempts=Max("attempts")):
            self.stdout.write(f"  {row['provider']} : {row['n']} (tentatives : {row['attempts']})")
        last_error = pending.exclude(last_error="").order_by("-last_attempt_at").first()
        if last_error:
            self.stdout.write(
                f"Dernière erreur ({last_error.last_attempt_at:%d/%m/%Y %H:%M}) : "
                f"{last_error.last_error[:300]}"
            )
        if process:
            progress = Progress(self.stdout, "Indexation", total)
            indexed, failed = process_pending(
                progress=lambda done, fail: progress.update(done + fail), force=True
            )
            progress.finish(indexed + failed)
            style = self.style.SUCCESS if not failed else self.style.WARNING
            self.stdout.write(
                style(f"{indexed} indexée{plural(indexed)}, {failed} toujours en attente.")
            )
