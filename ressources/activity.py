"""ressources/' aggregates for ANCT's activity dashboard (commons.activity registry)."""

from django.db.models import Count, Q

from commons.activity import ActivityTable
from ressources.models import BulletinPage, DeliveryStatus


def bulletin_activity(since):
    bulletins = (
        BulletinPage.objects.filter(date__gte=since)
        .annotate(
            sent=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT)),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        )
        .order_by("date")
        .values_list("number", "date", "sent", "failed")
    )
    return [
        ActivityTable(
            "Bulletins de veille : remises",
            ["Numéro", "Parution", "Envoyés", "Échecs"],
            [
                (f"n° {number}", f"{day:%d/%m/%Y}", sent, failed)
                for number, day, sent, failed in bulletins
            ],
        )
    ]
