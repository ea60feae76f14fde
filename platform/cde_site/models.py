"""The host site's page tree: Home (root) → content pages (accessibility, legal notice…).

The page tree rules are explicit (bakerydemo): a HomePage only under the root, content pages
under the home page or each other.
"""

from django.apps import apps
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cde_site.blocks import BodyBlock


class HomePage(Page):
    intro = models.TextField("introduction", blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name="contenu")

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    # ressources/ is pluggable: name its page type only when installed (else wagtailcore.E002).
    subpage_types = [
        "cde_site.ContentPage",
        *(["ressources.RessourcesIndexPage"] if apps.is_installed("ressources") else []),
    ]
    max_count = 1

    class Meta:
        verbose_name = "page d'accueil"

    def get_context(self, request, *args, **kwargs):
        from cites.models import Cite
        from themes.models import Theme

        context = super().get_context(request, *args, **kwargs)
        context["themes"] = Theme.objects.ordered()
        context["cites_count"] = Cite.objects.published().count()
        context["recent_cites"] = Cite.objects.published().order_by("short_name")[:6]
        return context


class ContentPage(Page):
    intro = models.TextField("chapô", blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name="contenu")
    show_in_footer = models.BooleanField("lien dans le pied de page", default=False)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    promote_panels = [*Page.promote_panels, FieldPanel("show_in_footer")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cde_site.HomePage", "cde_site.ContentPage"]
    subpage_types = ["cde_site.ContentPage"]

    class Meta:
        verbose_name = "page de contenu"
        verbose_name_plural = "pages de contenu"
