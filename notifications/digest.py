from itertools import groupby

from django.utils import timezone

from notifications.emails import build_email
from notifications.models import Notification


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
        build_email(items[0].recipient, items, digest=True).send()
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=timezone.now())
        sent += 1
        if progress:
            progress(sent, users)
    return sent
