"""Cafés-cités: séances and series."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from cafes_cites.models import Series, Session

PARIS = ZoneInfo("Europe/Paris")


def make_session(start=None, minutes=60, **fields):
    """A séance (a week from now unless `start` is given) lasting `minutes`."""
    start = start or timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
    fields.setdefault("title", "Café-cité de test")
    return Session.objects.create(
        start=start, end=start + datetime.timedelta(minutes=minutes), **fields
    )


def make_series(**fields):
    defaults = {
        "title": "Café-cité",
        "first_date": datetime.date(2026, 3, 13),
        "local_time": datetime.time(10, 0),
        "interval_weeks": 3,
        "first_number": 18,
        "upcoming_count": 4,
    }
    return Series.objects.create(**{**defaults, **fields})


def paris(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)
