"""RFC 5545 calendars built with `icalendar`: one UID per session for ever, SEQUENCE bumped on
every move or cancellation, so subscribed calendars update the event in place."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from icalendar import Calendar, Event

from commons.urls import DEFAULT_SITE_URL, absolute_url

PRODID = "-//ANCT//Plateforme des cites de l'emploi//FR"


def session_uid(session):
    # Stable whatever address serves the demo: a calendar matches updates by UID.
    host = urlsplit(settings.SITE_URL or DEFAULT_SITE_URL).hostname or "cites-emploi.anct.gouv.fr"
    return f"cafe-cite-{session.pk}@{host}"


def session_event(session, stamp):
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp)
    event.add("dtstart", session.start.astimezone(datetime.UTC))
    event.add("dtend", session.end.astimezone(datetime.UTC))
    event.add("summary", ("ANNULÉ — " if session.is_cancelled else "") + session.label)
    event.add("sequence", session.sequence)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    event.add("last-modified", session.updated_at.astimezone(datetime.UTC))
    url = absolute_url(session.get_absolute_url())
    event.add("url", url)
    description = strip_tags(session.description).strip()
    event.add("description", f"{description}\n\n{url}".strip())
    event.add("location", "Visioconférence (lien sur la page de la séance)")
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
    return calendar.to_ical()
