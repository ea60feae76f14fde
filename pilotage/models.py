"""Pilotage: ANCT's quarterly questionnaire to the cités, its answers and their consolidation.

- `Indicator` is the living référentiel ANCT edits in the Wagtail admin. Its `code` never changes,
  so a series stays comparable across questionnaire versions.
- `QuestionnaireVersion` + `VersionIndicator` are frozen snapshots of the référentiel, taken when a
  campaign opens (services.open_campaign). A later change to the référentiel makes a new version at
  the next opening; an open or closed campaign keeps the questions its cités answered.
- `Campaign` is one quarter (2026-T4). `Response` is one cité's questionnaire for one campaign and
  `Answer` one value in it, tied to the stable `Indicator` (the series key).
"""

import re
from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from commons.french import format_number


class Enjeu(models.TextChoices):
    COOPERATION = "cooperation", "Renforcer la coopération des acteurs"
    DROIT_COMMUN = "droit-commun", "Fiabiliser le recours au droit commun"
    OFFRE_SPECIFIQUE = "offre-specifique", "Définir une offre spécifique"


ENJEU_ORDER = [Enjeu.COOPERATION, Enjeu.DROIT_COMMUN, Enjeu.OFFRE_SPECIFIQUE]


class Kind(models.TextChoices):
    INTEGER = "integer", "Nombre entier"
    DECIMAL = "decimal", "Nombre décimal"
    PERCENTAGE = "percentage", "Pourcentage"
    YES_NO = "yes-no", "Oui / non"
    CHOICE = "choice", "Choix dans une liste"
    TEXT = "text", "Texte court"


NUMERIC_KINDS = {Kind.INTEGER, Kind.DECIMAL, Kind.PERCENTAGE}


class Aggregation(models.TextChoices):
    """How the national figure of an indicator is computed (and published)."""

    SUM = "sum", "Total"
    MEDIAN = "median", "Médiane"
    YES_COUNT = "yes-count", "Nombre de cités ayant répondu oui"


class Breakdown(models.TextChoices):
    NONE = "", "Pas de ventilation"
    THEMES = "themes", "Par champ d'action"
    PUBLICS = "publics", "Par public cible"
    BOTH = "both", "Par champ d'action et par public cible"


# The attributes a version freezes; comparing them tells whether the référentiel changed.
FROZEN_FIELDS = [
    "code",
    "label",
    "help_text",
    "enjeu",
    "kind",
    "unit",
    "min_value",
    "max_value",
    "choices",
    "required",
    "breakdown",
    "aggregation",
    "position",
]


class IndicatorDefinition(models.Model):
    """What an indicator asks; shared by the living référentiel and its frozen copies."""

    code = models.CharField(
        "code",
        max_length=40,
        validators=[
            RegexValidator(
                r"^[a-z0-9][a-z0-9-]*$",
                "Le code ne contient que des minuscules sans accent, des chiffres et des tirets.",
            )
        ],
        help_text="Identifiant stable des séries : ne change pas d'une version à l'autre.",
    )
    label = models.CharField("intitulé", max_length=255)
    help_text = models.TextField("aide", blank=True)
    enjeu = models.CharField("enjeu", max_length=20, choices=Enjeu.choices)
    kind = models.CharField("type de réponse", max_length=12, choices=Kind.choices)
    unit = models.CharField(
        "unité",
        max_length=40,
        blank=True,
        help_text=(
            "Au pluriel, ex. : personnes (la plateforme écrit « 1 personne », « 2 personnes ») ; "
            "« singulier,pluriel » si le pluriel n'ajoute pas un s au premier mot."
        ),
    )
    min_value = models.DecimalField(
        "minimum", max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        "maximum", max_digits=14, decimal_places=2, null=True, blank=True
    )
    choices = models.TextField(
        "choix possibles", blank=True, help_text="Un choix par ligne (type « choix » seulement)."
    )
    required = models.BooleanField("réponse obligatoire", default=True)
    breakdown = models.CharField(
        "ventilation", max_length=10, choices=Breakdown.choices, blank=True, default=""
    )
    aggregation = models.CharField(
        "consolidation nationale",
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.label} ({self.code})"

    @property
    def is_numeric(self):
        return self.kind in NUMERIC_KINDS

    @property
    def field_id(self):
        """The id of the questionnaire's input for this question, for links to it: the same
        `v-<code>` as the input (includes/question.html), its first radio for a yes / no."""
        if self.kind == Kind.YES_NO:
            return f"v-{self.code}-oui"
        return f"v-{self.code}"

    @property
    def choice_list(self):
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    @property
    def breaks_down_themes(self):
        return self.breakdown in (Breakdown.THEMES, Breakdown.BOTH)

    @property
    def breaks_down_publics(self):
        return self.breakdown in (Breakdown.PUBLICS, Breakdown.BOTH)

    def frozen_values(self):
        return {name: getattr(self, name) for name in FROZEN_FIELDS}

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == Kind.CHOICE and len(self.choice_list) < 2:
            errors["choices"] = "Indiquez au moins deux choix, un par ligne."
        if self.breakdown and self.kind not in (Kind.INTEGER, Kind.DECIMAL):
            errors["breakdown"] = "Seul un nombre peut être ventilé."
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            errors["max_value"] = "Le maximum doit être supérieur ou égal au minimum."
        if self.kind == Kind.PERCENTAGE:
            # The questionnaire refuses a percentage outside 0–100 whatever the bounds say:
            # bounds outside it would announce answers that can never be given.
            for name, label in (("min_value", "Le minimum"), ("max_value", "Le maximum")):
                bound = getattr(self, name)
                if bound is not None and not 0 <= bound <= 100:
                    errors[name] = f"{label} d'un pourcentage doit être compris entre 0 et 100."
        if self.kind == Kind.PERCENTAGE and self.aggregation == Aggregation.SUM:
            errors["aggregation"] = "Un pourcentage ne s'additionne pas : choisissez la médiane."
        if self.aggregation == Aggregation.YES_COUNT and self.kind != Kind.YES_NO:
            errors["aggregation"] = "Ce mode ne vaut que pour une question oui / non."
        if self.kind == Kind.YES_NO and self.aggregation != Aggregation.YES_COUNT:
            errors["aggregation"] = "Une question oui / non se consolide en nombre de « oui »."
        if errors:
            raise ValidationError(errors)


class Indicator(IndicatorDefinition):
    """The living référentiel (Wagtail admin). Editing it never touches a frozen version."""

    is_active = models.BooleanField(
        "dans le questionnaire",
        default=True,
        help_text="Décocher pour retirer l'indicateur des prochaines campagnes (ses séries restent).",
    )
    is_public = models.BooleanField(
        "publié dans les chiffres clés",
        default=False,
        help_text="Le chiffre national est publié s'il repose sur au moins 3 cités.",
    )
    updated_at = models.DateTimeField("mise à jour", auto_now=True)

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("code"), FieldPanel("position")]),
                FieldPanel("label"),
                FieldPanel("help_text"),
                FieldPanel("enjeu"),
            ],
            heading="Question",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("unit")]),
                FieldRowPanel([FieldPanel("min_value"), FieldPanel("max_value")]),
                FieldPanel("choices"),
                FieldPanel("required"),
                FieldPanel("breakdown"),
            ],
            heading="Réponse",
        ),
        MultiFieldPanel(
            [FieldPanel("aggregation"), FieldPanel("is_public"), FieldPanel("is_active")],
            heading="Consolidation et publication",
        ),
    ]

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "référentiel des indicateurs"
        ordering = ["enjeu", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["code"], name="pilotage_indicator_code")]

    def code_in_use(self):
        """A frozen version or an answer refers to it: the code now keys published series."""
        return (
            VersionIndicator.objects.filter(indicator=self).exists()
            or Answer.objects.filter(indicator=self).exists()
        )


class QuestionnaireVersion(models.Model):
    number = models.PositiveIntegerField("version", unique=True)
    frozen_at = models.DateTimeField("figée le", default=timezone.now)

    class Meta:
        verbose_name = "version du questionnaire"
        verbose_name_plural = "versions du questionnaire"
        ordering = ["-number"]

    def __str__(self):
        return f"Version {self.number}"


class VersionIndicator(IndicatorDefinition):
    """An indicator as a questionnaire version asks it; never edited after the freeze."""

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="indicators"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "indicateur d'une version"
        verbose_name_plural = "indicateurs d'une version"
        ordering = ["version", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="pilotage_version_code"),
        ]


QUARTER_RE = re.compile(r"^(\d{4})-T([1-4])$")


def quarter_code(year, quarter):
    return f"{year}-T{quarter}"


def previous_quarter(year, quarter):
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", "Programmée"
    OPEN = "open", "Ouverte"
    CLOSED = "closed", "Close"


class CampaignQuerySet(models.QuerySet):
    def chronological(self):
        return self.order_by("year", "quarter")

    def last_closed(self):
        return self.filter(status=CampaignStatus.CLOSED).order_by("-year", "-quarter").first()

    def last_closed_with(self, submitted):
        """The newest closed campaign that at least `submitted(campaign)` cités answered (an int
        works too): a campaign closed early with too few answers does not blank the published
        figures of the one before (1 query)."""
        rule = submitted if callable(submitted) else (lambda campaign: submitted)
        campaigns = (
            self.filter(status=CampaignStatus.CLOSED)
            .annotate(
                submitted=models.Count(
                    "responses", filter=models.Q(responses__status=ResponseStatus.SUBMITTED)
                )
            )
            .order_by("-year", "-quarter")
        )
        return next((c for c in campaigns if c.submitted >= rule(c)), None)


_NATIVE_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Quarters the programme can have: year 0 or 2207 is a typo, refused with a French message.
YEARS = (2020, 2100)


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField("année")
    quarter = models.PositiveSmallIntegerField(
        "trimestre", choices=[(q, f"T{q}") for q in range(1, 5)]
    )
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("clôture")
    status = models.CharField(
        "état", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name="version du questionnaire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        editable=False,
    )

    # When ANCT closed it: maybe before `closes_on`, the date announced (« close le … »).
    closed_at = models.DateTimeField("close le", null=True, blank=True, editable=False)
    # The cités asked to answer (the published cités when the campaign opened): the « M » of the
    # public « N cités sur M » and the base of its coverage rule (pilotage.publication).
    expected_cites = models.PositiveIntegerField(
        "cités attendues", null=True, blank=True, editable=False
    )

    objects = CampaignQuerySet.as_manager()

    # The browser's own date field, not Wagtail's date picker, which silently turned a typed
    # « demain » into today's date (walk17e): a text that is no date is now refused by the form.
    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("quarter")]),
        FieldRowPanel(
            [
                FieldPanel("opens_on", widget=_NATIVE_DATE),
                FieldPanel("closes_on", widget=_NATIVE_DATE),
            ]
        ),
    ]

    class Meta:
        verbose_name = "campagne"
        verbose_name_plural = "campagnes"
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="pilotage_campaign_quarter")
        ]

    def __str__(self):
        return f"Campagne {self.code}"

    def unique_error_message(self, model_class, unique_check):
        if set(unique_check) == {"year", "quarter"}:
            return ValidationError(
                "Une campagne existe déjà pour ce trimestre.", code="unique_together"
            )
        return super().unique_error_message(model_class, unique_check)

    @property
    def code(self):
        return quarter_code(self.year, self.quarter)

    @property
    def label(self):
        return f"{self.quarter}{'er' if self.quarter == 1 else 'e'} trimestre {self.year}"

    def clean(self):
        super().clean()
        if self.year is not None and not YEARS[0] <= self.year <= YEARS[1]:
            raise ValidationError({"year": f"Indiquez une année entre {YEARS[0]} et {YEARS[1]}."})
        if self.opens_on and self.closes_on and self.opens_on > self.closes_on:
            raise ValidationError({"closes_on": "La clôture doit suivre l'ouverture."})

    @property
    def is_open(self):
        return self.status == CampaignStatus.OPEN

    @property
    def closed_on(self):
        """The day it was really closed (Paris time), None while not closed."""
        return timezone.localdate(self.closed_at) if self.closed_at else None

    @property
    def closed_early(self):
        return self.closed_on is not None and self.closed_on < self.closes_on

    @property
    def is_closed(self):
        return self.status == CampaignStatus.CLOSED


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Transmis"


class Response(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    cite = models.ForeignKey(
        "cites.Cite", on_delete=models.CASCADE, related_name="pilotage_responses"
    )
    status = models.CharField(
        "état", max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    # ANCT's extension (or reopening) for this cité only: answers accepted until this day.
    extended_until = models.DateField("prolongée jusqu'au", null=True, blank=True)
    submitted_at = models.DateTimeField("transmis le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour", auto_now=True)

    class Meta:
        verbose_name = "questionnaire d'une cité"
        verbose_name_plural = "questionnaires des cités"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "cite"], name="pilotage_response_cite")
        ]

    def __str__(self):
        return f"{self.cite} — {self.campaign.code}"

    @property
    def is_submitted(self):
        return self.status == ResponseStatus.SUBMITTED

    @property
    def deadline(self):
        return self.extended_until or self.campaign.closes_on

    @property
    def reopened(self):
        """Sent back to draft by ANCT (after a transmission, or after the closing), as opposed to
        a mere extension: one label for one action on every page."""
        if self.is_submitted or not self.extended_until:
            return False
        return self.campaign.is_closed or self.submitted_by_id is not None

    def accepts_answers(self, today=None):
        """A draft of an open campaign before its deadline, or of a cité ANCT extended/reopened."""
        today = today or date.today()
        if self.is_submitted or self.campaign.status == CampaignStatus.PLANNED:
            return False
        if self.campaign.is_closed and not self.extended_until:
            return False
        return today <= self.deadline


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="answers")
    number = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    text = models.CharField(max_length=255, blank=True)
    # {"themes": {"mobilite": 12, ...}, "publics": {...}}: parts of `number`.
    breakdown = models.JSONField(default=dict, blank=True)
    # Copied from the previous quarter and not yet touched by the cité.
    prefilled = models.BooleanField(default=False)
    # The breakdown does not add up to `number` and a member confirmed it anyway: saved drafts
    # may hold unconfirmed mismatches, a submission may not.
    breakdown_confirmed = models.BooleanField(default=False)
    # Optimistic concurrency: a save names the revision it started from.
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "réponse"
        verbose_name_plural = "réponses"
        constraints = [
            models.UniqueConstraint(fields=["response", "indicator"], name="pilotage_answer_once")
        ]

    def __str__(self):
        return f"{self.indicator.code} = {self.display_value}"

    @property
    def is_empty(self):
        return self.number is None and not self.text

    @property
    def display_value(self):
        if self.number is not None:
            return format_number(self.number)
        return self.text


class ReminderKind(models.TextChoices):
    J7 = "j-7", "7 jours avant la clôture"
    J1 = "j-1", "La veille de la clôture"


class Reminder(models.Model):
    """A reminder sent to a cité: the unique constraint makes a second sending impossible."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    cite = models.ForeignKey("cites.Cite", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "relance"
        verbose_name_plural = "relances"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "cite", "kind"], name="pilotage_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.cite_id} — {self.campaign_id}"


class NoticeKind(models.TextChoices):
    OPENED = "opened", "Ouverture de la campagne"
    CLOSED = "closed", "Clôture de la campagne"
    ENDED = "ended", "Prolongation ou réouverture close par la clôture"


class CampaignNotice(models.Model):
    """An e-mail announcing a campaign's opening or closing to one cité (or the end of the
    extension it was told about): the unique constraint makes a second one impossible, and
    `sent_at` is claimed before sending, so a task run twice sends once."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="notices")
    cite = models.ForeignKey("cites.Cite", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=NoticeKind.choices)
    # ENDED: the deadline the cité had been given, and whether it was a reopening.
    ended_until = models.DateField(null=True, blank=True)
    reopened = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "annonce de campagne"
        verbose_name_plural = "annonces de campagne"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "cite", "kind"], name="pilotage_notice_once"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.cite_id} — {self.campaign_id}"
