from django import forms

from notifications.models import EmailMode


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
        help_text="À l'inscription, un courriel vous demande de confirmer votre adresse.",
        required=False,
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

    def group_modes(self):
        return {m.group: self.cleaned_data[self.group_field(m.group)] for m in self.memberships}
