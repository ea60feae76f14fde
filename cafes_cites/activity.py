"""cafes_cites/' aggregates for ANCT's activity dashboard (commons.activity registry)."""

from django.db.models import Count, Q
from django.utils import timezone

from cafes_cites.models import RegistrationStatus, Session
from commons.activity import ActivityTable


def cafes_activity(since):
    sessions = (
        # Past sessions only: the page reads « over the last N months »; a session to come has
        # registrations but no attendance yet.
        Session.objects.filter(start__gte=since)
        .annotate(
            registered=Count(
                "registrations",
                filter=Q(registrations__status=RegistrationStatus.CONFIRMED),
                distinct=True,
            ),
            chatting=Count(
                "chat_messages__author",
                filter=Q(chat_messages__deleted_at__isnull=True),
                distinct=True,
            ),
        )
        .order_by("start")
        .values_list("title", "start", "registered", "chatting")
    )
    # Sessions to come have registrations but no attendance yet: a table of their own, not under
    # « the last 12 months ».
    now = timezone.now()
    past = [row for row in sessions if row[1] <= now]
    upcoming = [row for row in sessions if row[1] > now]
    return [
        ActivityTable(
            "Cafés-cités : inscriptions et participation au chat",
            ["Séance", "Date", "Inscrits", "Participants au chat"],
            [
                (title, f"{start:%d/%m/%Y}", registered, chatting)
                for title, start, registered, chatting in past
            ],
        ),
        ActivityTable(
            "Cafés-cités à venir : inscriptions",
            ["Séance", "Date", "Inscrits"],
            [(title, f"{start:%d/%m/%Y}", registered) for title, start, registered, _ in upcoming],
            period="à venir",
        ),
    ]
