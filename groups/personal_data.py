"""What groups/ erases of an account (registered in accounts.personal_data, run by rgpd/)."""

from django.utils.text import slugify

from groups.models import Invitation, Post
from groups.services import remove_departing_account


def erase(user, old_email, new_email, files):
    remove_departing_account(user)
    Invitation.objects.filter(email__iexact=old_email).update(email=new_email)
    Post.mentions.through.objects.filter(user_id=user.pk).delete()


def export(user, out):
    from groups.models import (
        DocumentVersion,
        Invitation,
        JoinRequest,
        Membership,
        Post,
        Report,
        Thread,
    )

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
                "fichier": out.copy_file(version.file, arcname),
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
            {"groupe": i.group.name, "le": i.created_at, "etat": i.status.label}
            for i in Invitation.objects.filter(email__iexact=user.email).select_related("group")
        ],
        "invitations_envoyees": [
            {
                "groupe": i.group.name,
                "adresse": i.email,
                "le": i.created_at,
                "etat": i.status.label,
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
