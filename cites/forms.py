from django import forms

from cites.regions import REGIONS
from themes.models import Theme


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher une cité, une commune", required=False, max_length=100)
    region = forms.ChoiceField(
        label="Région", required=False, choices=[("", "Toutes les régions"), *REGIONS]
    )
    theme = forms.ChoiceField(label="Champ d'action prioritaire", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [
            ("", "Tous les champs d'action"),
            *Theme.objects.ordered().values_list("slug", "label"),
        ]

    def cleaned_filters(self):
        """Valid filters only: an unknown region or theme is reported, never silently applied."""
        empty = {"region": "", "theme": "", "q": ""}
        if not self.is_bound:
            return empty
        if not self.is_valid():
            return {name: self.cleaned_data.get(name, "") for name in empty}
        return {name: self.cleaned_data[name] for name in empty}

    def filter_labels(self, filters):
        """The active filters as the page title shows them: each filtered list has its own."""
        labels = []
        if filters["q"]:
            labels.append(f"« {filters['q']} »")
        for name in ("region", "theme"):
            if filters[name]:
                labels.append(dict(self.fields[name].choices)[filters[name]])
        return ", ".join(labels)
