"""The directory of cités de l'emploi: one fiche d'identité per labelled territory."""

from django import forms
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from cites.regions import REGION_LABELS, REGIONS


class Wave(models.IntegerChoices):
    FIRST = 1, "1re vague (2020)"
    SECOND = 2, "2e vague (2021)"
    THIRD = 3, "3e vague"


class CiteQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_directory_data(self):
        from themes.models import Theme

        return self.prefetch_related(Prefetch("themes", queryset=Theme.objects.ordered()), "qpvs")

    def filter_directory(self, *, region="", theme="", q=""):
        qs = self
        if region:
            qs = qs.filter(region=region)
        if theme:
            qs = qs.filter(themes__slug=theme)
        if q:
            qs = qs.filter(
                models.Q(name__icontains=q)
                | models.Q(short_name__icontains=q)
                | models.Q(departement__icontains=q)
                | models.Q(qpvs__commune__icontains=q)
                | models.Q(qpvs__name__icontains=q)
            )
        return qs.distinct()


class Cite(index.Indexed, ClusterableModel):
    name = models.CharField("nom", max_length=200)
    short_name = models.CharField("nom court", max_length=100, help_text="Ex. : Saint-Omer")
    slug = models.SlugField("identifiant d'URL", unique=True, max_length=100)
    code = models.CharField(
        "code",
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^cde-\d{3}$", "Le code doit avoir la forme cde-001.")],
    )
    region = models.CharField("région", max_length=2, choices=REGIONS)
    departement_code = models.CharField("code du département", max_length=3)
    departement = models.CharField("département", max_length=80)
    structure_porteuse = models.CharField("structure porteuse", max_length=200)
    copilote_prefecture = models.CharField("co-pilote préfecture", max_length=200)
    copilote_collectivite = models.CharField("co-pilote collectivité", max_length=200)
    wave = models.PositiveSmallIntegerField("vague de labellisation", choices=Wave.choices)
    labellisation_date = models.DateField("date de labellisation")
    presentation = RichTextField(
        "présentation", blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    coordinator_name = models.CharField("coordinateur ou coordinatrice", max_length=120)
    coordinator_email = models.EmailField("adresse électronique de la coordination")
    coordinator_phone = models.CharField("téléphone de la coordination", max_length=30, blank=True)
    themes = ParentalManyToManyField(
        "themes.Theme",
        verbose_name="champs d'action prioritaires",
        blank=True,
        related_name="cites",
    )
    publics_cibles = ParentalManyToManyField(
        "themes.PublicCible", verbose_name="publics cibles", blank=True, related_name="cites"
    )
    is_published = models.BooleanField(
        "visible dans l'annuaire", default=True, help_text="Décocher pour masquer la cité."
    )
    updated_at = models.DateTimeField("mise à jour", auto_now=True)

    objects = CiteQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldRowPanel([FieldPanel("short_name"), FieldPanel("slug"), FieldPanel("code")]),
                FieldRowPanel(
                    [
                        FieldPanel("region"),
                        FieldPanel("departement_code"),
                        FieldPanel("departement"),
                    ]
                ),
                FieldRowPanel([FieldPanel("wave"), FieldPanel("labellisation_date")]),
                FieldPanel("is_published"),
            ],
            heading="Identité",
        ),
        MultiFieldPanel(
            [
                FieldPanel("structure_porteuse"),
                FieldPanel("copilote_prefecture"),
                FieldPanel("copilote_collectivite"),
            ],
            heading="Pilotage",
        ),
        MultiFieldPanel(
            [
                FieldPanel("coordinator_name"),
                FieldRowPanel([FieldPanel("coordinator_email"), FieldPanel("coordinator_phone")]),
            ],
            heading="Contact",
        ),
        FieldPanel("presentation"),
        InlinePanel("qpvs", heading="Quartiers prioritaires (QPV)", label="QPV"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("publics_cibles", widget=forms.CheckboxSelectMultiple),
        InlinePanel("axes", heading="Axes de la feuille de route", label="axe"),
    ]

    search_fields = [
        index.SearchField("name"),
        index.SearchField("short_name"),
        index.AutocompleteField("short_name"),
        index.FilterField("region"),
    ]

    class Meta:
        verbose_name = "cité de l'emploi"
        verbose_name_plural = "cités de l'emploi"
        ordering = ["short_name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cites:detail", kwargs={"slug": self.slug})

    @property
    def name_in_sentence(self):
        """The official name inside a sentence: « la cité de l'emploi de Pau » reads right,
        « la Cité de l'emploi Pau » (short name glued to the programme's name) does not."""
        if self.name[:4].lower() == "cité":
            return "cité" + self.name[4:]
        return self.name

    @property
    def of_name(self):
        """« de la cité de l'emploi de Pau », for « le questionnaire … de la cité … »."""
        if self.name[:4].lower() == "cité":
            return f"de la {self.name_in_sentence}"
        return f"de {self.name}"

    @property
    def region_label(self):
        return REGION_LABELS.get(self.region, "")

    @property
    def qpv_population(self):
        return sum(qpv.population or 0 for qpv in self.qpvs.all())


class QPV(Orderable):
    cite = ParentalKey(Cite, on_delete=models.CASCADE, related_name="qpvs")
    name = models.CharField("nom du quartier", max_length=200)
    commune = models.CharField("commune", max_length=120)
    population = models.PositiveIntegerField("population", null=True, blank=True)

    panels = [FieldPanel("name"), FieldPanel("commune"), FieldPanel("population")]

    class Meta:
        verbose_name = "quartier prioritaire"
        verbose_name_plural = "quartiers prioritaires"
        ordering = ["sort_order"]

    def __str__(self):
        return f"{self.name} ({self.commune})"


class RoadmapAxis(Orderable):
    cite = ParentalKey(Cite, on_delete=models.CASCADE, related_name="axes")
    title = models.CharField("axe", max_length=255)

    panels = [FieldPanel("title")]

    class Meta:
        verbose_name = "axe de la feuille de route"
        verbose_name_plural = "axes de la feuille de route"
        ordering = ["sort_order"]

    def __str__(self):
        return self.title
