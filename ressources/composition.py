"""Composing a bulletin de veille from the library: what is proposed, and how the editor's
choice becomes the bulletin's sections.

Proposed: everything published since the last issue that was sent (bulletin_sources: the
library's public pages and what other apps register, like café-cité replays). The bulletin is a
public e-mail, so only what anyone may read is proposed: drafts, members-only pages and pages
reserved to a group never are.
"""

from django.contrib.auth.models import AnonymousUser

from ressources import bulletin_sources
from ressources.models import BulletinSending, RessourcePage
from ressources.permissions import visible_pages
from themes.models import Theme

COMMON_SECTION_TITLE = "Toutes thématiques"
MAX_ORDER = 999


def published_ressources(since=None):
    """bulletin_sources provider: library pages first published after `since`, readable by
    anyone (visible_pages for an anonymous visitor)."""
    from commons.urls import absolute_url

    pages = visible_pages(RessourcePage.objects.live(), AnonymousUser())
    if since is not None:
        pages = pages.filter(first_published_at__gt=since)
    pages = pages.select_related("content_type").prefetch_related("themes")
    return [
        {
            "id": page.pk,
            "page_id": page.pk,
            "kind": page.content_type.model_class()._meta.verbose_name.capitalize(),
            "title": page.title,
            "summary": page.summary,
            "url": absolute_url(page.url or "/"),
            "themes": [theme.slug for theme in page.themes.all()],
            "published_at": page.first_published_at,
        }
        for page in pages.order_by("-first_published_at", "-pk")
    ]


def last_issue_sent_at(bulletin):
    """When the last other issue started being sent (None: no issue sent yet)."""
    sending = (
        BulletinSending.objects.exclude(bulletin_id=bulletin.pk).order_by("-started_at").first()
    )
    return sending.started_at if sending else None


def _existing_choices(bulletin, candidates):
    """Where the bulletin (latest revision) already places each candidate: key -> (section's
    champ, position), so that composing again starts from the current choice."""
    by_page = {c.page_id: c for c in candidates if c.page_id}
    by_path = {c.path: c for c in candidates}
    found = {}
    position = 0
    for section in bulletin.sections:
        for item in section.value["items"]:
            position += 1
            candidate = _match(item, by_page, by_path)
            if candidate and candidate.key not in found:
                found[candidate.key] = (section.value.get("theme") or "", position)
    return found


def _match(item, by_page, by_path):
    from urllib.parse import urlsplit

    page = item["page"]
    if page is not None:
        return by_page.get(page.pk)
    if item["url"]:
        return by_path.get(urlsplit(item["url"]).path)
    return None


def proposal(bulletin):
    """What the composition form shows: since when, and the candidates grouped by champ
    d'action (their first champ in the champs' order; no champ: a last group), each with the
    rubrique choices it may go to and the current selection."""
    since = last_issue_sent_at(bulletin)
    candidates = bulletin_sources.candidates(since)
    themes = list(Theme.objects.ordered())
    order = {theme.slug: n for n, theme in enumerate(themes)}
    labels = {theme.slug: theme.short_label for theme in themes}
    existing = _existing_choices(bulletin, candidates)
    groups = {}
    # An item with several champs is listed (with its fields) under its first one only, and
    # pointed to from the others: ANCT looking under « Mobilité » still finds it.
    also = {}
    for candidate in candidates:
        slugs = sorted((s for s in candidate.themes if s in order), key=order.get)
        selected = existing.get(candidate.key)
        rubrique = selected[0] if selected and selected[0] in slugs else (slugs[0] if slugs else "")
        groups.setdefault(slugs[0] if slugs else "", []).append(
            {
                "candidate": candidate,
                "field": candidate.key,
                "selected": selected is not None,
                "order": selected[1] if selected else "",
                "rubrique": rubrique,
                "rubriques": [(slug, labels[slug]) for slug in slugs],
            }
        )
        for slug in slugs[1:]:
            also.setdefault(slug, []).append(
                {"candidate": candidate, "field": candidate.key, "listed_under": labels[slugs[0]]}
            )
    ordered_groups = [
        {
            "slug": theme.slug,
            "label": theme.label,
            "rows": groups.get(theme.slug, []),
            "also": also.get(theme.slug, []),
        }
        for theme in themes
        if theme.slug in groups or theme.slug in also
    ]
    if "" in groups:
        ordered_groups.append(
            {"slug": "", "label": "Sans champ d'action", "rows": groups[""], "also": []}
        )
    return {"since": since, "groups": ordered_groups, "count": len(candidates)}


def keep_posted_choice(offered, data):
    """After a refused choice the form shows what the editor submitted, not the saved state."""
    chosen = set(data.getlist("elements"))
    for group in offered["groups"]:
        for row in group["rows"]:
            key = row["field"]
            row["selected"] = key in chosen
            row["order"] = data.get(f"ordre-{key}", "")[:10]
            row["rubrique"] = data.get(f"rubrique-{key}", row["rubrique"])


class CompositionError(Exception):
    """Raised with French messages (one per problem) when the submitted choice is refused."""

    def __init__(self, messages, targets=None):
        super().__init__(" ".join(messages))
        self.messages = messages
        # The id of the field each message is about ("" for none): the error summary links to
        # it and the field is marked in error.
        self.targets = list(targets) if targets else [""] * len(messages)


def chosen_items(bulletin, data):
    """The editor's choice read from the form data: (candidate, rubrique slug, order) tuples.
    Refuses, with French messages, an unknown or ineligible item, a rubrique the item does not
    belong to and an order that is not a whole number between 1 and 999."""
    candidates = {c.key: c for c in bulletin_sources.candidates(last_issue_sent_at(bulletin))}
    errors, targets, chosen = [], [], []
    for key in dict.fromkeys(data.getlist("elements")):
        candidate = candidates.get(key)
        if candidate is None:
            errors.append(
                f"L'élément « {key[:60]} » ne peut pas figurer dans ce numéro : il est inconnu, "
                "non publié, réservé aux membres ou paru avant le dernier numéro envoyé."
            )
            targets.append("")
            continue
        rubrique = data.get(f"rubrique-{key}", "")
        if rubrique and rubrique not in candidate.themes:
            errors.append(
                f"« {candidate.title} » ne relève pas du champ d'action choisi pour sa rubrique."
            )
            targets.append(f"rubrique-{key}")
            continue
        if not rubrique and candidate.themes:
            rubrique = _first_theme(candidate.themes)
        raw_order = data.get(f"ordre-{key}", "").strip()
        if raw_order:
            if not raw_order.isdigit() or not 1 <= int(raw_order) <= MAX_ORDER:
                errors.append(
                    f"L'ordre de « {candidate.title} » doit être un nombre entier entre 1 et "
                    f"{MAX_ORDER}."
                )
                targets.append(f"ordre-{key}")
                continue
            order = int(raw_order)
        else:
            order = MAX_ORDER + 1  # unnumbered items follow the numbered ones
        chosen.append((candidate, rubrique, order))
    if errors:
        raise CompositionError(errors, targets)
    return chosen


def _first_theme(slugs):
    order = {
        slug: n for n, slug in enumerate(Theme.objects.ordered().values_list("slug", flat=True))
    }
    known = [slug for slug in slugs if slug in order]
    return min(known, key=order.get) if known else ""


def composed_sections(bulletin, chosen):
    """The bulletin's new sections: the hand-written items kept where they were (a section
    keeps its place when one of its items does not come from the library), then one section
    per champ d'action in the champs' order, then the chosen items without champ. Within a
    section, items follow the editor's order, then the proposal's (newest first)."""
    from wagtail.models import Page

    candidates = bulletin_sources.candidates(last_issue_sent_at(bulletin))
    by_page = {c.page_id: c for c in candidates if c.page_id}
    by_path = {c.path: c for c in candidates}
    kept = []
    for section in bulletin.sections:
        items = [
            dict(item) for item in section.value["items"] if not _match(item, by_page, by_path)
        ]
        if items:
            kept.append(("section", {**dict(section.value), "items": items}))

    themes = list(Theme.objects.ordered())
    per_theme = {}
    for position, (candidate, rubrique, order) in enumerate(chosen):
        per_theme.setdefault(rubrique, []).append((order, position, candidate))
    pages = Page.objects.in_bulk([c.page_id for c, _, _ in chosen if c.page_id])

    def items(rows):
        return [
            {
                "title": candidate.title,
                "summary": candidate.summary,
                "page": pages.get(candidate.page_id),
                "url": "" if candidate.page_id else candidate.url,
                "themes": list(candidate.themes),
            }
            for _, _, candidate in sorted(rows, key=lambda row: row[:2])
        ]

    sections = list(kept)
    for theme in themes:
        if theme.slug in per_theme:
            sections.append(
                (
                    "section",
                    {
                        "title": theme.label,
                        "theme": theme.slug,
                        "items": items(per_theme[theme.slug]),
                    },
                )
            )
    if "" in per_theme:
        sections.append(
            ("section", {"title": COMMON_SECTION_TITLE, "theme": "", "items": items(per_theme[""])})
        )
    return sections
