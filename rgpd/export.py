""" "Mes données": everything the platform holds about a person, as a zip of JSON files plus the
files they uploaded. The zip is written to a temporary file, never held in memory, and files are
copied into it in chunks."""

import json
import posixpath
import shutil
import tempfile
import zipfile

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.text import slugify

CHUNK = 1024 * 1024

README = """Vos données sur la plateforme des cités de l'emploi
=====================================================

Export du {date} pour le compte {email}.

- profil.json : votre compte (identité, organisation, cité, adresses électroniques, rôles).
- groupes.json : vos adhésions, demandes, invitations, discussions ouvertes, messages,
  signalements et les documents que vous avez déposés.
- cafes_cites.json : vos inscriptions aux cafés-cités et vos messages dans leurs chats.
- notifications.json : les notifications qui vous ont été adressées.
- ressources.json : votre abonnement au bulletin de veille et les pages que vous avez créées.
- pilotage.json : les questionnaires trimestriels de pilotage que vous avez transmis et les
  réponses que vous y avez enregistrées en dernier.
- journal.json : les actions de modération ou d'administration que vous avez faites.
- fichiers/ : votre photo de profil et les fichiers que vous avez déposés dans les groupes.

Les dates sont en UTC (format ISO 8601). Pour toute question : l'équipe nationale des cités de
l'emploi (ANCT), voir la page « Données personnelles » du site.
"""


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
        self.archive.writestr("LISEZMOI.txt", README.format(date=date, email=user.email))
        self.write_json("profil.json", self.profile())
        if apps.is_installed("groups"):
            self.write_json("groupes.json", self.groups())
        if apps.is_installed("cafes_cites"):
            self.write_json("cafes_cites.json", self.cafes_cites())
        if apps.is_installed("notifications"):
            self.write_json("notifications.json", self.notifications())
        self.write_json("ressources.json", self.ressources())
        if apps.is_installed("pilotage"):
            from pilotage.personal_data import personal_data

            self.write_json("pilotage.json", personal_data(self.user))
        if apps.is_installed("audit"):
            self.write_json("journal.json", self.audit())
        if self.missing:
            self.write_json("fichiers_manquants.json", self.missing)

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
        if apps.is_installed("cafes_cites"):
            from cafes_cites.models import CalendarToken

            data["lien_calendrier_personnel"] = CalendarToken.objects.filter(user=user).exists()
        return data

    def groups(self):
        from groups.models import (
            DocumentVersion,
            Invitation,
            JoinRequest,
            Membership,
            Post,
            Report,
            Thread,
        )

        user = self.user
        documents = []
        # The file is exported; its extracted text (derived, for search) is not loaded.
        versions = (
            DocumentVersion.objects.filter(uploaded_by=user)
            .select_related("document__group")
            .defer("text")
        )
        for version in versions.order_by("uploaded_at", "pk"):
            document = version.document
            name = f"{document.pk}-v{version.number}-{version.original_name}"
            arcname = f"fichiers/groupes/{slugify(document.group.slug)}/{name}"
            documents.append(
                {
                    "groupe": document.group.name,
                    "document": document.title,
                    "dossier": document.folder,
                    "version": version.number,
                    "nom_du_fichier": version.original_name,
                    "type": version.content_type,
                    "taille": version.size,
                    "note_de_version": version.comment,
                    "depose_le": version.uploaded_at,
                    "fichier": self.copy_file(version.file, arcname),
                }
            )
        return {
            "adhesions": [
                {
                    "groupe": m.group.name,
                    "role": m.get_role_display(),
                    "courriels": m.get_email_mode_display(),
                    "membre_depuis": m.joined_at,
                }
                for m in Membership.objects.filter(user=user).select_related("group")
            ],
            "demandes_adhesion": [
                {
                    "groupe": r.group.name,
                    "message": r.message,
                    "etat": r.get_status_display(),
                    "le": r.created_at,
                }
                for r in JoinRequest.objects.filter(user=user).select_related("group")
            ],
            "invitations_recues": [
                {"groupe": i.group.name, "le": i.created_at, "etat": i.status}
                for i in Invitation.objects.filter(email__iexact=user.email).select_related("group")
            ],
            "invitations_envoyees": [
                {
                    "groupe": i.group.name,
                    "adresse": i.email,
                    "le": i.created_at,
                    "etat": i.status,
                }
                for i in Invitation.objects.filter(invited_by=user).select_related("group")
            ],
            "discussions_ouvertes": [
                {"groupe": t.group.name, "titre": t.title, "le": t.created_at}
                for t in Thread.objects.filter(author=user).select_related("group")
            ],
            "messages": [
                {
                    "groupe": p.thread.group.name,
                    "discussion": p.thread.title,
                    "message_d_ouverture": p.is_opening,
                    "texte_html": p.body_html,
                    "le": p.created_at,
                    "modifie_le": p.edited_at,
                    "masque_le": p.hidden_at,
                    "supprime_le": p.deleted_at,
                }
                for p in Post.objects.filter(author=user).select_related("thread__group")
            ],
            "signalements": [
                {
                    "discussion": r.post.thread.title,
                    "motif": r.reason,
                    "le": r.created_at,
                }
                for r in Report.objects.filter(reporter=user).select_related("post__thread")
            ],
            "documents_deposes": documents,
        }

    def cafes_cites(self):
        from cafes_cites.models import ChatMessage, ChatMute, Registration

        user = self.user
        return {
            "inscriptions": [
                {
                    "seance": r.session.label,
                    "debut": r.session.start,
                    "etat": r.get_status_display(),
                    "le": r.created_at,
                }
                for r in Registration.objects.filter(user=user).select_related("session")
            ],
            "messages_chat": [
                {
                    "seance": m.session.label,
                    "texte": m.body,
                    "question": m.is_question,
                    "le": m.created_at,
                    "supprime_le": m.deleted_at,
                }
                for m in ChatMessage.objects.filter(author=user)
                .select_related("session")
                .iterator(chunk_size=500)
            ],
            "suspensions_chat": [
                {"seance": m.session.label, "le": m.created_at}
                for m in ChatMute.objects.filter(user=user).select_related("session")
            ],
        }

    def notifications(self):
        from notifications.models import Notification

        return [
            {
                "titre": n.title,
                "lien": n.url,
                "source": n.source_label,
                "le": n.created_at,
                "lue_le": n.read_at,
                "envoyee_par_courriel_le": n.emailed_at,
            }
            for n in Notification.objects.filter(recipient=self.user).iterator(chunk_size=500)
        ]

    def ressources(self):
        user = self.user
        data = {}
        if apps.is_installed("ressources"):
            from ressources.models import Subscriber

            subscriber = Subscriber.objects.filter(email__iexact=user.email).first()
            data["abonnement_bulletin"] = (
                {
                    "adresse": subscriber.email,
                    "tous_les_champs": subscriber.all_themes,
                    "champs_d_action": list(subscriber.themes.values_list("label", flat=True)),
                    "inscription": subscriber.created_at,
                    "confirmation": subscriber.confirmed_at,
                    "desinscription": subscriber.unsubscribed_at,
                }
                if subscriber
                else None
            )
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

    def audit(self):
        from audit.models import AuditEntry

        return [
            {
                "action": e.get_action_display(),
                "cible": e.target_label,
                "le": e.created_at,
                "details": e.details,
            }
            for e in AuditEntry.objects.filter(actor=self.user).iterator(chunk_size=500)
        ]
