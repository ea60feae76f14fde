"""Every write of the cafés-cités app. Side effects (e-mails, broadcasts) run on commit."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cafes_cites import permissions

# The live chat's writes live in cafes_cites/chat/services.py; re-exported for the agenda's
# callers (views, audit and RGPD tests).
from cafes_cites.chat.queries import chat_archive  # noqa: F401
from cafes_cites.chat.services import (  # noqa: F401
    ChatError,
    delete_message,
    mute_user,
    post_message,
    room_group,
)
from cafes_cites.models import (
    CalendarToken,
    Registration,
    RegistrationStatus,
    ReminderKind,
    ReminderOptOut,
    ReminderSent,
    Series,
    Session,
    new_calendar_token,
)
from cafes_cites.recurrence import first_index_not_before

# --- Scheduling -----------------------------------------------------------------------------


@transaction.atomic
def generate_upcoming_sessions(series, now=None):
    """Make sure the next `upcoming_count` slots of the series exist. Idempotent: slots are keyed
    by their index, so a moved or cancelled session is kept as is and never renumbered; new
    sessions take the next number after the highest one of the series."""
    now = now or timezone.now()
    series = Series.objects.select_for_update().get(pk=series.pk)
    if not series.is_active:
        return []
    first = first_index_not_before(series.first_date, series.local_time, series.interval_weeks, now)
    existing = set(
        series.sessions.filter(occurrence_index__gte=first).values_list(
            "occurrence_index", flat=True
        )
    )
    last_number = series.sessions.aggregate(last=Max("number"))["last"]
    next_number = series.first_number if last_number is None else last_number + 1
    created = []
    for index in range(first, first + series.upcoming_count):
        if index in existing:
            continue
        start, end = series.occurrence(index)
        session = Session.objects.create(
            series=series,
            occurrence_index=index,
            number=next_number,
            title=series.title,
            description=f"<p>{series.description}</p>" if series.description else "",
            start=start,
            end=end,
            capacity=series.default_capacity,
            video_url=series.default_video_url,
        )
        next_number += 1
        created.append(session)
    return created


def generate_all_upcoming_sessions(now=None):
    return [
        session
        for series in Series.objects.filter(is_active=True)
        for session in generate_upcoming_sessions(series, now)
    ]


def move_session(session, start, end):
    session.start, session.end = start, end
    session.save()  # save() bumps the calendar SEQUENCE
    return session


def cancel_session(session):
    session.is_cancelled = True
    session.save()
    return session


# --- Registration ---------------------------------------------------------------------------


class RegistrationError(Exception):
    pass


def _confirmed_count(session):
    return session.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def _enqueue_registration_email(registration):
    from cafes_cites.tasks import send_registration_email

    transaction.on_commit(lambda: send_registration_email.enqueue(registration.pk))


@transaction.atomic
def register(user, session):
    """Confirmed while seats remain, waiting list after. The session row is locked so two
    last-seat registrations cannot both be confirmed."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not permissions.can_register(user, session):
        raise RegistrationError("Les inscriptions à cette séance sont closes.")
    existing = Registration.objects.filter(session=session, user=user).first()
    if existing:
        return existing
    full = session.capacity is not None and _confirmed_count(session) >= session.capacity
    registration = Registration.objects.create(
        session=session,
        user=user,
        status=RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED,
    )
    _enqueue_registration_email(registration)
    return registration


@transaction.atomic
def unregister(user, session):
    """Frees the seat and promotes the first person of the waiting list (who is told by e-mail);
    the registrant gets the cancellation of their invitation (tasks.send_withdrawal_email)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    registration = Registration.objects.filter(session=session, user=user).first()
    if registration is None:
        return None
    was_confirmed = registration.is_confirmed
    registration.delete()
    from cafes_cites.tasks import send_withdrawal_email

    transaction.on_commit(lambda: send_withdrawal_email.enqueue(session.pk, user.pk))
    promoted = None
    if was_confirmed and (session.capacity is None or _confirmed_count(session) < session.capacity):
        promoted = (
            session.registrations.filter(status=RegistrationStatus.WAITING)
            .order_by("created_at", "pk")
            .first()
        )
        if promoted:
            promoted.status = RegistrationStatus.CONFIRMED
            promoted.save(update_fields=["status"])
            _enqueue_registration_email(promoted)
    return promoted


def calendar_token_for(user):
    token, _ = CalendarToken.objects.get_or_create(user=user)
    return token


def regenerate_calendar_token(user):
    token = calendar_token_for(user)
    token.token = new_calendar_token()
    token.save(update_fields=["token"])
    return token


# --- Reminders ------------------------------------------------------------------------------

REMINDER_WINDOWS = {
    # kind: (due from this long before the start, until this long before the start)
    ReminderKind.DAY_BEFORE: (datetime.timedelta(hours=24), datetime.timedelta(hours=1)),
    ReminderKind.HOUR_BEFORE: (datetime.timedelta(hours=1), datetime.timedelta(0)),
}


def wants_reminders(user):
    return not ReminderOptOut.objects.filter(user=user).exists()


def set_reminders(user, enabled):
    """Reminders of the cafés-cités one registers for: on (the default) or off."""
    if enabled:
        ReminderOptOut.objects.filter(user=user).delete()
    else:
        ReminderOptOut.objects.get_or_create(user=user)


def unsubscribe_reminders(user_id, source_key):
    """notifications' unsubscribe handler for the reminders' one-click link (emails.py)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    set_reminders(user, False)
    from cafes_cites.emails import REMINDERS_LABEL

    return REMINDERS_LABEL


def schedule_session_change(session):
    """On commit, tell the registrants of a moved or cancelled session (signals.session_saved)."""
    from cafes_cites.tasks import send_session_change

    session_id, sequence = session.pk, session.sequence
    previous = getattr(session, "_previous_times", None)
    # ISO strings: task arguments are JSON.
    previous = [moment.isoformat() for moment in previous] if previous else None
    transaction.on_commit(lambda: send_session_change.enqueue(session_id, sequence, previous))


def due_reminders(now=None):
    """(registration id, kind) pairs due now and not yet sent."""
    now = now or timezone.now()
    due = []
    for kind, (earliest, latest) in REMINDER_WINDOWS.items():
        registrations = (
            Registration.objects.filter(
                status=RegistrationStatus.CONFIRMED,
                session__is_cancelled=False,
                session__start__lte=now + earliest,
                session__start__gt=now + latest,
            )
            .exclude(pk__in=ReminderSent.objects.filter(kind=kind).values("registration_id"))
            .exclude(user__in=ReminderOptOut.objects.values("user"))
            .values_list("pk", flat=True)
        )
        due += [(pk, kind.value) for pk in registrations]
    return due


def enqueue_due_reminders(now=None):
    from cafes_cites.tasks import send_reminder

    due = due_reminders(now)
    for registration_id, kind in due:
        send_reminder.enqueue(registration_id, kind)
    return len(due)


def promote_question_to_thread(message, actor):
    """After the session, an animateur turns a question left unanswered into a discussion of the
    registered destination (groups/: the national Opérateurs group), so the network can answer
    it there. Once per question. Returns the discussion's URL."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    from cafes_cites.registry import question_destination

    session = message.session
    open_discussion = question_destination()
    if open_discussion is None or not permissions.can_moderate_chat(actor, session):
        raise PermissionDenied
    if not message.is_question or message.deleted_at:
        raise ValidationError(
            "Seules les questions encore visibles peuvent devenir une discussion."
        )
    if message.thread_url:
        raise ValidationError("Cette question a déjà été transformée en discussion.")
    author = message.author.display_name if message.author else "Compte supprimé"
    question = Truncator(strip_tags(message.body_html)).chars(90)
    url = open_discussion(
        actor,
        title=f"Question du {session.label} : {question}",
        body_html=(
            f"<p>Question posée par {author} pendant le {session.label} "
            f"({session.start:%d/%m/%Y}), restée sans réponse :</p>"
            f"<blockquote>{message.body_html}</blockquote>"
        ),
    )
    message.thread_url = url
    message.save(update_fields=["thread_url"])
    return url
