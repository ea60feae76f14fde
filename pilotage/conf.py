"""Settings of pilotage/, with their defaults (the host may override them)."""

from email.utils import parseaddr

from django.conf import settings

# A sender address nobody reads: never offered as the address to write to.
NO_REPLY_MARKERS = ("no-reply", "noreply", "ne-pas-repondre", "nepasrepondre", "ne_pas_repondre")


def public_threshold():
    """A published figure is computed from at least this many cités (never one cité's answer)."""
    return max(3, getattr(settings, "PILOTAGE_PUBLIC_MIN_CITES", 3))


def public_min_share():
    """A closed quarter is published only if at least this share of the expected cités (the
    published cités, all asked to answer) transmitted: 0.5 by default, as the internal pages'
    « trimestre partiel »."""
    from decimal import Decimal

    return Decimal(str(getattr(settings, "PILOTAGE_PUBLIC_MIN_SHARE", "0.5")))


def public_median_min_cites():
    """A median that only one cité answered exactly is published only from this many values up:
    among 3 or 4 cités, the one holding it is easy to single out (default 5, never under 3)."""
    return max(public_threshold(), getattr(settings, "PILOTAGE_PUBLIC_MEDIAN_MIN_CITES", 5))


def contact_email():
    """Where a cité writes to ANCT's pilotage team (reopening a questionnaire, a question).

    The bare address (a mailto cannot carry « Nom <adresse> » unencoded, and the link shows the
    address). PILOTAGE_CONTACT_EMAIL, else the national animation team's mailbox
    (CAFES_CITES_ORGANIZER_EMAIL), else DEFAULT_FROM_EMAIL unless it is a no-reply sender; ""
    when none can receive mail: the page then says to go through the ANCT référent.
    """
    candidates = (
        getattr(settings, "PILOTAGE_CONTACT_EMAIL", ""),
        getattr(settings, "CAFES_CITES_ORGANIZER_EMAIL", ""),
        settings.DEFAULT_FROM_EMAIL,
    )
    for value in candidates:
        address = parseaddr(value or "")[1]
        if "@" in address and not any(m in address.lower() for m in NO_REPLY_MARKERS):
            return address
    return ""
