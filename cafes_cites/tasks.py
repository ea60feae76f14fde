"""E-mails of the cafés-cités, sent as background tasks (enqueued on commit by services)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from cafes_cites.emails import build_email
from cafes_cites.models import (
    Registration,
    RegistrationStatus,
    ReminderKind,
    ReminderOptOut,
    ReminderSent,
    Session,
)
from cafes_cites.recurrence import PARIS


def _send(registration, template, subject, attach_ics=False, **extra):
    build_email(registration, template, subject, attach_ics=attach_ics, **extra).send()


@task()
def send_registration_email(registration_id):
    registration = (
        Registration.objects.select_related("session", "user").filter(pk=registration_id).first()
    )
    if registration is None:
        return
    if registration.status == RegistrationStatus.CONFIRMED:
        subject = f"Inscription confirmée : {registration.session.label}"
    else:
        subject = f"Liste d'attente : {registration.session.label}"
    _send(registration, "registration", subject, attach_ics=True)


@task()
def send_withdrawal_email(session_id, user_id):
    """The registrant cancelled their registration (the row is gone): the e-mail says so and its
    .ics (METHOD:CANCEL, same UID) removes the event from their calendar."""
    session = Session.objects.filter(pk=session_id).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if session is None or user is None or session.is_cancelled or session.end <= timezone.now():
        return
    registration = Registration(session=session, user=user, status=RegistrationStatus.CONFIRMED)
    build_email(
        registration,
        "withdrawal",
        f"Inscription annulée : {session.label}",
        attach_ics=True,
        withdrawn=True,
    ).send()


@task()
def send_reminder(registration_id, kind):
    """Claims the (registration, kind) row first: a reminder already claimed is never re-sent,
    whatever the number of workers or command runs."""
    registration = (
        Registration.objects.select_related("session", "user").filter(pk=registration_id).first()
    )
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        return False
    session = registration.session
    if session.is_cancelled or session.start <= timezone.now():
        return False
    if ReminderOptOut.objects.filter(user=registration.user_id).exists():
        return False
    try:
        with transaction.atomic():
            ReminderSent.objects.create(registration=registration, kind=kind)
    except IntegrityError:
        return False
    label = ReminderKind(kind).label.lower()
    _send(registration, "reminder", f"Rappel ({label}) : {session.label}", kind=kind)
    return True


@task()
def send_session_change(session_id, sequence, previous=None):
    """A session was moved or cancelled: each registrant gets the updated .ics (same UID, higher
    SEQUENCE; METHOD:CANCEL for a cancellation). Skipped when a later change already follows
    (its own task sends the latest state) or the session is over. `previous`: the [start, end]
    (ISO) before a move, given in the e-mail."""
    session = Session.objects.filter(pk=session_id).first()
    if session is None or session.sequence != sequence or session.end <= timezone.now():
        return 0
    cancelled = session.is_cancelled
    registrations = session.registrations.select_related("session", "user").filter(
        user__is_active=True
    )
    before = {}
    if previous and not cancelled:
        start, end = (
            datetime.datetime.fromisoformat(moment).astimezone(PARIS) for moment in previous
        )
        before = {"previous_start": start, "previous_end": end}
    sent = 0
    for registration in registrations:
        _send(
            registration,
            "session_cancelled" if cancelled else "session_moved",
            f"{'Café-cité annulé' if cancelled else 'Nouvel horaire'} : {session.label}",
            attach_ics=True,
            **before,
        )
        sent += 1
    return sent
