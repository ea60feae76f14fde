"""Read the text of group documents for search: documents uploaded before text extraction
existed, and any version whose background reading never ran (queue outage).

Resumable: each version is stored as soon as it is read, and only latest versions still
pending (with --retry-failed: or unreadable) are taken, so running it again continues where an
interrupted run stopped.
"""

from collections import Counter

from django.core.management.base import BaseCommand

from groups.models import TextStatus
from groups.services import extract_version_text, latest_versions
from search.progress import Progress

LABELS = {
    TextStatus.DONE: "texte lu",
    TextStatus.FAILED: "illisibles (voir les avertissements du journal)",
    TextStatus.UNSUPPORTED: "formats non lus (images, Office 97-2003)",
}


class Command(BaseCommand):
    help = "Lit le texte des documents de groupe pour la recherche (reprend là où il s'est arrêté)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="relire aussi les versions dont la lecture a échoué",
        )

    def handle(self, *args, retry_failed=False, verbosity=1, **options):
        statuses = [TextStatus.PENDING, *([TextStatus.FAILED] if retry_failed else [])]
        pks = list(
            latest_versions()
            .filter(text_status__in=statuses)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not pks:
            self.stdout.write("Aucun document à lire.")
            return
        progress = Progress(self.stdout, "Documents lus", len(pks))
        counts = Counter()
        for done, pk in enumerate(pks, start=1):
            status = extract_version_text(pk, retry_failed=retry_failed)
            counts[status] += 1
            if verbosity:
                progress.update(done)
        progress.finish(len(pks))
        summary = ", ".join(
            f"{counts[status]} {label}" for status, label in LABELS.items() if counts[status]
        )
        skipped = counts[None]
        if skipped:
            summary += f", {skipped} déjà lus ou remplacés entre-temps"
        self.stdout.write(self.style.SUCCESS(f"Terminé : {summary or 'rien de nouveau'}."))
