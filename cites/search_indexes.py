"""What cites/ contributes to search/: published cité fiches (public, see
cites.permissions.can_view_cite). Coordination contacts are left out: they are for registered
professionals only (can_see_coordinator_contact)."""

from django.contrib.auth.models import AnonymousUser

from cites.models import QPV, Cite, RoadmapAxis
from cites.permissions import can_view_cite
from cites.regions import REGION_LABELS
from search import documents, registry
from search.registry import PUBLIC, SearchEntry, SearchProvider
from search.text import html_text
from themes.models import THEME_SLUGS, PublicCible, Theme

# The facet vocabularies search/ offers: cites/ owns regions and cités and sits above themes/.
registry.register_vocabulary(
    "theme",
    lambda: dict(Theme.objects.ordered().values_list("slug", "short_label")),
    values=frozenset(THEME_SLUGS),
)
registry.register_vocabulary("region", lambda: REGION_LABELS, values=REGION_LABELS)
registry.register_vocabulary(
    "cite",
    lambda: dict(Cite.objects.published().order_by("short_name").values_list("slug", "short_name")),
)
registry.register_vocabulary(
    "public",
    lambda: dict(PublicCible.objects.order_by("position", "label").values_list("slug", "label")),
)


@registry.register
class CiteProvider(SearchProvider):
    model = Cite
    kinds = {"cite": "Cité de l'emploi"}
    documents = {"cite": documents.CiteDocument}

    def watched(self):
        return [(QPV, lambda qpv: [qpv.cite_id]), (RoadmapAxis, lambda axis: [axis.cite_id])]

    def load(self, pks):
        return Cite.objects.filter(pk__in=pks).prefetch_related(
            "themes", "publics_cibles", "qpvs", "axes"
        )

    def entries(self, cite):
        if not can_view_cite(AnonymousUser(), cite):
            return []
        qpvs = " ".join(f"{q.name} {q.commune}" for q in cite.qpvs.all())
        axes = " ".join(a.title for a in cite.axes.all())
        return [
            SearchEntry(
                key=f"cite:{cite.pk}",
                kind="cite",
                title=cite.name,
                slug=cite.slug,
                url=cite.get_absolute_url(),
                summary=html_text(cite.presentation),
                body=" ".join(
                    [
                        cite.short_name,
                        cite.departement,
                        cite.structure_porteuse,
                        cite.copilote_prefecture,
                        cite.copilote_collectivite,
                        qpvs,
                        axes,
                    ]
                ),
                themes=[t.slug for t in cite.themes.all()],
                publics=[p.slug for p in cite.publics_cibles.all()],
                region=cite.region,
                cite=cite.slug,
                date=cite.labellisation_date,
                audience=[PUBLIC],
                extra={"departement": cite.departement_code, "qpv": qpvs},
            )
        ]
