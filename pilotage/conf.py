"""Settings of pilotage/, with their defaults (the host may override them)."""

from django.conf import settings


def public_threshold():
    """A published figure is computed from at least this many cités (never one cité's answer)."""
    return max(3, getattr(settings, "PILOTAGE_PUBLIC_MIN_CITES", 3))


def contact_email():
    """Where a cité writes to ANCT's pilotage team (reopening a questionnaire, a question)."""
    return getattr(settings, "PILOTAGE_CONTACT_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
