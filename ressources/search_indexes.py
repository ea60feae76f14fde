"""What the library contributes to search/: ressources and the items of the Bulletin de veille.

Who may see a page is decided by Wagtail view restrictions, exactly as ressources.permissions
decides it for listings: the entry carries the tokens that pass them."""

from wagtail.models import Page, PageViewRestriction

from ressources.models import (
    ActionInspirantePage,
    BulletinPage,
    FicheDispositifPage,
    ParcoursBeneficiairePage,
    PortraitCitePage,
    RessourcePage,
)
from ressources.permissions import audience_tokens
from search import documents, registry
from search.registry import AUTHENTICATED, PUBLIC, SearchEntry, SearchProvider
from search.text import html_text, stream_text

KINDS = {
    FicheDispositifPage: "fiche",
    ActionInspirantePage: "action",
    PortraitCitePage: "portrait",
    ParcoursBeneficiairePage: "parcours",
}
SUPERUSER = "wagtail:all"


def all_restrictions():
    """Every view restriction with its page path and groups: few in practice, so one query
    per indexing batch instead of one per page."""
    return list(PageViewRestriction.objects.select_related("page").prefetch_related("groups").all())


def page_audience(page, restrictions=None):
    """Tokens that may see `page`, mirroring ressources.permissions.visible_pages: the
    restrictions of the page and of its ancestors (whose paths prefix the page's)."""
    if restrictions is None:
        restrictions = all_restrictions()
    restrictions = [r for r in restrictions if page.path.startswith(r.page.path)]
    if not restrictions:
        return [PUBLIC]
    if any(r.restriction_type == PageViewRestriction.PASSWORD for r in restrictions):
        return [SUPERUSER]
    group_sets = [
        {g.pk for g in r.groups.all()}
        for r in restrictions
        if r.restriction_type == PageViewRestriction.GROUPS
    ]
    if not group_sets:
        return [AUTHENTICATED]
    allowed = set.intersection(*group_sets)
    return [SUPERUSER, *(f"authgroup:{pk}" for pk in sorted(allowed))]


def restricted_pages(restriction):
    return Page.objects.descendant_of(restriction.page, inclusive=True).values_list("pk", flat=True)


class RestrictionAware(SearchProvider):
    def watched(self):
        return [(PageViewRestriction, restricted_pages)]

    def audience_for(self, user):
        return audience_tokens(user)


@registry.register
class RessourceProvider(RestrictionAware):
    model = RessourcePage
    kinds = {
        "fiche": "Fiche dispositif",
        "action": "Action inspirante",
        "portrait": "Portrait de cité",
        "parcours": "Parcours de bénéficiaire",
    }
    documents = {"fiche": documents.FicheDocument, "action": documents.ActionDocument}

    def load(self, pks):
        pages = list(
            RessourcePage.objects.filter(pk__in=pks)
            .specific()
            .prefetch_related("themes", "publics_cibles")
            .select_related("cite")
        )
        restrictions = all_restrictions()
        for page in pages:
            page.search_restrictions = restrictions
        return pages

    def entries(self, page):
        if not page.live or type(page) not in KINDS:
            return []
        kind = KINDS[type(page)]
        parts = [stream_text(page.body)]
        extra = {}
        if kind == "fiche":
            parts += [html_text(page.offer), html_text(page.how_to), page.porteur, page.funding]
            extra = {"porteur": page.porteur, "funding": page.funding}
        elif kind == "action":
            parts += [page.territory, page.partners, page.results, page.budget, page.funding]
            extra = {"territory": page.territory, "partners": page.partners}
        elif kind == "portrait":
            parts += [page.team, page.key_lesson]
        elif kind == "parcours":
            parts += [page.profile, page.quote, page.outcome]
        return [
            SearchEntry(
                key=f"{kind}:{page.pk}",
                kind=kind,
                title=page.title,
                slug=page.slug,
                url=page.url or "",
                summary=page.summary,
                body=" ".join(p for p in parts if p),
                themes=[t.slug for t in page.themes.all()],
                publics=[p.slug for p in page.publics_cibles.all()],
                region=page.region,
                cite=page.cite.slug if page.cite else "",
                date=page.date,
                audience=page_audience(page, getattr(page, "search_restrictions", None)),
                extra=extra,
            )
        ]


@registry.register
class BulletinProvider(RestrictionAware):
    model = BulletinPage
    kinds = {"breve": "Brève de veille"}
    documents = {"breve": documents.BreveDocument}

    def entries(self, bulletin):
        if not bulletin.live:
            return []
        audience = page_audience(bulletin)
        entries = []
        for s_index, section in enumerate(bulletin.sections, start=1):
            for i_index, item in enumerate(section.value["items"], start=1):
                entries.append(
                    SearchEntry(
                        key=f"breve:{bulletin.pk}-{s_index}-{i_index}",
                        kind="breve",
                        title=item["title"],
                        slug=f"{bulletin.slug}#breve-{s_index}-{i_index}",
                        url=f"{bulletin.url}#breve-{s_index}-{i_index}",
                        summary=item["summary"] or "",
                        body=f"Bulletin de veille n° {bulletin.number} — {section.value['title']}",
                        themes=list(item["themes"] or []),
                        region="national",
                        date=bulletin.date,
                        audience=audience,
                        extra={"bulletin_number": bulletin.number},
                    )
                )
        return entries
