from django.core.management.base import BaseCommand

from commons.french import plural
from ressources.services import REVIEW_NOTICE_DAYS, send_review_reminders


class Command(BaseCommand):
    help = (
        f"Prévient l'équipe ANCT des fiches dispositifs dont la validité prend fin dans "
        f"{REVIEW_NOTICE_DAYS} jours ou moins. À lancer chaque jour ; une fiche n'est rappelée "
        "qu'une fois pour une même date."
    )

    def handle(self, *args, **options):
        sent = send_review_reminders()
        self.stdout.write(f"{sent} rappel{plural(sent)} de relecture envoyé{plural(sent)}.")
