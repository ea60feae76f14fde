"""Every access decision of groups/, in one place. Views, downloads, JSON endpoints, theme sections
(and later search and websockets) call these and nothing else.

A reserved group, its threads and documents are invisible to non-members: the same 404 as for
something that does not exist.
"""

from django.http import Http404

from accounts.roles import is_anct, is_cite_coordinator
from groups.models import Access, Attachment, Group, Kind, Membership, Role

NOT_FOUND = "Cette page n'existe pas ou vous n'y avez pas accès."


def get_membership(user, group):
    if not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_group_memberships", {})
    if group.pk not in cache:
        cache[group.pk] = Membership.objects.filter(group=group, user=user).first()
    return cache[group.pk]


def forget_memberships(user):
    user.__dict__.pop("_group_memberships", None)


def is_member(user, group):
    return get_membership(user, group) is not None


def is_animateur(user, group):
    membership = get_membership(user, group)
    return membership is not None and membership.role == Role.ANIMATEUR


def can_see_group_exists(user, group):
    """Name and presentation: reserved groups only to their members; others to any registered
    professional."""
    if not user.is_authenticated or (group.is_archived and not is_member(user, group)):
        return False
    return is_member(user, group) or group.access != Access.RESERVED


def can_view_group(user, group):
    """Discussions, documents, member list, activity: members only."""
    return is_member(user, group)


def can_post(user, group):
    return is_member(user, group) and not group.is_archived


def can_manage_group(user, group):
    """Invite, remove members, approve requests, pin, hide: animateurs (and superusers)."""
    return user.is_authenticated and (user.is_superuser or is_animateur(user, group))


def can_administer_groups(user):
    """Create groups, name animateurs, edit memberships in the Wagtail admin: ANCT (through the
    "groups.change_group" permission of its Django group) and superusers. Grants no access to
    a reserved group's content."""
    return user.is_authenticated and user.has_perm("groups.change_group")


def can_join_directly(user, group):
    return (
        user.is_authenticated
        and group.access == Access.OPEN
        and not group.is_archived
        and not is_member(user, group)
    )


def can_request_to_join(user, group):
    return (
        user.is_authenticated
        and group.access == Access.ON_REQUEST
        and not group.is_archived
        and not is_member(user, group)
    )


def is_eligible(user, group):
    """The national Opérateurs group is reserved to cité coordinators and ANCT staff."""
    if group.kind == Kind.NATIONAL:
        return is_anct(user) or is_cite_coordinator(user)
    return True


def can_edit_post(user, post):
    return user.is_authenticated and post.author_id == user.pk and post.deleted_at is None


def can_moderate_post(user, post):
    return can_manage_group(user, post.thread.group)


def can_mark_solution(user, thread):
    """A question's author or an animateur of its group picks the reply that solves it."""
    group = thread.group
    return (
        thread.is_question
        and not group.is_archived
        and (
            (thread.author_id == user.pk and is_member(user, group))
            or can_manage_group(user, group)
        )
    )


def can_view_attachment(user, attachment):
    """Members, as long as the post is visible; a hidden post's files to animateurs only."""
    post = attachment.post
    group = post.thread.group
    if not can_view_group(user, group) or post.deleted_at is not None:
        return False
    return post.hidden_at is None or can_manage_group(user, group)


def get_group_for_user_or_404(user, slug):
    """The group if the user may know it exists, else 404."""
    group = Group.objects.filter(slug=slug).select_related("cite").first()
    if group is None or not can_see_group_exists(user, group):
        raise Http404(NOT_FOUND)
    return group


def get_member_group_or_404(user, slug):
    """The group if the user is a member (content pages), else 404."""
    group = get_group_for_user_or_404(user, slug)
    if not can_view_group(user, group):
        raise Http404(NOT_FOUND)
    return group


def get_thread_for_user_or_404(user, slug, pk):
    group = get_member_group_or_404(user, slug)
    thread = group.threads.filter(pk=pk).first()
    if thread is None:
        raise Http404(NOT_FOUND)
    return group, thread


def get_document_for_user_or_404(user, slug, pk):
    group = get_member_group_or_404(user, slug)
    document = group.documents.filter(pk=pk).first()
    if document is None:
        raise Http404(NOT_FOUND)
    return group, document


def get_attachment_for_user_or_404(user, slug, pk):
    group = get_member_group_or_404(user, slug)
    attachment = (
        Attachment.objects.select_related("post", "post__thread", "post__thread__group")
        .filter(pk=pk, post__thread__group=group)
        .first()
    )
    if attachment is None or not can_view_attachment(user, attachment):
        raise Http404(NOT_FOUND)
    return group, attachment


def visible_groups_for(user):
    """Groups listed to `user`: theirs plus discoverable ones."""
    if not user.is_authenticated:
        return Group.objects.none()
    mine = Group.objects.for_member(user).values("pk")
    return (Group.objects.discoverable() | Group.objects.filter(pk__in=mine)).distinct()


def viewable_group_ids(user):
    """The set form of can_view_group (members only), for search filters."""
    if not user.is_authenticated:
        return set()
    return set(Group.objects.for_member(user).values_list("pk", flat=True))


def group_audience(group):
    """Who may know this group exists (can_see_group_exists), as search audience tokens: any
    registered professional for open and on-request groups, members only for reserved or
    archived ones."""
    if group.access == Access.RESERVED or group.is_archived:
        return [f"group:{group.pk}"]
    return ["authenticated"]


def content_audience(group):
    """Discussions and documents: members only (can_view_group)."""
    return [f"group:{group.pk}"]
