"""What espace/ keeps about a person: the records of the e-mails they sent to reply addresses
(accounts.personal_data registry; rgpd calls these)."""

import datetime

from django.conf import settings
from django.utils import timezone

from commons.batches import delete_in_batches
from espace.models import InboundEmail


def export(user, out):
    return [
        {
            "recu_le": record.received_at.isoformat(),
            "objet": record.subject,
            "taille_octets": record.size,
            "issue": record.get_status_display(),
            "motif": record.reason,
        }
        for record in InboundEmail.objects.filter(sender__iexact=user.email).order_by("received_at")
    ]


def erase(user, old_email, new_email, files):
    InboundEmail.objects.filter(sender__iexact=old_email).delete()


def purge_inbound_emails(now=None, progress=None, dry_run=False):
    """Delete the records older than INBOUND_EMAIL_RETENTION_DAYS, in batches (an interrupted run
    resumes where it stopped). Returns how many were (or would be) deleted."""
    days = settings.INBOUND_EMAIL_RETENTION_DAYS
    if not days:
        return 0
    now = now or timezone.now()
    expired = InboundEmail.objects.filter(received_at__lt=now - datetime.timedelta(days=days))
    if dry_run:
        return expired.count()
    return delete_in_batches(expired, settings.RGPD_BATCH_SIZE, progress, "courriels reçus")
