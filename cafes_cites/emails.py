"""The cafés-cités e-mails (registration, reminders, move, cancellation): HTML and text parts in
the platform's sober e-mail layout, the link to the notification preferences and, when the host
has notifications/, a one-click unsubscribe from the reminders (RFC 8058)."""

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cafes_cites.ics import itip_method, registrant_calendar
from cafes_cites.permissions import can_see_video_link
from commons.urls import absolute_url, site_url

SUBJECT_PREFIX = "[Cités de l'emploi] "
# notifications' unsubscribe source for the reminders (handler: services.unsubscribe_reminders).
REMINDERS_SOURCE = "cafes:reminders"
REMINDERS_LABEL = "Rappels des cafés-cités"


def reminders_unsubscribe_url(user):
    """The signed one-click link that stops the reminders, or "" on a site without
    notifications/ (its unsubscribe page is the one that answers the link)."""
    if not apps.is_installed("notifications"):
        return ""
    from notifications.services import unsubscribe_url

    return absolute_url(unsubscribe_url(user.pk, REMINDERS_SOURCE))


def preferences_url():
    path = getattr(settings, "NOTIFICATIONS_PREFERENCES_PATH", "")
    return absolute_url(path) if path else ""


def build_email(
    registration, template, subject, *, attach_ics=False, withdrawn=False, now=None, **extra
):
    """One e-mail to a registrant. The .ics of a confirmed registrant always carries the visio
    link (issue #15: people join from their calendar). The text of the e-mail writes it only when
    the session page would show it at this moment (permissions.can_see_video_link: from
    CAFES_CITES_VIDEO_LINK_BEFORE minutes before the start); sent earlier, it says the link is in
    the attached invitation and when the page will show it. `withdrawn`: the registrant
    cancelled their registration (an unsaved `registration`), the .ics is its METHOD:CANCEL."""
    session, user = registration.session, registration.user
    now = now or timezone.now()
    video_open = can_see_video_link(user, session, registration=registration, now=now)
    ics_video = (
        bool(session.video_url)
        and registration.is_confirmed
        and not session.is_cancelled
        and not withdrawn
    )
    unsubscribe = reminders_unsubscribe_url(user)
    context = {
        "registration": registration,
        "session": session,
        "user": user,
        "session_url": absolute_url(session.get_absolute_url()),
        "agenda_url": absolute_url(reverse("cafes_cites:agenda")),
        "video_open": video_open,
        "ics_video": attach_ics and ics_video,
        "video_before": settings.CAFES_CITES_VIDEO_LINK_BEFORE,
        "attach_ics": attach_ics,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": site_url(),
        "preferences_url": preferences_url(),
        "unsubscribe_url": unsubscribe,
        "unsubscribe_label": REMINDERS_LABEL,
        **extra,
    }
    # RFC 3834: automatic mail, so that out-of-office robots do not answer it.
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=SUBJECT_PREFIX + subject,
        body=render_to_string(f"cafes_cites/emails/{template}.txt", context),
        to=[user.email],
        headers=headers,
    )
    message.attach_alternative(
        render_to_string(f"cafes_cites/emails/{template}.html", context), "text/html"
    )
    if attach_ics:
        message.attach(
            f"cafe-cite-{session.pk}.ics",
            registrant_calendar(session, user, with_video=ics_video, withdrawn=withdrawn),
            f"text/calendar; charset=utf-8; method={itip_method(session, withdrawn)}",
        )
    return message
