from django import forms

from groups.models import Role
from notifications.models import EmailMode


class ThreadForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "Texte simple ou HTML courant (gras, listes, liens). Pour mentionner un membre, "
            "écrivez @ suivi de son prénom et de son nom."
        ),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Votre réponse",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Pour mentionner un membre, écrivez @ suivi de son prénom et de son nom.",
    )


class EditPostForm(forms.Form):
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 8}))


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="Motif du signalement", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label="Adresse électronique de la personne à inviter")


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label="Message pour les animateurs (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier",
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, images, CSV ; 20 Mo au maximum.",
    )
    title = forms.CharField(label="Titre (facultatif)", max_length=200, required=False)
    folder = forms.CharField(
        label="Dossier (facultatif)",
        max_length=100,
        required=False,
        help_text="Ex. : Comités de pilotage",
    )


class VersionUploadForm(forms.Form):
    file = forms.FileField(label="Nouvelle version")
    comment = forms.CharField(label="Note de version (facultatif)", max_length=255, required=False)


class EmailModeForm(forms.Form):
    email_mode = forms.ChoiceField(label="Courriels pour ce groupe", choices=EmailMode.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)
