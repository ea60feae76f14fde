from django.core.management.base import BaseCommand

from cde_site.setup import setup_site


class Command(BaseCommand):
    help = "Crée (ou complète) l'arborescence du site : accueil, pages légales, bibliothèque des ressources. Idempotent."

    def handle(self, *args, **options):
        home = setup_site()
        self.stdout.write(self.style.SUCCESS(f"Site prêt : page d'accueil « {home.title} »."))
