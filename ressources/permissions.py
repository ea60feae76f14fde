"""Who sees what in the library. Listings, feeds, theme sections and search all call these
functions, so a members-only page never shows up where its page would be refused.

The rule, stated once: a view restriction on a page covers its descendants; "login" lets any
logged-in user through, "groups" the members of one of its groups, "password" nobody (the page is
never listed); superusers see everything. visible_pages applies it in SQL (listings, feeds),
page_audience and audience_tokens as search tokens (ressources/search_indexes.py)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.db.models.functions import Substr
from wagtail.models import Page, PageViewRestriction, ReferenceIndex

from accounts.roles import is_anct, is_cite_member
from search.registry import AUTHENTICATED, PUBLIC

SUPERUSER = "wagtail:all"  # search token: only superusers hold it

# Deepest page level whose restrictions are looked up (library ressources sit at depth 4,
# bulletins at 5): one index probe per level, whatever the number of pages or restrictions.
MAX_DEPTH = 10


def _covering_restrictions():
    # A restriction on a page also covers its descendants: the restricted page's path is one of
    # the prefixes of theirs (treebeard paths grow by `steplen` characters per level).
    prefixes = [
        Substr(OuterRef("path"), 1, Page.steplen * depth) for depth in range(1, MAX_DEPTH + 1)
    ]
    return PageViewRestriction.objects.filter(page__path__in=prefixes)


def visible_pages(queryset, user):
    """`queryset` (live pages) limited to what `user` may open, in the same single SQL query."""
    covering = _covering_restrictions()
    if user.is_authenticated:
        if user.is_superuser:
            return queryset
        # Registered professionals pass "login" restrictions; group restrictions need the group;
        # password-protected pages are never listed.
        covering = covering.exclude(restriction_type=PageViewRestriction.LOGIN).exclude(
            restriction_type=PageViewRestriction.GROUPS, groups__in=user.groups.all()
        )
    return queryset.exclude(Exists(covering))


def can_view_page(user, page):
    return visible_pages(type(page).objects.filter(pk=page.pk), user).exists()


def document_is_hidden_from(user, document):
    """True when pages use `document` and `user` may open none of the live ones (see
    visible_pages). A draft or unpublished page vouches for nothing: it has no public address,
    so a file shared by a restricted page and a draft stays as private as the restricted page.
    A document no page uses (or used by other objects only, like cafés-cités) is left to its
    collection's own rules. Images follow the same rule (`image_is_hidden_from`)."""
    return _hidden_by_pages(user, document)


def image_is_hidden_from(user, image):
    return _hidden_by_pages(user, image)


def _hidden_by_pages(user, obj):
    page_ids = (
        ReferenceIndex.get_references_to(obj)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
    )
    if not page_ids:
        return False
    if user.is_authenticated and (user.is_superuser or user.has_perm("wagtailadmin.access_admin")):
        return False  # editors preview drafts and restricted pages alike
    pages = Page.objects.live().filter(pk__in=[int(pk) for pk in page_ids])
    return not visible_pages(pages, user).exists()


def can_propose_action(user):
    return is_cite_member(user)


def can_see_suggestions(user, cite):
    """« Pour ma cité » is for the cité's team (coordinator and partners) and ANCT."""
    return is_anct(user) or is_cite_member(user, cite)


def can_give_suggestion_feedback(user, cite):
    """ "Utile / pas utile" is the team's own say on its suggestions: members of the cité only."""
    return is_cite_member(user, cite)


def can_review_proposals(user):
    """ANCT reviews what is proposed to the library (and may change a proposal's type)."""
    return is_anct(user) or (user.is_authenticated and user.is_superuser)


def can_manage_bulletin(user):
    return is_anct(user) or (user.is_authenticated and user.is_superuser)


def audience_tokens(user):
    """Search audience tokens granted by page view restrictions (see visible_pages): each
    Django group the user belongs to, and everything for superusers."""
    if not user.is_authenticated:
        return set()
    tokens = {f"authgroup:{pk}" for pk in user.groups.values_list("pk", flat=True)}
    if user.is_superuser:
        tokens.add(SUPERUSER)
    return tokens


def all_restrictions():
    """Every view restriction with its page path and groups: few in practice, so one query
    per indexing batch instead of one per page."""
    return list(PageViewRestriction.objects.select_related("page").prefetch_related("groups").all())


def page_audience(page, restrictions=None):
    """Search tokens of who may see `page`: visible_pages' rule applied to the restrictions of
    the page and of its ancestors (whose paths prefix the page's)."""
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
