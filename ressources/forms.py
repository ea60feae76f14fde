from django import forms
from django.core.exceptions import ValidationError

from commons.widgets import RichTextarea
from themes.models import PublicCible, Theme


class SubscriptionForm(forms.Form):
    email = forms.EmailField(label="Adresse électronique", max_length=254)
    scope = forms.ChoiceField(
        label="Je souhaite recevoir",
        choices=[("all", "Tout le bulletin"), ("themes", "Seulement certains champs d'action")],
        initial="all",
        widget=forms.RadioSelect,
    )
    themes = forms.ModelMultipleChoiceField(
        label="Champs d'action",
        queryset=Theme.objects.ordered(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        data = super().clean()
        if data.get("scope") == "themes" and not data.get("themes"):
            raise ValidationError("Choisissez au moins un champ d'action, ou tout le bulletin.")
        return data

    def theme_slugs(self):
        """None means everything."""
        if self.cleaned_data["scope"] == "all":
            return None
        return sorted(theme.slug for theme in self.cleaned_data["themes"])


class ActionProposalForm(forms.Form):
    title = forms.CharField(label="Titre de l'action", max_length=200)
    summary = forms.CharField(
        label="Résumé",
        help_text="Deux ou trois phrases : ce qui a été fait, pour qui (600 caractères au plus).",
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3, "data-compteur": ""}),
    )
    description = forms.CharField(
        label="Description",
        help_text="Déroulé, rôle de chaque partenaire, difficultés rencontrées.",
        max_length=10_000,
        widget=RichTextarea(attrs={"rows": 8}),
    )
    themes = forms.ModelMultipleChoiceField(
        label="Champs d'action",
        queryset=Theme.objects.ordered(),
        widget=forms.CheckboxSelectMultiple,
    )
    publics_cibles = forms.ModelMultipleChoiceField(
        label="Publics cibles",
        queryset=PublicCible.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    territory = forms.CharField(label="Territoire ou QPV", max_length=200, required=False)
    partners = forms.CharField(
        label="Partenaires",
        help_text="Un partenaire par ligne (2 000 caractères au plus).",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "data-compteur": ""}),
    )
    start_date = forms.DateField(
        label="Date de début",
        help_text="Format : JJ/MM/AAAA",
        required=False,
    )
    results = forms.CharField(
        label="Résultats",
        help_text="Chiffres et effets observés (2 000 caractères au plus).",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "data-compteur": ""}),
    )
    contact = forms.CharField(label="Contact", max_length=200, required=False)


class ProposalKindForm(forms.Form):
    """ANCT, at review: the library page type a proposed document becomes."""

    kind = forms.ChoiceField(
        label="Type de ressource",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le type de ressource.",
            "invalid_choice": "Choisissez le type de ressource parmi ceux proposés.",
        },
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(value, f"{label} : {hint}") for value, label, hint in kinds]
