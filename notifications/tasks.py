from django.utils import timezone
from django_tasks import task

from notifications.emails import build_email
from notifications.models import Notification
from notifications.services import visible_notifications


@task()
def send_notification_emails(notification_ids):
    """E-mail each notification once: emailed_at is set as soon as its e-mail is sent, so a retried
    task skips what already went out."""
    pending = (
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("recipient")
        .order_by("pk")
    )
    sent = 0
    for notification in pending:
        if not notification.recipient.is_active:
            continue
        if not visible_notifications(notification.recipient).filter(pk=notification.pk).exists():
            continue  # access lost before the e-mail went out (removed from the group)
        build_email(notification.recipient, [notification], digest=False).send()
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
