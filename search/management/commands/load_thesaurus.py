"""Load the thesaurus file (search/data/thesaurus.txt) into search.SynonymGroup.

The data migration loads it on a new database; this command brings an existing one up to date
after the file gained groups, without touching the groups the ANCT team edited or added in the
admin (unless --replace)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from commons.french import plural
from search.models import SynonymGroup
from search.pipeline import clear_thesaurus_cache
from search.thesaurus import DATA_FILE, load_groups


class Command(BaseCommand):
    help = (
        "Ajoute au thésaurus de la recherche les groupes du fichier search/data/thesaurus.txt "
        "qui manquent (--replace : remplace tout le thésaurus par le fichier)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DATA_FILE), help="autre fichier (même format)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="supprimer d'abord tous les groupes, y compris ceux modifiés dans l'administration",
        )

    def handle(self, *args, file=None, replace=False, **options):
        with transaction.atomic():
            created = load_groups(SynonymGroup, path=file, replace=replace)
        clear_thesaurus_cache()
        total = SynonymGroup.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} groupe{plural(created)} ajouté{plural(created)} ; {total} au total."
            )
        )
