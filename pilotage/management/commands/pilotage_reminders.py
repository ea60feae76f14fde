from django.core.management.base import BaseCommand

from commons.french import plural
from pilotage.services import send_due_reminders


class Command(BaseCommand):
    help = (
        "Relance (J-7 et J-1 avant la clôture) les cités qui n'ont pas transmis leur "
        "questionnaire de pilotage. À lancer chaque jour ; une relance n'est jamais envoyée deux "
        "fois."
    )

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(f"{sent} relance{plural(sent)} envoyée{plural(sent)}.")
