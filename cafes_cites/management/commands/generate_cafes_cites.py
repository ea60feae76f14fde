from django.core.management.base import BaseCommand

from cafes_cites.services import generate_all_upcoming_sessions
from commons.french import plural


class Command(BaseCommand):
    help = "Crée les prochaines séances de chaque série active (idempotent : à lancer chaque jour)."

    def handle(self, *args, **options):
        created = generate_all_upcoming_sessions()
        for session in created:
            self.stdout.write(f"Créée : {session.label} ({session.local_start:%d/%m/%Y %H:%M})")
        self.stdout.write(
            self.style.SUCCESS(f"{len(created)} séance{plural(created)} créée{plural(created)}.")
        )
