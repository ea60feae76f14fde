from django import forms
from django.conf import settings
from django.urls import reverse
from wagtail.admin.forms import WagtailAdminModelForm

from commons.french import file_size
from commons.uploads import DOCUMENT_FORMATS
from commons.widgets import RichTextarea
from groups.choosers import PersonChooserWidget, person_label
from groups.models import Group, Kind, Membership, Role
from notifications.models import EmailMode
from themes.models import Theme

MENTION_HINT = "Pour mentionner un membre, écrivez @ suivi de son prénom et de son nom."


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is then validated by its
    bytes in groups.services.check_attachments."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        # Django's own checks ("Le fichier soumis est vide.") would not say which file: an
        # empty file goes on to check_attachments, which names it with the others.
        return [f if not f.size else super(AttachmentsField, self).clean(f, initial) for f in files]


def _attachments_field():
    return AttachmentsField(
        label="Pièces jointes (facultatif)",
        required=False,
        help_text=(
            f"Jusqu’à {settings.GROUP_POST_MAX_ATTACHMENTS} fichiers : {DOCUMENT_FORMATS} ; "
            f"{file_size(settings.GROUP_DOCUMENT_MAX_BYTES)} au maximum chacun."
        ),
    )


class _PostForm(forms.Form):
    """A message body in the rich-text editor; `group` turns on the @ suggestions."""

    @property
    def max_bytes(self):
        """Checked in the browser too (writing.js), before a long upload for nothing."""
        return settings.GROUP_DOCUMENT_MAX_BYTES

    @property
    def max_files(self):
        """Also checked in the browser: an 11th file is refused when chosen, not after sending."""
        return settings.GROUP_POST_MAX_ATTACHMENTS

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        if group is not None and "body" in self.fields:
            self.fields["body"].widget.mentions_url = reverse(
                "groups:member_suggestions", kwargs={"slug": group.slug}
            )


class ThreadForm(_PostForm):
    title = forms.CharField(label="Titre", max_length=200)
    is_question = forms.BooleanField(
        label="C'est une question",
        required=False,
        help_text="Vous pourrez marquer la réponse qui vous aide comme solution.",
    )
    body = forms.CharField(
        label="Message", widget=RichTextarea(attrs={"rows": 8}), help_text=MENTION_HINT
    )
    files = _attachments_field()


class ReplyForm(_PostForm):
    body = forms.CharField(
        label="Votre réponse", widget=RichTextarea(attrs={"rows": 5}), help_text=MENTION_HINT
    )
    files = _attachments_field()


class EditPostForm(_PostForm):
    """The body, attachments to add or remove, and for the opening message its title and its
    « question » tick: what was chosen when publishing can be corrected (walk 12e)."""

    title = forms.CharField(label="Titre", max_length=200)
    is_question = ThreadForm.base_fields["is_question"]
    body = forms.CharField(
        label="Message", widget=RichTextarea(attrs={"rows": 8}), help_text=MENTION_HINT
    )
    remove = forms.MultipleChoiceField(
        label="Pièces jointes à retirer",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    files = _attachments_field()
    # Only for a question that has a solution: unticking « C'est une question » asks first, as
    # deleting the solution does (walk 12g).
    drop_solution = forms.BooleanField(
        label="Oui, ce n'est plus une question : retirer la solution", required=False
    )

    def __init__(self, *args, post, **kwargs):
        super().__init__(*args, **kwargs)
        self.solution = post.thread.solution if post.is_opening else None
        if not post.is_opening:
            del self.fields["title"]
            del self.fields["is_question"]
        if self.solution is None:
            del self.fields["drop_solution"]
        else:
            author = self.solution.author.display_name if self.solution.author else "un membre"
            self.fields["drop_solution"].help_text = (
                f"La réponse de {author} est la solution de cette question. Décocher « C'est une "
                "question » retire cette solution et la mention « Résolu » ; la personne n'est "
                "plus informée qu'elle a été retenue."
            )
        self.fields["files"].label = "Ajouter des pièces jointes (facultatif)"
        attachments = list(post.attachments.all())
        if attachments:
            self.fields["remove"].choices = [(str(a.pk), a.original_name) for a in attachments]
        else:
            del self.fields["remove"]

    def clean(self):
        data = super().clean()
        unticked = "is_question" in data and not data["is_question"]
        if self.solution is not None and unticked and not data.get("drop_solution"):
            self.add_error(
                "drop_solution",
                "Confirmez le retrait de la solution en cochant cette case, ou recochez "
                "« C'est une question » pour la garder.",
            )
        return data


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
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, images JPEG, PNG, GIF ou WebP, CSV ; "
        "20 Mo au maximum.",
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


class GroupAdminForm(WagtailAdminModelForm):
    """The Wagtail admin form of a group (GroupViewSet). The edited memberships are checked here
    with the rules the services apply, so that ANCT gets a French message on the form instead
    of an error page; the views then save through groups.services, never form.save()."""

    # Whoever creates a group runs it unless they say otherwise, as in Discourse or Decidim:
    # without this, ANCT gets the same 404 as anyone on the reserved group it just created and
    # has to add itself afterwards (walk 12e). Creation only: on an existing group, ANCT names
    # itself in the list below like anyone else.
    creator_animates = forms.BooleanField(
        required=False,
        initial=True,
        label="M’ajouter comme animatrice ou animateur de ce groupe",
        help_text=(
            "Cochée, vous devenez membre et animatrice ou animateur du groupe : vous le voyez sur "
            "le site et pouvez modérer ses discussions (masquer, épingler, marquer une solution) "
            "et gérer ses membres. Décochée, vous ne voyez un groupe réservé que si vous êtes "
            "ajoutée à la liste ci-dessous, comme tout le monde."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("creator_animates", None)
        # Cité groups come with their cité and the national group exists once
        # (services.ensure_national_group): ANCT creates working groups here.
        if not self.instance.pk and "kind" in self.fields:
            self.fields["kind"].choices = [(Kind.WORKING, Kind.WORKING.label)]
            self.fields["kind"].initial = Kind.WORKING
        if "slug" in self.fields:
            # Plain words, not "identifiant d'URL".
            self.fields["slug"].label = "Adresse courte du groupe"
            self.fields[
                "slug"
            ].help_text = "Utilisée dans l'adresse de la page du groupe ; remplie d'après le nom."
        if "cite" in self.fields:
            # Wagtail's French, "Choisir cité de l'emploi", misses its article.
            widget = self.fields["cite"].widget
            widget.choose_one_text = "Choisir une cité de l'emploi"
            widget.choose_another_text = "Choisir une autre cité de l'emploi"
        formset = self.formsets.get("memberships")
        if formset is not None:
            # Two people may share a name: the e-mail and the cité tell them apart.
            # A searchable chooser (groups.choosers), not a <select> of every account.
            person = formset.form.base_fields["user"]
            person.queryset = person.queryset.select_related("cite")
            person.widget = PersonChooserWidget()
            person.label_from_instance = person_label
            # Django's message names the fields ("en double dans group et user").
            formset.get_unique_error_message = lambda unique_check: (
                "Cette personne est déjà membre de ce groupe."
            )

    def wanted_memberships(self, creator=None):
        """{user: role} as the memberships formset leaves it (deleted rows left out); the
        creator as animateur when the new group's box is ticked."""
        formset = self.formsets["memberships"]
        wanted = {}
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or formset._should_delete_form(form) or not data.get("user"):
                continue
            wanted[data["user"]] = data.get("role") or Role.MEMBRE
        if creator is not None and self.cleaned_data.get("creator_animates"):
            wanted[creator] = Role.ANIMATEUR
        return wanted

    def is_valid(self):
        return super().is_valid() and self._memberships_follow_the_rules()

    def _memberships_follow_the_rules(self):
        from groups import permissions

        formset = self.formsets["memberships"]
        rows = [
            form.cleaned_data
            for form in formset.forms
            if getattr(form, "cleaned_data", None) and not formset._should_delete_form(form)
        ]
        users = [row["user"] for row in rows if row.get("user")]
        duplicates = {user.display_name for user in users if users.count(user) > 1}
        if duplicates:
            self.add_error(
                None, f"Chaque personne n'apparaît qu'une fois : {', '.join(sorted(duplicates))}."
            )
            return False
        wanted = self.wanted_memberships()
        kind = self.cleaned_data.get("kind") or self.instance.kind
        refused = [
            user.display_name
            for user in wanted
            if not permissions.is_eligible(user, Group(kind=kind))
        ]
        if refused:
            self.add_error(
                None,
                "Le groupe national est réservé aux coordonnateurs et coordonnatrices des cités "
                f"et à l'ANCT : {', '.join(sorted(refused))} ne peut pas en être membre.",
            )
            return False
        had_animateur = bool(self.instance.pk) and (
            Membership.objects.filter(group_id=self.instance.pk, role=Role.ANIMATEUR).exists()
        )
        if had_animateur and Role.ANIMATEUR not in wanted.values():
            self.add_error(
                None, "Le groupe doit garder au moins un animateur : nommez-en un autre avant."
            )
            return False
        return True


class LibraryProposalForm(forms.Form):
    """A group document proposed to the national library (groups.registry)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    description = forms.CharField(
        label="Description courte",
        help_text="Deux ou trois phrases : ce que contient le document, à qui il peut servir "
        "(600 caractères au plus).",
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4, "data-compteur": ""}),
        error_messages={"required": "Décrivez le document en quelques phrases."},
    )
    themes = forms.ModelMultipleChoiceField(
        label="Champs d'action",
        queryset=Theme.objects.ordered(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un champ d'action."},
    )

    kind = forms.ChoiceField(
        label="Type de ressource",
        help_text="L'équipe ANCT peut le changer à la relecture.",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le type de ressource.",
            "invalid_choice": "Choisissez le type de ressource parmi ceux proposés.",
        },
    )

    def __init__(self, *args, document, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        if kinds:
            self.fields["kind"].choices = [
                (value, f"{label} : {hint}" if hint else label) for value, label, hint in kinds
            ]
            self.fields["kind"].initial = kinds[0][0]
        else:  # a destination with a single kind of page
            del self.fields["kind"]
        # Ordered as the form reads: what it is, then what it is about.
        self.order_fields(["version", "kind", "description", "themes"])

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        if not description:
            raise forms.ValidationError("Décrivez le document en quelques phrases.")
        return description

    def clean_version(self):
        number = self.cleaned_data["version"]
        version = self.document.versions.defer("text").filter(number=number).first()
        if version is None:
            raise forms.ValidationError("Cette version du document n'existe pas.")
        return version
