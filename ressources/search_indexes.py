"""What the library contributes to search/: ressources and the items of the Bulletin de veille.

Who may see a page is decided by Wagtail view restrictions, by ressources.permissions: the
entry carries the tokens of page_audience, the token form of visible_pages."""

from wagtail.models import Page, PageViewRestriction

from ressources.models import (
    ActionInspirantePage,
    BulletinPage,
    FicheDispositifPage,
    ParcoursBeneficiairePage,
    PortraitCitePage,
    RessourcePage,
)
from ressources.permissions import all_restrictions, audience_tokens, page_audience
from search import documents, registry
from search.registry import SearchEntry, SearchProvider
from search.text import html_text, stream_text

KINDS = {
    FicheDispositifPage: "fiche",
    ActionInspirantePage: "action",
    PortraitCitePage: "portrait",
    ParcoursBeneficiairePage: "parcours",
}


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
