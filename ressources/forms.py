from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from commons.html import html_to_plain_text
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
        help_text="Cocher un champ d'action suffit : vous ne recevrez que les rubriques des champs "
        "cochés. Aucune case cochée : tout le bulletin.",
    )

    def clean(self):
        data = super().clean()
        # Same rule as the preferences page: ticked champs are the choice, whatever the radio
        # says (« Tout le bulletin » is only its default; subscribe.js moves it when a box is
        # ticked, this holds without JavaScript too).
        if data.get("themes"):
            data["scope"] = "themes"
        elif data.get("scope") == "themes":
            raise ValidationError("Choisissez au moins un champ d'action, ou tout le bulletin.")
        return data

    def theme_slugs(self):
        """None means everything."""
        if self.cleaned_data["scope"] == "all":
            return None
        return sorted(theme.slug for theme in self.cleaned_data["themes"])


def french_number(value):
    """2000 → « 2 000 » (a no-break space groups the thousands, as in the hints)."""
    return f"{value:,}".replace(",", "\u00a0")


def too_long_message(limit, length):
    return f"{french_number(limit)} caractères au plus (actuellement {french_number(length)})."


class FrenchMaxLengthValidator(MaxLengthValidator):
    """The limit and the length in the words of the form's hints: « 2 000 caractères au plus
    (actuellement 2 345) »."""

    def __call__(self, value):
        if len(value) > self.limit_value:
            raise ValidationError(too_long_message(self.limit_value, len(value)), code=self.code)


DESCRIPTION_LIMIT = 10_000  # visible characters: the editor's markup does not count


class ActionProposalForm(forms.Form):
    title = forms.CharField(
        label="Titre de l'action",
        help_text="200 caractères au plus.",
        max_length=200,
        widget=forms.TextInput(attrs={"data-compteur": ""}),
        # Helpful messages, as the group document proposal's (not Django's « Champ requis. »).
        error_messages={"required": "Donnez un titre à l'action, en quelques mots."},
    )
    summary = forms.CharField(
        label="Résumé",
        help_text="Deux ou trois phrases : ce qui a été fait, pour qui (600 caractères au plus).",
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3, "data-compteur": ""}),
        error_messages={"required": "Résumez l'action en deux ou trois phrases."},
    )
    description = forms.CharField(
        label="Description",
        help_text=(
            "Déroulé, rôle de chaque partenaire, difficultés rencontrées "
            f"({french_number(DESCRIPTION_LIMIT)} caractères au plus, mise en forme non comptée)."
        ),
        widget=RichTextarea(attrs={"rows": 8}),
        error_messages={
            "required": "Décrivez l'action : son déroulé, le rôle des partenaires, les difficultés."
        },
    )
    themes = forms.ModelMultipleChoiceField(
        label="Champs d'action",
        queryset=Theme.objects.ordered(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un champ d'action."},
    )
    publics_cibles = forms.ModelMultipleChoiceField(
        label="Publics cibles",
        queryset=PublicCible.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    territory = forms.CharField(
        label="Territoire ou QPV",
        help_text="200 caractères au plus.",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"data-compteur": ""}),
    )
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
        error_messages={"invalid": "Saisissez une date valide, au format JJ/MM/AAAA."},
    )
    results = forms.CharField(
        label="Résultats",
        help_text="Chiffres et effets observés (2 000 caractères au plus).",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "data-compteur": ""}),
    )
    contact = forms.CharField(
        label="Contact",
        help_text=(
            "La personne à joindre : nom, adresse électronique ou téléphone "
            "(200 caractères au plus)."
        ),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"data-compteur": ""}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            limit = getattr(field, "max_length", None)
            if limit:
                field.validators = [
                    validator
                    for validator in field.validators
                    if not isinstance(validator, MaxLengthValidator)
                ] + [FrenchMaxLengthValidator(limit)]

    def clean_description(self):
        description = self.cleaned_data["description"]
        visible = len(html_to_plain_text(description))
        # The markup has a generous limit of its own, so a huge paste stays bounded.
        if visible > DESCRIPTION_LIMIT or len(description) > 10 * DESCRIPTION_LIMIT:
            raise ValidationError(too_long_message(DESCRIPTION_LIMIT, visible))
        return description


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
