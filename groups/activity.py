"""groups/' aggregates for ANCT's activity dashboard (commons.activity registry)."""

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from commons.activity import ActivityTable
from commons.french import format_date
from groups.models import Activity, Group


def group_activity(since):
    members = (
        Activity.objects.filter(created_at__gte=since, actor__cite__isnull=False)
        .annotate(month=TruncMonth("created_at"))
        .values("actor__cite__short_name", "month")
        .annotate(active=Count("actor", distinct=True))
        .order_by("actor__cite__short_name", "month")
    )
    per_group = (
        Group.objects.annotate(
            n_posts=Count(
                "threads__posts", filter=Q(threads__posts__created_at__gte=since), distinct=True
            ),
            n_documents=Count(
                "documents", filter=Q(documents__created_at__gte=since), distinct=True
            ),
        )
        .filter(Q(n_posts__gt=0) | Q(n_documents__gt=0))
        .order_by("name")
        .values_list("name", "n_posts", "n_documents")
    )
    return [
        ActivityTable(
            "Membres actifs par cité et par mois (dans les groupes)",
            ["Cité", "Mois", "Membres actifs"],
            [
                # « décembre 2026 », as the site writes months, not « 12/2026 ».
                (row["actor__cite__short_name"], format_date(row["month"], "F Y"), row["active"])
                for row in members
            ],
        ),
        ActivityTable(
            "Messages et documents par groupe",
            ["Groupe", "Messages", "Documents"],
            list(per_group),
        ),
    ]
