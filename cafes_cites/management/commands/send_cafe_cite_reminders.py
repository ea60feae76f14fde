from django.core.management.base import BaseCommand

from cafes_cites.services import enqueue_due_reminders
from commons.french import plural


class Command(BaseCommand):
    help = (
        "Programme les rappels dus (la veille, une heure avant). À lancer toutes les 5 minutes ; "
        "un rappel n'est jamais envoyé deux fois."
    )

    def handle(self, *args, **options):
        count = enqueue_due_reminders()
        self.stdout.write(
            self.style.SUCCESS(f"{count} rappel{plural(count)} programmé{plural(count)}.")
        )
