"""Read-only queries over a person's groups, for Mon espace (espace/) and the e-mails. Each is
one SQL query whatever the number of groups or activity lines."""

from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from groups.models import Activity, Membership, Thread

# Unread counts stop here ("99+"): each group's count reads at most this many index entries,
# whatever the size of its history.
UNREAD_CAP = 99


class BoundedCount(Subquery):
    """COUNT(*) of a subquery that carries its own LIMIT."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) bounded)"
    output_field = IntegerField()


def memberships_with_unread(user):
    """The user's memberships (group selected) with `unread`: activity lines of others since
    their last visit of the group, counted up to UNREAD_CAP + 1."""
    unread = (
        Activity.objects.filter(
            group=OuterRef("group"),
            created_at__gt=Coalesce(OuterRef("last_seen_at"), OuterRef("joined_at")),
        )
        .exclude(actor=user)
        .order_by()
        .values("pk")[: UNREAD_CAP + 1]
    )
    return (
        Membership.objects.filter(user=user, group__is_archived=False)
        .select_related("group")
        .annotate(unread=BoundedCount(unread))
        .order_by("-unread", "group__name")
    )


def unread_activity(user, limit=10, since=None):
    """The latest activity lines of the user's groups they have not seen yet, newer than
    `since` (the oldest reading mark, or a horizon): the index on created_at is then read
    backwards from now to `since` at most, whatever the size of the history."""
    unseen = Membership.objects.filter(user=user, group=OuterRef("group")).filter(
        Q(last_seen_at__lt=OuterRef("created_at"))
        | Q(last_seen_at__isnull=True, joined_at__lt=OuterRef("created_at"))
    )
    lines = Activity.objects.filter(created_at__gt=since) if since else Activity.objects.all()
    return (
        lines.filter(Exists(unseen))
        .exclude(actor=user)
        .select_related("actor", "group")
        .order_by("-created_at", "-pk")[:limit]
    )


def waiting_questions(user, limit=5):
    """Questions of the user's groups that no reply solves yet (issue #12's questions with a
    solution), the user's own included (she waits for their answer too), the newest first."""
    return (
        Thread.objects.filter(
            group__memberships__user=user,
            group__is_archived=False,
            is_question=True,
            solution__isnull=True,
        )
        .select_related("group", "author")
        .order_by("-created_at", "-pk")[:limit]
    )
