"""cafes_cites/' aggregates for ANCT's activity dashboard (commons.activity registry)."""

from django.db.models import Count, Q

from cafes_cites.models import RegistrationStatus, Session
from commons.activity import ActivityTable


def cafes_activity(since):
    sessions = (
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
    return [
        ActivityTable(
            "Cafés-cités : inscriptions et participation au chat",
            ["Séance", "Date", "Inscrits", "Participants au chat"],
            [
                (title, f"{start:%d/%m/%Y}", registered, chatting)
                for title, start, registered, chatting in sessions
            ],
        )
    ]
