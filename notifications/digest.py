from itertools import groupby

from django.utils import timezone

from notifications.emails import build_email
from notifications.models import Notification
from notifications.services import visible_notifications


def send_digests(progress=None):
    """One digest per user with every notification waiting for it. Resumable: each user's
    notifications are marked as soon as their e-mail is sent, so an interrupted run continues
    with the next user and nobody gets the same notification twice."""
    pending = (
        Notification.objects.digest_pending()
        .filter(recipient__is_active=True)
        .select_related("recipient")
        .order_by("recipient_id", "created_at")
    )
    users = pending.values("recipient_id").distinct().count()
    sent = 0
    for _, items in groupby(pending.iterator(chunk_size=500), key=lambda n: n.recipient_id):
        items = list(items)
        recipient = items[0].recipient
        # Access lost since (removed from a group): those items are dropped, not e-mailed.
        visible = set(
            visible_notifications(recipient)
            .filter(pk__in=[n.pk for n in items])
            .values_list("pk", flat=True)
        )
        shown = [n for n in items if n.pk in visible]
        if shown:
            build_email(recipient, shown, digest=True).send()
            sent += 1
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=timezone.now())
        if progress:
            progress(sent, users)
    return sent
