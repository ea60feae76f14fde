"""Bulk load of fiches dispositifs and actions inspirantes from JSON Lines (see README)."""

import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cites.models import Cite
from cites.regions import REGIONS
from commons.french import plural
from commons.html import sanitize_html
from ressources.models import (
    ActionInspirantePage,
    FicheDispositifPage,
    RessourcePage,
    RessourcesIndexPage,
)
from ressources.services import save_ressource
from themes.models import PublicCible, Theme

TYPES = {"fiche": FicheDispositifPage, "action": ActionInspirantePage}
REGIONS_BY_NAME = {label.lower(): code for code, label in REGIONS}
REQUIRED = ["type", "slug", "title", "summary"]


class LineError(Exception):
    pass


class Command(BaseCommand):
    help = "Importe des fiches dispositifs et actions inspirantes depuis un fichier JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier .jsonl, un objet JSON par ligne")
        parser.add_argument("--dry-run", action="store_true", help="vérifier sans rien enregistrer")

    def handle(self, *args, file, dry_run=False, **options):
        library = RessourcesIndexPage.objects.first()
        if library is None:
            raise CommandError(
                "La bibliothèque n'existe pas : lancez d'abord setup_site ou load_demo."
            )
        try:
            with open(file, encoding="utf-8") as handle:
                lines = handle.readlines()
        except OSError as error:
            raise CommandError(f"Impossible de lire {file} : {error.strerror}") from error
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.publics = {p.slug: p for p in PublicCible.objects.all()}
        self.cites = {c.slug: c for c in Cite.objects.all()}
        existing = dict(
            RessourcePage.objects.child_of(library).values_list("slug", "content_type__model")
        )
        created = updated = skipped = 0
        seen = set()
        total = len(lines)
        for number, line in enumerate(lines, 1):
            self._progress(number, total)
            if not line.strip():
                continue
            try:
                record = self._parse(line, seen, existing)
            except LineError as error:
                skipped += 1
                self.stderr.write(f"\nLigne {number} ignorée : {error}")
                continue
            seen.add(record["slug"])
            if dry_run:
                created += record["slug"] not in existing
                updated += record["slug"] in existing
                continue
            with transaction.atomic():
                _, was_created = save_ressource(
                    library,
                    record["model"],
                    record["slug"],
                    record["fields"],
                    themes=record["themes"],
                    publics=record["publics"],
                    members_only=record["members_only"],
                )
            existing[record["slug"]] = record["model"]._meta.model_name
            created += was_created
            updated += not was_created
        self.stderr.write("")
        many = created >= 2
        verb = ("seraient" if many else "serait") if dry_run else ("ont été" if many else "a été")
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} ressource{plural(created)} {verb} créée{plural(created)}, "
                f"{updated} mise{plural(updated)} à jour, "
                f"{skipped} ligne{plural(skipped)} ignorée{plural(skipped)}."
                + (" Simulation : rien n'a été enregistré." if dry_run else "")
            )
        )

    def _progress(self, number, total):
        if not total:
            return
        width = 30
        done = int(width * number / total)
        stream = self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr
        stream.write(f"\r[{'#' * done}{'.' * (width - done)}] {number}/{total}")
        stream.flush()

    def _parse(self, line, seen, existing):
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise LineError(f"JSON invalide ({error.msg}, colonne {error.colno})") from error
        if not isinstance(data, dict):
            raise LineError("un objet JSON est attendu")
        missing = [
            key for key in REQUIRED if not isinstance(data.get(key), str) or not data[key].strip()
        ]
        if missing:
            raise LineError(
                f"{plural(missing, 'champ obligatoire manquant,champs obligatoires manquants')} : {', '.join(missing)}"
            )
        if data["type"] not in TYPES:
            raise LineError(f"type inconnu « {data['type']} » (fiche ou action)")
        model = TYPES[data["type"]]
        slug = data["slug"].strip()
        if not slug.replace("-", "").isalnum() or slug != slug.lower() or len(slug) > 255:
            raise LineError(f"identifiant « {slug} » invalide (minuscules, chiffres et tirets)")
        if slug in seen:
            raise LineError(f"identifiant « {slug} » déjà présent plus haut dans le fichier")
        if slug in existing and existing[slug] != model._meta.model_name:
            raise LineError(f"« {slug} » existe déjà avec un autre type de ressource")
        themes = self._lookup(data.get("themes") or [], self.themes, "champ d'action")
        publics = self._lookup(data.get("public_cible") or [], self.publics, "public cible")
        cite = None
        if data.get("cite"):
            cite = self.cites.get(data["cite"])
            if cite is None:
                raise LineError(f"cité inconnue « {data['cite']} »")
        region = "national"
        if data.get("region"):
            region = REGIONS_BY_NAME.get(str(data["region"]).strip().lower())
            if region is None:
                raise LineError(f"région inconnue « {data['region']} »")
        elif cite is not None:
            region = cite.region
        date = datetime.date.today()
        if data.get("date"):
            try:
                date = datetime.date.fromisoformat(data["date"])
            except (TypeError, ValueError) as error:
                raise LineError(f"date « {data['date']} » invalide (AAAA-MM-JJ)") from error
        visibility = data.get("visibility", "public")
        if visibility not in ("public", "members"):
            raise LineError(f"visibilité « {visibility} » invalide (public ou members)")
        if len(data["title"]) > 255:
            raise LineError("titre trop long (255 caractères au plus)")
        body = sanitize_html(data.get("body") or "")
        return {
            "slug": slug,
            "model": model,
            "themes": themes,
            "publics": publics,
            "members_only": visibility == "members",
            "fields": {
                "title": data["title"].strip(),
                "summary": data["summary"].strip(),
                "body": [("paragraph", body)] if body else [],
                "cite": cite,
                "region": region,
                "date": date,
            },
        }

    def _lookup(self, slugs, known, label):
        if not isinstance(slugs, list):
            raise LineError(f"{label} : une liste est attendue")
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            raise LineError(f"{label} inconnu : {', '.join(map(str, unknown))}")
        return [known[slug] for slug in slugs]
