"""« Pour ma cité »: what the library and the directory suggest to a cité's team.

Actions inspirantes of other cités, fiches dispositifs and cités jumelles, each scored by
ressources.scoring (docs/suggestions.md) and given its reason in words. Only what the viewer may
open is ever considered (ressources.permissions.visible_pages, live pages only), and the number
of queries does not depend on the number of cités, pages or feedback rows.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Sum
from django.utils import timezone

from cites.models import Cite
from ressources import scoring
from ressources.models import (
    ActionInspirantePage,
    FicheDispositifPage,
    RessourcePage,
    SuggestionFeedback,
)
from ressources.permissions import visible_pages

SHOWN = 6  # on the cité page and in Mon espace
# How long a "pas utile" keeps its « Annuler » next to the suggestions, for whoever gave it;
# after that it is restored from the list of dismissed suggestions (« Rétablir »).
UNDO_WINDOW = timedelta(minutes=15)
UNDO_SHOWN = 3
KIND_LABELS = {
    scoring.ACTION: "Action inspirante",
    scoring.FICHE: "Fiche dispositif",
    scoring.CITE: "Cité jumelle",
}


def suggestion_anchor(kind, target_id):
    """The id of a suggestion's item on a page (ressources/includes/suggestion_list.html)."""
    return f"suggestion-{kind}-{target_id}"


@dataclass
class Suggestion:
    kind: str
    target_id: int
    slug: str
    title: str
    url: str
    summary: str
    reasons: list
    score: float
    feedback: bool | None = None  # the cité team's "utile" (True) / "pas utile" (False)
    detail: str = ""  # the action's cité, the cité jumelle's department

    @property
    def key(self):
        return f"{self.kind}:{self.slug}"

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def anchor(self):
        return suggestion_anchor(self.kind, self.target_id)

    @property
    def reason_text(self):
        return " · ".join(self.reasons)


def _lower_first(label):
    return label[:1].lower() + label[1:]


def reasons(match, kind, theme_labels, public_labels):
    """The Match in plain French: « Même priorité : mobilité · public : femmes · cité de taille
    comparable »."""
    words = []
    order = list(theme_labels)
    if match.themes:
        shared = sorted(match.themes, key=lambda slug: order.index(slug) if slug in order else 99)
        names = ", ".join(_lower_first(theme_labels.get(slug, slug)) for slug in shared)
        words.append(f"{'Mêmes priorités' if len(match.themes) > 1 else 'Même priorité'} : {names}")
    if match.publics:
        names = ", ".join(_lower_first(public_labels[slug]) for slug in match.publics)
        words.append(f"{'publics' if len(match.publics) > 1 else 'public'} : {names}")
    if match.comparable_size:
        words.append(
            "cité de taille comparable"
            if kind == scoring.CITE
            else "menée par une cité de taille comparable"
        )
    if match.same_region:
        words.append("même région" if kind != scoring.FICHE else "dispositif de votre région")
    if match.parts.get("avis_utile"):
        words.append("jugée utile par votre équipe")
    if words:
        words[0] = words[0][:1].upper() + words[0][1:]
    return words


def _cites_with_profiles():
    """Every cité with its QPV population, champs and publics: three queries."""
    return list(
        Cite.objects.annotate(total_population=Sum("qpvs__population")).prefetch_related(
            "themes", "publics_cibles"
        )
    )


def _profile(obj, population=None, region=None):
    return scoring.Profile(
        themes=frozenset(theme.slug for theme in obj.themes.all()),
        publics=frozenset(public.slug for public in obj.publics_cibles.all()),
        population=population,
        region=obj.region if region is None else region,
        date=getattr(obj, "date", None),
    )


def candidate_pages(cite, user, today):
    """Live actions inspirantes and fiches dispositifs the user may open, in one query, that share
    a champ or a public with the cité: not the cité's own actions, nor expired fiches or fiches
    of another region. Plain RessourcePage rows; kind_of() tells which type each is."""
    profile = _profile(cite)
    pages = visible_pages(
        RessourcePage.objects.live().type(ActionInspirantePage, FicheDispositifPage), user
    )
    fiche = ContentType.objects.get_for_model(FicheDispositifPage)
    return (
        pages.filter(
            Q(themes__slug__in=profile.themes) | Q(publics_cibles__slug__in=profile.publics)
        )
        .filter(Q(cite__isnull=True) | ~Q(cite=cite))
        .exclude(content_type=fiche, fichedispositifpage__expires_on__lt=today)
        .exclude(Q(content_type=fiche) & ~Q(region__in=["national", cite.region]))
        .distinct()
    )


def kind_of(page):
    fiche = ContentType.objects.get_for_model(FicheDispositifPage)
    return scoring.FICHE if page.content_type_id == fiche.pk else scoring.ACTION


def suggestions_for(cite, user, *, limit=SHOWN, today=None, request=None):
    """The best `limit` suggestions for `cite`, as seen by `user` (never a page `user` may not
    open). A fixed number of queries (about ten) whatever the size of the library."""
    today = today or timezone.localdate()
    cites = _cites_with_profiles()
    by_id = {other.pk: other for other in cites}
    me = by_id.get(cite.pk, cite)
    population = getattr(me, "total_population", None)
    mine = _profile(me, population=population)
    rarity = scoring.theme_rarity([_profile(other).themes for other in cites if other.is_published])
    # Labels in the champs' and publics' own order (Theme.position), from the prefetched rows.
    themes = {theme for other in cites for theme in other.themes.all()}
    publics = {public for other in cites for public in other.publics_cibles.all()}
    theme_labels = {t.slug: t.short_label for t in sorted(themes, key=lambda t: t.position)}
    public_labels = {p.slug: p.label for p in sorted(publics, key=lambda p: p.position)}
    feedback = {
        (row.kind, row.target_id): row.useful
        for row in SuggestionFeedback.objects.filter(cite_id=cite.pk)
    }
    candidates = []
    pages = candidate_pages(me, user, today).prefetch_related("themes", "publics_cibles")
    for page in pages:
        kind = kind_of(page)
        author = by_id.get(page.cite_id) if kind == scoring.ACTION else None
        profile = _profile(
            page,
            population=getattr(author, "total_population", None),
            region=author.region if author else page.region,
        )
        candidates.append((kind, page, profile, author.short_name if author else ""))
    for other in cites:
        if other.pk == cite.pk or not other.is_published:
            continue
        profile = _profile(other, population=other.total_population)
        candidates.append((scoring.CITE, other, profile, ""))
    results = []
    for kind, obj, profile, detail in candidates:
        opinion = feedback.get((kind, obj.pk))
        match = scoring.score(mine, profile, kind, today=today, rarity=rarity, feedback=opinion)
        if not scoring.is_suggested(match, kind):
            continue
        results.append(
            Suggestion(
                kind=kind,
                target_id=obj.pk,
                slug=obj.slug,
                title=obj.title if kind != scoring.CITE else obj.short_name,
                url=obj.get_url(request) if kind != scoring.CITE else obj.get_absolute_url(),
                summary=obj.summary if kind != scoring.CITE else _cite_summary(obj),
                reasons=reasons(match, kind, theme_labels, public_labels),
                score=match.score,
                feedback=opinion,
                detail=detail,
            )
        )
    results.sort(key=lambda s: (-s.score, s.kind, s.title))
    return results[:limit] if limit else results


def _cite_summary(cite):
    population = getattr(cite, "total_population", None)
    text = f"{cite.departement}, {cite.region_label}"
    if population:
        text += f" · {population:,} habitants en QPV".replace(",", "\u202f")
    return text


def target_exists(cite, user, kind, target_id):
    """Is (kind, target_id) something that may be suggested to `cite` and that `user` may see?
    The feedback form accepts nothing else, so it reveals nothing about reserved pages."""
    if kind == scoring.CITE:
        return Cite.objects.published().filter(pk=target_id).exclude(pk=cite.pk).exists()
    model = {scoring.ACTION: ActionInspirantePage, scoring.FICHE: FicheDispositifPage}.get(kind)
    if model is None:
        return False
    pages = visible_pages(model.objects.live().filter(pk=target_id), user)
    if model is ActionInspirantePage:
        pages = pages.filter(Q(cite__isnull=True) | ~Q(cite=cite))
    return pages.exists()


def cite_actions(cite, user, limit=None):
    """The cité's own actions inspirantes the viewer may open (live only), newest first."""
    pages = visible_pages(ActionInspirantePage.objects.live().filter(cite=cite), user)
    pages = pages.order_by("-date", "title")
    return list(pages[:limit] if limit else pages)


@dataclass
class Dismissed:
    """A suggestion the cité's team marked "pas utile" (hidden from its suggestions)."""

    kind: str
    target_id: int
    title: str
    url: str
    given_at: object

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def anchor(self):
        return suggestion_anchor(self.kind, self.target_id)


def dismissed_for(cite, user, *, request=None, since=None, given_by=None, limit=None):
    """The cité's "pas utile" suggestions, newest first, that `user` may still open (a page that
    became reserved or was unpublished is left out: its title is not revealed). `since` and
    `given_by` narrow it to one person's latest ones (the « Annuler » right after). Three
    queries at most, whatever the number of rows."""
    rows = SuggestionFeedback.objects.filter(cite_id=cite.pk, useful=False)
    if since is not None:
        rows = rows.filter(updated_at__gte=since)
    if given_by is not None:
        rows = rows.filter(given_by=given_by)
    rows = list(rows.order_by("-updated_at", "-pk").values_list("kind", "target_id", "updated_at"))
    page_ids = [target for kind, target, _ in rows if kind != scoring.CITE]
    cite_ids = [target for kind, target, _ in rows if kind == scoring.CITE]
    pages = (
        {
            page.pk: page
            for page in visible_pages(RessourcePage.objects.live().filter(pk__in=page_ids), user)
        }
        if page_ids
        else {}
    )
    cites = (
        {other.pk: other for other in Cite.objects.published().filter(pk__in=cite_ids)}
        if cite_ids
        else {}
    )
    result = []
    for kind, target, given_at in rows:
        if kind == scoring.CITE:
            other = cites.get(target)
            if other is not None:
                result.append(
                    Dismissed(kind, target, other.short_name, other.get_absolute_url(), given_at)
                )
            continue
        page = pages.get(target)
        if page is not None and kind_of(page) == kind:
            result.append(Dismissed(kind, target, page.title, page.get_url(request), given_at))
    return result[:limit] if limit else result


def just_dismissed(cite, user, *, request=None, now=None):
    """What `user` marked "pas utile" in the last UNDO_WINDOW: shown above the suggestions with
    « Annuler », so a wrong click is undone where it was made."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    return dismissed_for(
        cite, user, request=request, since=now - UNDO_WINDOW, given_by=user, limit=UNDO_SHOWN
    )
