from django import forms

from notifications.models import EmailMode
from themes.models import Theme


class PreferencesForm(forms.Form):
    """Every e-mail setting of a person on one page: one choice per group, the cafés-cités
    reminders, the bulletin de veille."""

    reminders = forms.BooleanField(
        label="Recevoir les rappels des cafés-cités auxquels je suis inscrit(e)",
        help_text="La veille et une heure avant la séance.",
        required=False,
    )
    library = forms.ChoiceField(
        # Under the section's heading « Bibliothèque de ressources »: not printed twice.
        label="Courriels de la bibliothèque",
        help_text="Fiches que vous suivez, vos propositions de documents et, pour l'équipe ANCT, "
        "les fiches à revoir.",
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        required=False,  # not sent: left as it is
    )
    bulletin = forms.BooleanField(
        label="Recevoir le bulletin de veille",
        help_text="À l'adresse de votre compte. Si elle n'est pas encore vérifiée, un courriel "
        "vous demande de la confirmer.",
        required=False,
    )
    bulletin_themes = forms.ModelMultipleChoiceField(
        label="Champs d'action du bulletin",
        help_text="Cochez ceux qui vous intéressent : vous ne recevrez que leurs rubriques. "
        "Aucune case cochée : tout le bulletin.",
        queryset=Theme.objects.ordered(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = list(memberships)
        for membership in self.memberships:
            self.fields[self.group_field(membership.group)] = forms.ChoiceField(
                label=membership.group.name,
                choices=EmailMode.choices,
                initial=membership.email_mode,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def group_field(group):
        return f"groupe_{group.pk}"

    def group_fields(self):
        return [(m.group, self[self.group_field(m.group)]) for m in self.memberships]

    def bulletin_theme_slugs(self):
        """The chosen champs, or None for the whole bulletin."""
        return sorted(theme.slug for theme in self.cleaned_data["bulletin_themes"]) or None

    def group_modes(self):
        return {m.group: self.cleaned_data[self.group_field(m.group)] for m in self.memberships}
