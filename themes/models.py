"""The ground floor: the 8 champs d'action and the publics cibles.

This app imports none of the platform's other apps; they tag their content with these.
"""

from django.db import models
from django.urls import reverse
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

# The fixed slugs other apps, imports and URLs rely on. Labels stay editable.
THEME_SLUGS = [
    "reseau-professionnel",
    "savoirs-de-base",
    "competences-numeriques",
    "contraintes-familiales",
    "mobilite",
    "logement",
    "precarite-financiere",
    "sante-handicap",
]

# DSFR pictograms (shipped with django-dsfr's DSFR) ANCT can choose from.
PICTOGRAM_CHOICES = [
    ("leisure/community", "Communauté"),
    ("digital/self-training", "Apprentissage"),
    ("accessibility/accessibility", "Accessibilité"),
    ("leisure/book", "Livre"),
    ("digital/coding", "Numérique"),
    ("buildings/school", "École"),
    ("map/map", "Carte"),
    ("buildings/house", "Maison"),
    ("institutions/money", "Argent"),
    ("health/health", "Santé"),
    ("environment/human-cooperation", "Coopération"),
    ("document/document", "Document"),
]


class ThemeQuerySet(models.QuerySet):
    def ordered(self):
        return self.order_by("position", "label")


class Theme(index.Indexed, models.Model):
    slug = models.SlugField("identifiant", unique=True, editable=False)
    label = models.CharField("intitulé", max_length=120)
    short_label = models.CharField("intitulé court", max_length=40)
    description = models.TextField("description", blank=True)
    pictogram = models.CharField(
        "pictogramme", max_length=60, choices=PICTOGRAM_CHOICES, default="document/document"
    )
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    objects = ThemeQuerySet.as_manager()

    panels = [
        FieldPanel("label"),
        FieldPanel("short_label"),
        FieldPanel("description"),
        FieldPanel("pictogram"),
        FieldPanel("position"),
    ]
    search_fields = [index.SearchField("label"), index.AutocompleteField("label")]

    class Meta:
        verbose_name = "champ d'action"
        verbose_name_plural = "champs d'action"
        ordering = ["position", "label"]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("themes:detail", kwargs={"slug": self.slug})

    @property
    def pictogram_path(self):
        return f"dsfr/dist/artwork/pictograms/{self.pictogram}.svg"


class PublicCible(models.Model):
    slug = models.SlugField("identifiant", unique=True, editable=False)
    label = models.CharField("intitulé", max_length=120)
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    panels = [FieldPanel("label"), FieldPanel("position")]

    class Meta:
        verbose_name = "public cible"
        verbose_name_plural = "publics cibles"
        ordering = ["position", "label"]

    def __str__(self):
        return self.label
