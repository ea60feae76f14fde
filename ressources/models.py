"""The library (fiches dispositifs, actions inspirantes, portraits, parcours) and the Bulletin de
veille with its subscribers and per-subscriber deliveries.

Every ressource type extends the concrete RessourcePage, so the library index lists, filters and
counts all types with plain aggregate queries on one table (no per-type union).
"""

import datetime

from django import forms
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import AbstractGroupApprovalTask, Page
from wagtail.search import index

from cites.regions import REGION_LABELS, REGIONS
from commons.urls import absolute_url
from notifications.models import EmailMode
from ressources.blocks import RICH_TEXT_FEATURES, BodyBlock, BulletinBlock, LinksBlock
from ressources.panels import ComposeFromLibraryPanel, ProposalPanel
from ressources.permissions import visible_pages

NATIONAL = "national"
REGION_CHOICES = [(NATIONAL, "National"), *REGIONS]
REGION_CHOICE_LABELS = {NATIONAL: "National", **REGION_LABELS}
RESSOURCE_TYPES = [
    "ressources.FicheDispositifPage",
    "ressources.ActionInspirantePage",
    "ressources.PortraitCitePage",
    "ressources.ParcoursBeneficiairePage",
]


class RessourcesIndexPage(Page):
    intro = models.TextField("introduction", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    # Any parent the host allows (its page types list this one in subpage_types): ressources/
    # names no page type of another app, so it drops into any Wagtail tree.
    subpage_types = [*RESSOURCE_TYPES, "ressources.BulletinIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = "bibliothèque de ressources"

    def get_context(self, request, *args, **kwargs):
        from ressources.views import library_context

        context = super().get_context(request, *args, **kwargs)
        context.update(library_context(self, request))
        return context


class RessourcePage(Page):
    """Fields every ressource shares. Not creatable itself: editors pick one of the types."""

    summary = models.TextField("résumé", help_text="Deux ou trois phrases, affichées en liste.")
    body = StreamField(BodyBlock(), blank=True, verbose_name="contenu")
    date = models.DateField("date", default=datetime.date.today, db_index=True)
    themes = ParentalManyToManyField(
        "themes.Theme", verbose_name="champs d'action", blank=True, related_name="ressources"
    )
    publics_cibles = ParentalManyToManyField(
        "themes.PublicCible", verbose_name="publics cibles", blank=True, related_name="ressources"
    )
    region = models.CharField(
        "portée géographique", max_length=10, choices=REGION_CHOICES, default=NATIONAL
    )
    cite = models.ForeignKey(
        "cites.Cite",
        verbose_name="cité de l'emploi",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ressources",
    )

    common_panels = [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("region"), FieldPanel("cite")]),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("publics_cibles", widget=forms.CheckboxSelectMultiple),
    ]
    content_panels = [*Page.content_panels, *common_panels, FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("region"),
        index.FilterField("date"),
    ]

    parent_page_types = ["ressources.RessourcesIndexPage"]
    subpage_types = []
    is_creatable = False

    class Meta:
        verbose_name = "ressource"

    @property
    def region_label(self):
        return REGION_CHOICE_LABELS.get(self.region, "")

    REFUSED_SUFFIX = " — Proposition refusée"

    def get_admin_display_title(self):
        """A proposal refused at review stays as a draft (its proposal, with the reviewer's
        message, is what the group document's page and the proposer's data export show): the
        admin listing marks it so that it does not read as work in progress. Only a never
        published draft can be a refused proposal, so live pages cost no query."""
        title = super().get_admin_display_title()
        if self.live or self.first_published_at or not self.pk:
            return title
        refused = LibraryProposal.objects.filter(
            page_id=self.pk, status=ProposalStatus.REFUSED
        ).exists()
        return f"{title}{self.REFUSED_SUFFIX}" if refused else title

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        parent = self.get_parent()
        context["breadcrumb"] = [
            {"label": parent.title, "url": parent.url},
            {"label": self.title, "url": ""},
        ]
        # Sorted in Python: in a preview, the page is built from a revision and its many-to-many
        # fields are in-memory lists (modelcluster), without queryset methods.
        context["themes"] = sorted(
            self.themes.all(), key=lambda theme: (theme.position, theme.label)
        )
        context["publics"] = self.publics_cibles.all()
        context["proposal"] = (
            LibraryProposal.objects.filter(page_id=self.pk, status=ProposalStatus.PUBLISHED)
            .select_related("proposer", "proposer__cite")
            .first()
            if self.pk
            else None
        )
        return context


class FicheDispositifForm(WagtailAdminPageForm):
    """The "modification importante" flag belongs to one publication: once the latest revision
    is live, the form starts unticked again, and a ticked flag needs its one-line summary."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        if page.pk and page.live and page.latest_revision_id == page.live_revision_id:
            self.initial["major_change"] = False
            self.initial["major_change_summary"] = ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("major_change") and not (cleaned.get("major_change_summary") or "").strip():
            self.add_error(
                "major_change_summary",
                "Résumez la modification importante en une ligne : elle est reprise dans la "
                "notification.",
            )
        return cleaned


class FicheDispositifPage(RessourcePage):
    offer = RichTextField("ce que le dispositif apporte", blank=True, features=RICH_TEXT_FEATURES)
    how_to = RichTextField("comment le mobiliser", blank=True, features=RICH_TEXT_FEATURES)
    porteur = models.CharField("porteur ou organisme", max_length=200, blank=True)
    funding = models.CharField("financement", max_length=200, blank=True)
    contacts = models.TextField("contacts", blank=True)
    links = StreamField(LinksBlock(), blank=True, verbose_name="liens utiles")
    last_reviewed = models.DateField("dernière relecture", null=True, blank=True)
    expires_on = models.DateField(
        "date d'expiration",
        null=True,
        blank=True,
        help_text="Le dispositif prend fin à cette date.",
    )
    # The content's own validity (not the dispositif's end): ANCT editors are reminded 30 days
    # before, and the fiche shows in the "Fiches à revoir" report (ressources.services).
    valid_until = models.DateField(
        "valide jusqu'au",
        null=True,
        blank=True,
        help_text="Date à laquelle le contenu de la fiche doit être revu. L'équipe ANCT est "
        "prévenue 30 jours avant.",
    )
    # Read when the revision is published, then cleared (ressources.signals): the flag concerns
    # one publication only and is never sent twice.
    major_change = models.BooleanField(
        "modification importante",
        default=False,
        help_text="À cocher avant de publier : les cités dont les actions citent la fiche et les "
        "personnes qui la suivent sont prévenues.",
    )
    major_change_summary = models.CharField(
        "résumé de la modification",
        max_length=200,
        blank=True,
        help_text="Une ligne (200 caractères au plus), reprise dans la notification.",
    )

    content_panels = [
        ProposalPanel(heading="Proposition d'un groupe"),
        *Page.content_panels,
        *RessourcePage.common_panels,
        FieldPanel("body", heading="pour qui, en bref"),
        FieldPanel("offer"),
        FieldPanel("how_to"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("porteur"), FieldPanel("funding")]),
                FieldPanel("contacts"),
                FieldPanel("links"),
                FieldRowPanel(
                    [
                        FieldPanel("last_reviewed"),
                        FieldPanel("valid_until"),
                        FieldPanel("expires_on"),
                    ]
                ),
            ],
            heading="Porteur, contacts et validité",
        ),
        MultiFieldPanel(
            [FieldPanel("major_change"), FieldPanel("major_change_summary")],
            heading="Publication",
        ),
    ]
    search_fields = [
        *RessourcePage.search_fields,
        index.SearchField("offer"),
        index.SearchField("how_to"),
        index.SearchField("porteur"),
    ]
    parent_page_types = ["ressources.RessourcesIndexPage"]
    subpage_types = []
    template = "ressources/fiche_dispositif_page.html"

    class Meta:
        verbose_name = "fiche dispositif"
        verbose_name_plural = "fiches dispositifs"

    base_form_class = FicheDispositifForm

    @property
    def is_expired(self):
        return bool(self.expires_on and self.expires_on < timezone.localdate())

    def get_context(self, request, *args, **kwargs):
        from ressources.services import is_following

        context = super().get_context(request, *args, **kwargs)
        context["following"] = bool(self.pk) and is_following(request.user, self)
        return context

    @property
    def needs_review(self):
        return bool(self.valid_until and self.valid_until < timezone.localdate())


class ActionInspirantePage(RessourcePage):
    territory = models.CharField("territoire ou QPV", max_length=200, blank=True)
    partners = models.TextField("partenaires", blank=True, help_text="Un partenaire par ligne.")
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True)
    budget = models.CharField("budget", max_length=200, blank=True)
    funding = models.CharField("financement", max_length=200, blank=True)
    results = models.TextField("résultats", blank=True)
    contact = models.CharField("contact", max_length=200, blank=True)
    related_fiches = ParentalManyToManyField(
        "ressources.FicheDispositifPage",
        verbose_name="fiches dispositifs liées",
        blank=True,
        related_name="actions",
    )

    content_panels = [
        ProposalPanel(heading="Proposition d'un groupe"),
        *Page.content_panels,
        *RessourcePage.common_panels,
        FieldPanel("territory"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("partners"),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldRowPanel([FieldPanel("budget"), FieldPanel("funding")]),
                FieldPanel("results"),
                FieldPanel("contact"),
            ],
            heading="Mise en œuvre et résultats",
        ),
        FieldPanel("related_fiches"),
    ]
    search_fields = [
        *RessourcePage.search_fields,
        index.SearchField("territory"),
        index.SearchField("partners"),
        index.SearchField("results"),
    ]
    parent_page_types = ["ressources.RessourcesIndexPage"]
    subpage_types = []
    template = "ressources/action_inspirante_page.html"

    class Meta:
        verbose_name = "action inspirante"
        verbose_name_plural = "actions inspirantes"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        fiche_ids = [fiche.pk for fiche in self.related_fiches.all()]  # a list in previews
        context["related_fiches"] = visible_pages(
            FicheDispositifPage.objects.live().filter(pk__in=fiche_ids), request.user
        )
        return context

    @property
    def partner_list(self):
        return [line.strip() for line in self.partners.splitlines() if line.strip()]


class PortraitCitePage(RessourcePage):
    """A cité told by its team: territory, people, what works (vadémécum's portraits)."""

    team = models.TextField("l'équipe", blank=True)
    key_lesson = models.TextField("ce qu'il faut retenir", blank=True)

    content_panels = [
        ProposalPanel(heading="Proposition d'un groupe"),
        *Page.content_panels,
        *RessourcePage.common_panels,
        FieldPanel("body"),
        FieldPanel("team"),
        FieldPanel("key_lesson"),
    ]
    search_fields = [*RessourcePage.search_fields, index.SearchField("key_lesson")]
    parent_page_types = ["ressources.RessourcesIndexPage"]
    subpage_types = []
    template = "ressources/portrait_cite_page.html"

    class Meta:
        verbose_name = "portrait de cité"
        verbose_name_plural = "portraits de cités"


class ParcoursBeneficiairePage(RessourcePage):
    """A beneficiary's testimony; first name or pseudonym only."""

    person = models.CharField("prénom ou pseudonyme", max_length=80)
    profile = models.CharField("profil", max_length=200, blank=True, help_text="Ex. : 27 ans")
    quote = models.TextField("citation", blank=True)
    outcome = models.CharField("aujourd'hui", max_length=200, blank=True)

    content_panels = [
        *Page.content_panels,
        *RessourcePage.common_panels,
        FieldRowPanel([FieldPanel("person"), FieldPanel("profile")]),
        FieldPanel("quote"),
        FieldPanel("body"),
        FieldPanel("outcome"),
    ]
    search_fields = [*RessourcePage.search_fields, index.SearchField("quote")]
    parent_page_types = ["ressources.RessourcesIndexPage"]
    subpage_types = []
    template = "ressources/parcours_beneficiaire_page.html"

    class Meta:
        verbose_name = "parcours de bénéficiaire"
        verbose_name_plural = "parcours de bénéficiaires"


# --- Bulletin de veille ------------------------------------------------------------------------


class BulletinIndexPage(Page):
    intro = models.TextField("introduction", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = Page.search_fields
    parent_page_types = ["ressources.RessourcesIndexPage"]
    subpage_types = ["ressources.BulletinPage"]
    max_count = 1

    class Meta:
        verbose_name = "archive du bulletin de veille"

    def get_context(self, request, *args, **kwargs):
        from ressources.views import bulletin_archive_context

        context = super().get_context(request, *args, **kwargs)
        context.update(bulletin_archive_context(self, request))
        return context


class BulletinPageForm(WagtailAdminPageForm):
    """A new issue starts with the next free number; a taken number is refused in words (not
    Django's « Un objet Bulletin de veille avec ce champ Numéro existe déjà. »)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound and "number" in self.fields:
            last = BulletinPage.objects.aggregate(last=models.Max("number"))["last"]
            self.initial["number"] = (last or 0) + 1

    def clean_number(self):
        number = self.cleaned_data.get("number")
        taken = (
            BulletinPage.objects.filter(number=number)
            .exclude(pk=self.instance.pk)
            .values_list("title", flat=True)
            .first()
        )
        if number is not None and taken is not None:
            last = BulletinPage.objects.aggregate(last=models.Max("number"))["last"]
            raise forms.ValidationError(
                f"Le numéro {number} est déjà pris par « {taken} ». "
                f"Le prochain numéro libre est le {last + 1}."
            )
        return number


class BulletinPage(Page):
    number = models.PositiveIntegerField("numéro", unique=True)
    date = models.DateField("date de parution", default=datetime.date.today)
    intro = models.TextField("édito", blank=True)
    sections = StreamField(BulletinBlock(), blank=True, verbose_name="rubriques")

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("number"), FieldPanel("date")]),
        FieldPanel("intro"),
        ComposeFromLibraryPanel(heading="Nouveautés de la bibliothèque"),
        FieldPanel("sections"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("sections"),
        index.FilterField("number"),
    ]
    parent_page_types = ["ressources.BulletinIndexPage"]
    subpage_types = []
    base_form_class = BulletinPageForm

    class Meta:
        verbose_name = "bulletin de veille"
        verbose_name_plural = "bulletins de veille"
        ordering = ["-number"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        parent = self.get_parent()
        context["breadcrumb"] = [
            {"label": parent.title, "url": parent.url},
            {"label": f"n° {self.number}", "url": ""},
        ]
        context["sections"] = self.section_list()
        return context

    def section_list(self, absolute=False):
        """Sections as plain data (page links resolved, theme labels) for the page and e-mails.
        Each section carries `slugs`, the champs d'action it is sent for (see section_slugs)."""
        from themes.models import Theme

        labels = dict(Theme.objects.values_list("slug", "short_label"))
        sections = []
        for section in self.sections:
            items = []
            for item in section.value["items"]:
                page = item["page"]
                page_url = page.url if page and page.live else ""
                if page_url and absolute:
                    page_url = absolute_url(page_url)
                items.append(
                    {
                        "title": item["title"],
                        "summary": item["summary"],
                        "url": page_url or item["url"] or "",
                        "themes": [(slug, labels.get(slug, slug)) for slug in item["themes"] or []],
                    }
                )
            theme = section.value.get("theme") or ""
            sections.append(
                {
                    "title": section.value["title"],
                    "theme": theme,
                    "theme_label": labels.get(theme, ""),
                    "slugs": section_slugs(section.value),
                    "items": items,
                }
            )
        return sections

    @property
    def theme_slugs(self):
        return {slug for section in self.sections for slug in section_slugs(section.value)}


def section_slugs(section):
    """The champs d'action a bulletin section is sent for: its own champ when it has one, else
    the champs of its items (older issues tagged items only). Empty: a section for everyone."""
    if section.get("theme"):
        return {section["theme"]}
    return {slug for item in section["items"] for slug in item["themes"] or []}


def sections_for_themes(sections, theme_slugs):
    """The sections (section_list data) a subscriber receives. `theme_slugs` None or empty:
    everything. Otherwise the sections of those champs and, when at least one matched, the
    sections for everyone (édito-like news); none matched: nothing, the issue is not sent."""
    if not theme_slugs:
        return list(sections)
    wanted = set(theme_slugs)
    if not any(section["slugs"] & wanted for section in sections):
        return []
    return [s for s in sections if not s["slugs"] or s["slugs"] & wanted]


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def for_themes(self, theme_slugs):
        """Active subscribers who want everything (or chose no champ) or at least one of these
        champs."""
        return (
            self.active()
            .filter(
                models.Q(all_themes=True)
                | models.Q(themes__isnull=True)
                | models.Q(themes__slug__in=list(theme_slugs))
            )
            .distinct()
        )


class Subscriber(models.Model):
    email = models.EmailField("adresse électronique", unique=True)
    all_themes = models.BooleanField("tous les champs d'action", default=True)
    themes = models.ManyToManyField(
        "themes.Theme", verbose_name="champs d'action", blank=True, related_name="subscribers"
    )
    created_at = models.DateTimeField("inscription", auto_now_add=True)
    confirmed_at = models.DateTimeField("confirmation", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("désinscription", null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = "abonné au bulletin"
        verbose_name_plural = "abonnés au bulletin"
        ordering = ["email"]

    def __str__(self):
        return self.email

    def chosen_theme_slugs(self):
        """The champs whose sections this subscriber receives; empty: everything."""
        if self.all_themes:
            return set()
        return {theme.slug for theme in self.themes.all()}


class SubscriptionRequest(models.Model):
    """One confirmation e-mail asked for, kept a day to throttle requests per address and per IP.
    Only keyed digests are stored: the log says nothing about who asked."""

    email_digest = models.CharField(max_length=64, db_index=True)
    ip_digest = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The champs d'action asked for (slugs; null: the whole bulletin), so that a signed-in person's
    # preferences page shows them ticked while the confirmation is pending.
    theme_slugs = models.JSONField("champs d'action demandés", null=True, blank=True)

    class Meta:
        verbose_name = "demande d'abonnement"
        verbose_name_plural = "demandes d'abonnement"

    def __str__(self):
        return f"Demande du {self.created_at:%d/%m/%Y %H:%M}"


class SendingStatus(models.TextChoices):
    RUNNING = "running", "En cours"
    INTERRUPTED = "interrupted", "Interrompu"
    DONE = "done", "Terminé"


class BulletinSending(models.Model):
    """One sending per bulletin; resuming re-runs it and skips whoever already has a delivery."""

    bulletin = models.OneToOneField(
        BulletinPage, on_delete=models.CASCADE, related_name="sending", verbose_name="bulletin"
    )
    status = models.CharField(
        "état", max_length=20, choices=SendingStatus.choices, default=SendingStatus.RUNNING
    )
    started_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField("début", auto_now_add=True)
    finished_at = models.DateTimeField("fin", null=True, blank=True)
    recipients = models.PositiveIntegerField("destinataires", default=0)
    error = models.TextField("dernière erreur", blank=True)

    class Meta:
        verbose_name = "envoi de bulletin"
        verbose_name_plural = "envois de bulletins"

    def __str__(self):
        return f"Envoi du bulletin n° {self.bulletin.number}"


class DeliveryStatus(models.TextChoices):
    CLAIMED = "claimed", "En cours d'envoi"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec"
    # The subscriber's champs matched no section of the issue (they changed them during the
    # sending): nothing is sent, and the record keeps the sending from retrying them.
    SKIPPED = "skipped", "Rien pour ses champs d'action"


class Delivery(models.Model):
    """At most one per (bulletin, subscriber): the row is claimed before the e-mail leaves, so a
    resumed sending never sends the same issue twice to anyone."""

    bulletin = models.ForeignKey(BulletinPage, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "remise"
        constraints = [
            models.UniqueConstraint(
                fields=["bulletin", "subscriber"], name="ressources_one_delivery_per_subscriber"
            )
        ]

    def __str__(self):
        return f"{self.subscriber} — {self.get_status_display()}"


# --- Watched fiches and proposals from groups ---------------------------------------------------


class LibraryEmailSetting(models.Model):
    """How a person wants the library's notifications by e-mail (followed fiches, their
    proposals, ANCT's review reminders). No row: one e-mail per event."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="library_email_setting"
    )
    email_mode = models.CharField(
        "courriels", max_length=10, choices=EmailMode.choices, default=EmailMode.EACH
    )

    class Meta:
        verbose_name = "préférence de courriel de la bibliothèque"

    def __str__(self):
        return f"{self.user_id} — {self.email_mode}"


class FicheFollow(models.Model):
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="followed_fiches"
    )
    fiche = models.ForeignKey(FicheDispositifPage, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "suivi de fiche"
        verbose_name_plural = "suivis de fiches"
        constraints = [
            models.UniqueConstraint(fields=["user", "fiche"], name="ressources_follow_once")
        ]

    def __str__(self):
        return f"{self.user_id} suit {self.fiche_id}"


class FicheChange(models.Model):
    """A published "modification importante": one row per revision, so whoever is told about
    it is told once, however often the publication signal fires or the task is retried."""

    fiche = models.ForeignKey(FicheDispositifPage, on_delete=models.CASCADE, related_name="changes")
    revision = models.OneToOneField(
        "wagtailcore.Revision", on_delete=models.CASCADE, related_name="+"
    )
    summary = models.CharField("résumé", max_length=200)
    published_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "modification importante de fiche"
        verbose_name_plural = "modifications importantes de fiches"
        ordering = ["-published_at"]

    def __str__(self):
        return f"{self.fiche_id} — {self.summary}"


class FicheReviewReminder(models.Model):
    """ANCT reminded that a fiche's validity ends: unique per fiche and date, never twice."""

    fiche = models.ForeignKey(
        FicheDispositifPage, on_delete=models.CASCADE, related_name="review_reminders"
    )
    valid_until = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "rappel de relecture"
        verbose_name_plural = "rappels de relecture"
        constraints = [
            models.UniqueConstraint(
                fields=["fiche", "valid_until"], name="ressources_review_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.fiche_id} — {self.valid_until}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "En relecture"
    PUBLISHED = "published", "Publiée"
    REFUSED = "refused", "Refusée"


class LibraryProposal(models.Model):
    """A document proposed from elsewhere (a group's document version) to the national library:
    the draft page it became, who proposed it and where it comes from. `source_key` names the
    exact source version, so the same version is never proposed twice."""

    page = models.OneToOneField(
        RessourcePage, on_delete=models.CASCADE, related_name="proposal", verbose_name="ressource"
    )
    proposer = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="library_proposals"
    )
    source_key = models.CharField(max_length=80, unique=True)
    source_label = models.CharField("origine", max_length=255)
    source_url = models.CharField("adresse de l'original", max_length=300)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="copie du fichier",
    )
    status = models.CharField(
        "état", max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    created_at = models.DateTimeField("proposée le", auto_now_add=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    message = models.TextField("message de l'équipe ANCT", blank=True)

    class Meta:
        verbose_name = "proposition à la bibliothèque"
        verbose_name_plural = "propositions à la bibliothèque"
        ordering = ["-created_at"]

    def __str__(self):
        return self.source_label


class LibraryReviewTask(AbstractGroupApprovalTask):
    """The "Relecture ANCT" task: Wagtail's group approval, plus a real « Refuser » for a page
    proposed from a group or from the action form. Its proposer has no admin access and cannot act on « Demander des
    modifications »: the reviewer either edits the draft and publishes it, or refuses it with a
    message that reaches the proposer (ressources.services.proposal_refused)."""

    REFUSE = "refuse"

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if not actions or not LibraryProposal.objects.filter(page_id=obj.pk).exists():
            return actions
        return [
            (self.REFUSE, "Refuser la proposition", True),
            # Wagtail adds « et Publier » to an approval at the workflow's last task.
            ("approve", "Approuver", False),
            ("approve", "Approuver avec un commentaire", True),
        ]

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name != self.REFUSE:
            return super().on_action(task_state, user, action_name, **kwargs)
        from ressources.services import refuse_proposal

        return refuse_proposal(task_state, user, kwargs.get("comment", ""))

    @classmethod
    def get_description(cls):
        return (
            "Les membres des groupes choisis approuvent ; une proposition venue d'un groupe peut "
            "aussi être refusée, avec un message à la personne qui l'a proposée."
        )

    class Meta:
        verbose_name = "relecture de la bibliothèque"
        verbose_name_plural = "relectures de la bibliothèque"


# --- « Pour ma cité » -------------------------------------------------------------------------


class SuggestionFeedback(models.Model):
    """A cité team's "utile / pas utile" on one of its suggestions (ressources.suggestions): one
    row per cité and suggestion, the latest opinion wins. "Pas utile" hides it for that cité."""

    class Kind(models.TextChoices):
        ACTION = "action", "Action inspirante"
        FICHE = "fiche", "Fiche dispositif"
        CITE = "cite", "Cité jumelle"

    cite = models.ForeignKey(
        "cites.Cite", verbose_name="cité", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    # A page id (action, fiche) or a cité id: no foreign key, as the target may be either.
    target_id = models.PositiveBigIntegerField("identifiant de la suggestion")
    useful = models.BooleanField("utile")
    given_by = models.ForeignKey(
        "accounts.User",
        verbose_name="avis donné par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("date", auto_now=True)

    class Meta:
        verbose_name = "avis sur une suggestion"
        verbose_name_plural = "avis sur les suggestions"
        constraints = [
            models.UniqueConstraint(
                fields=["cite", "kind", "target_id"], name="ressources_one_feedback_per_suggestion"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.target_id} — {'utile' if self.useful else 'pas utile'}"
