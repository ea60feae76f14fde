""" "Mes données": everything the platform holds about a person, as a zip of JSON files plus the
files they uploaded. The zip is written to a temporary file, never held in memory, and files are
copied into it in chunks."""

import json
import posixpath
import shutil
import tempfile
import textwrap
import zipfile

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts.personal_data import exporters

CHUNK = 1024 * 1024

README = """Vos données sur la plateforme des cités de l'emploi
=====================================================

Export du {date} pour le compte {email}.

{files}

Les dates sont en UTC (format ISO 8601). Pour toute question : l'équipe nationale des cités de
l'emploi (ANCT), voir la page « Données personnelles » du site.
"""

# What LISEZMOI.txt says of each file of the archive (only those present are listed).
FILE_DESCRIPTIONS = {
    "profil.json": "votre compte (identité, organisation, cité, adresses électroniques, rôles).",
    "sessions.json": (
        "vos sessions ouvertes (navigateur, adresse IP, ouverture, dernière activité), les "
        "échecs de connexion encore gardés (jusqu'à la fin du blocage qu'ils peuvent causer) et "
        "le journal de vos connexions."
    ),
    "groupes.json": (
        "vos adhésions, demandes, invitations, discussions ouvertes, messages, signalements et "
        "les documents que vous avez déposés."
    ),
    "cafes_cites.json": "vos inscriptions aux cafés-cités et vos messages dans leurs chats.",
    "notifications.json": "les notifications qui vous ont été adressées.",
    "courriels_recus.json": (
        "les courriels que vous avez envoyés aux adresses de réponse de la plateforme (date, "
        "objet, taille, suite donnée)."
    ),
    "ressources.json": (
        "votre abonnement au bulletin de veille, les fiches que vous suivez, votre réglage des "
        "courriels de la bibliothèque, les documents que vous avez proposés, vos avis sur les "
        "suggestions et les pages que vous avez créées."
    ),
    "pilotage.json": (
        "les questionnaires trimestriels de pilotage que vous avez transmis et les réponses que "
        "vous y avez enregistrées en dernier."
    ),
    "journal.json": "les actions de modération ou d'administration que vous avez faites.",
    "fichiers_manquants.json": (
        "les fichiers qui auraient dû figurer dans fichiers/ mais sont introuvables sur le "
        "stockage."
    ),
    "fichiers/": "votre photo de profil et les fichiers que vous avez déposés dans les groupes.",
}


def readme_files(names):
    """The « - name : description » lines of LISEZMOI.txt for the archive's `names`."""
    lines = []
    for name in [*FILE_DESCRIPTIONS, *sorted(set(names) - set(FILE_DESCRIPTIONS))]:
        if name in names:
            description = FILE_DESCRIPTIONS.get(name, "données d'une application de la plateforme.")
            lines.append(textwrap.fill(f"- {name} : {description}", 96, subsequent_indent="  "))
    return "\n".join(lines)


def export_filename(user):
    return f"mes-donnees-cites-emploi-{timezone.now():%Y-%m-%d}.zip"


def build_export(user):
    """A temporary file (deleted when closed) holding the zip, positioned at its start."""
    # Not a context manager: FileResponse closes (and so deletes) it once streamed.
    tmp = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115
    try:
        write_export(user, tmp)
    except BaseException:
        tmp.close()
        raise
    tmp.seek(0)
    return tmp


def write_export(user, fileobj):
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        exporter = _Exporter(user, archive)
        exporter.run()


class _Exporter:
    def __init__(self, user, archive):
        self.user = user
        self.archive = archive
        self.missing = []

    def run(self):
        user = self.user
        date = f"{timezone.localtime():%d/%m/%Y à %H:%M}"
        files = {"profil.json": self.profile()}
        # Each installed app exports its own data (accounts.personal_data); the pages created
        # (Wagtail's, whichever app defines them) join ressources.json.
        # Sections of one file given by several apps are merged.
        for filename, export in [*exporters(), ("ressources.json", lambda *args: self.pages())]:
            data = export(user, self)
            if isinstance(files.get(filename), dict) and isinstance(data, dict):
                data = {**files[filename], **data}
            files[filename] = data
        for filename, data in files.items():
            self.write_json(filename, data)
        if self.missing:
            self.write_json("fichiers_manquants.json", self.missing)
        names = {name.split("/", 1)[0] + ("/" if "/" in name else "") for name in self.names()}
        text = README.format(date=date, email=user.email, files=readme_files(names))
        self.archive.writestr("LISEZMOI.txt", text)

    def names(self):
        return self.archive.namelist()

    # --- writing ---------------------------------------------------------------------------

    def write_json(self, name, data):
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        self.archive.writestr(name, text)

    def copy_file(self, field_file, arcname):
        """Copy a stored file into the archive in chunks; returns its path in the archive."""
        try:
            with field_file.open("rb") as source, self.archive.open(arcname, "w") as target:
                shutil.copyfileobj(source, target, CHUNK)
        except (FileNotFoundError, OSError):
            self.missing.append(arcname)
            return None
        return arcname

    # --- sections --------------------------------------------------------------------------

    def profile(self):
        user = self.user
        photo = None
        if user.photo:
            extension = posixpath.splitext(user.photo.name)[1].lower()
            photo = self.copy_file(user.photo, f"fichiers/photo{extension}")
        data = {
            "compte": {
                "id": user.pk,
                "adresse_electronique": user.email,
                "prenom": user.first_name,
                "nom": user.last_name,
                "organisation": user.organisation,
                "fonction": user.fonction,
                "telephone": user.phone,
                "cite": user.cite.name if user.cite else None,
                "role_dans_la_cite": user.get_cite_role_display() if user.cite_role else None,
                "photo": photo,
                "inscription": user.date_joined,
                "derniere_connexion": user.last_login,
                "actif": user.is_active,
            },
            "roles": list(user.groups.values_list("name", flat=True)),
        }
        if apps.is_installed("allauth.account"):
            from allauth.account.models import EmailAddress

            data["adresses_electroniques"] = [
                {"adresse": a.email, "verifiee": a.verified, "principale": a.primary}
                for a in EmailAddress.objects.filter(user=user)
            ]
        if apps.is_installed("wagtail.users"):
            from wagtail.users.models import UserProfile

            profile = UserProfile.objects.filter(user=user).first()
            if profile is not None and profile.avatar:
                extension = posixpath.splitext(profile.avatar.name)[1].lower()
                data["avatar_administration"] = self.copy_file(
                    profile.avatar, f"fichiers/avatar-administration{extension}"
                )
        return data

    def pages(self):
        user = self.user
        data = {}
        from wagtail.models import Page

        data["pages_creees"] = [
            {
                "titre": page.title,
                "adresse": page.url_path,
                "publiee": page.live,
                "premiere_publication": page.first_published_at,
            }
            for page in Page.objects.filter(owner=user).order_by("pk")
        ]
        return data
