"""RFC 5545 calendars built with `icalendar`: one UID per session for ever, SEQUENCE bumped on
every move or cancellation, so subscribed calendars update the event in place."""

import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from icalendar import Calendar, Event, vCalAddress

from cafes_cites.recurrence import PARIS
from commons.urls import absolute_url, site_url

PRODID = "-//ANCT//Plateforme des cites de l'emploi//FR"


def session_uid(session):
    # Stable whatever address serves the demo: a calendar matches updates by UID.
    host = urlsplit(site_url()).hostname or "cites-emploi.anct.gouv.fr"
    return f"cafe-cite-{session.pk}@{host}"


def organizer_address():
    return (
        settings.CAFES_CITES_ORGANIZER_EMAIL
        or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        or "ne-pas-repondre@cites-emploi.anct.gouv.fr"
    )


def session_event(session, stamp, attendee=None, with_video=False, withdrawn=False):
    """`withdrawn`: the attendee cancelled their own registration; the session itself goes on,
    but their calendar must drop it (STATUS:CANCELLED, SEQUENCE above the invitation's)."""
    event = Event()
    cancelled = session.is_cancelled or withdrawn
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp)
    # Paris local times (TZID, with its VTIMEZONE: Calendar.add_missing_timezones).
    event.add("dtstart", session.start.astimezone(PARIS))
    event.add("dtend", session.end.astimezone(PARIS))
    event.add("summary", ("ANNULÉ — " if session.is_cancelled else "") + session.label)
    event.add("sequence", session.sequence + (1 if withdrawn else 0))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("last-modified", session.updated_at.astimezone(datetime.UTC))
    url = absolute_url(session.get_absolute_url())
    event.add("url", url)
    description = strip_tags(session.description).strip()
    video = session.video_url if with_video and not cancelled else ""
    # Without the link (not yet open, or not for this reader), say where and when it appears:
    # the rule of permissions.can_see_video_link.
    where = (
        f"Visioconférence : {video}"
        if video
        else "Visioconférence : lien affiché sur la page de la séance "
        f"{settings.CAFES_CITES_VIDEO_LINK_BEFORE} minutes avant le début"
    )
    lines = [description, "" if cancelled else where, url]
    event.add("description", "\n\n".join(line for line in lines if line))
    event.add("location", video or "Visioconférence (lien sur la page de la séance)")
    if attendee is not None:
        # An invitation (iTIP REQUEST / CANCEL) names its organiser and its attendee: calendars
        # then update or remove the event they already hold under the same UID.
        organizer = vCalAddress(f"mailto:{organizer_address()}")
        organizer.params["cn"] = settings.CAFES_CITES_ORGANIZER_NAME
        event.add("organizer", organizer)
        guest = vCalAddress(f"mailto:{attendee.email}")
        guest.params["cn"] = attendee.display_name
        guest.params["role"] = "REQ-PARTICIPANT"
        guest.params["partstat"] = "DECLINED" if withdrawn else "ACCEPTED"
        event.add("attendee", guest)
    return event


def build_calendar(sessions, name):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    stamp = timezone.now().astimezone(datetime.UTC)
    for session in sessions:
        calendar.add_component(session_event(session, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def registrant_calendar(session, user, *, with_video, withdrawn=False):
    """The .ics e-mailed to one registrant: an invitation (METHOD:REQUEST) that calendars keep
    and update, or its cancellation (METHOD:CANCEL: the session is cancelled, or `withdrawn`,
    the registrant cancelled their registration); `with_video` when the registrant may see
    the visio link at the time of sending (emails.build_email)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", itip_method(session, withdrawn))
    stamp = timezone.now().astimezone(datetime.UTC)
    calendar.add_component(
        session_event(session, stamp, attendee=user, with_video=with_video, withdrawn=withdrawn)
    )
    calendar.add_missing_timezones()
    return calendar.to_ical()


def itip_method(session, withdrawn=False):
    return "CANCEL" if session.is_cancelled or withdrawn else "REQUEST"
