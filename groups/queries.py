"""Read-only queries over a person's groups, for Mon espace (espace/) and the e-mails. Each is
one SQL query whatever the number of groups or activity lines."""

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from groups.models import Activity, Membership, Post, Thread


def _unseen_since():
    """A membership's reading mark: its last visit, or the day the person joined."""
    return Coalesce(F("last_seen_at"), F("joined_at"))


def memberships_with_unread(user):
    """The user's memberships (group selected) with `unread`: activity lines of others since
    their last visit of the group."""
    return (
        Membership.objects.filter(user=user, group__is_archived=False)
        .select_related("group")
        .annotate(
            unread=Count(
                "group__activities",
                filter=Q(group__activities__created_at__gt=_unseen_since())
                & ~Q(group__activities__actor=user),
            )
        )
        .order_by("-unread", "group__name")
    )


def unread_activity(user, limit=10):
    """The latest activity lines of the user's groups they have not seen yet."""
    unseen = Membership.objects.filter(user=user, group=OuterRef("group")).filter(
        Q(last_seen_at__lt=OuterRef("created_at"))
        | Q(last_seen_at__isnull=True, joined_at__lt=OuterRef("created_at"))
    )
    return (
        Activity.objects.filter(Exists(unseen))
        .exclude(actor=user)
        .select_related("actor", "group")
        .order_by("-created_at", "-pk")[:limit]
    )


def waiting_questions(user, limit=5):
    """Questions waiting for an answer in the user's groups: for now, the discussions nobody has
    answered yet (no visible reply), others' first. Where posts become questions with a chosen
    solution (issue #12), this becomes "questions without a solution"."""
    replies = Post.objects.filter(
        thread=OuterRef("pk"), is_opening=False, hidden_at=None, deleted_at=None
    )
    return (
        Thread.objects.filter(group__memberships__user=user, group__is_archived=False)
        .filter(~Exists(replies))
        .exclude(author=user)
        .select_related("group", "author")
        .order_by("-created_at", "-pk")[:limit]
    )
