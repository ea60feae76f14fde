from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cde_site.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Charge le contenu de démonstration (cités, comptes, pages). Idempotent : peut être "
        "relancé sans créer de doublons."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Charger même si DEBUG est désactivé (les comptes de démo resteront refusés).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "DEBUG est désactivé : le contenu de démonstration n'est pas destiné à la "
                "production. Relancez avec --allow-without-debug pour le charger quand même."
            )
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Contenu de démonstration chargé."))
        self.stdout.write(
            f"\nComptes de démonstration (mot de passe pour tous : {DEMO_PASSWORD}) :"
        )
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.role}")
