from django.core.management.base import BaseCommand

from commons.french import plural
from notifications.digest import send_digests


class Command(BaseCommand):
    help = (
        "Envoie le récapitulatif quotidien des notifications (à planifier une fois par jour). "
        "Peut être relancé après une interruption : personne ne reçoit deux fois la même chose."
    )

    def handle(self, *args, **options):
        def progress(done, total):
            self.stdout.write(f"\r{done}/{total} récapitulatifs envoyés", ending="")
            self.stdout.flush()

        sent = send_digests(progress=progress)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"{sent} récapitulatif{plural(sent)} envoyé{plural(sent)}.")
        )
