import datetime

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone

from commons.api import openapi_document, public_api


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the database may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_redis():
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def _check_elasticsearch():
    from urllib.request import urlopen

    # The first host of a comma-separated cluster list.
    url = settings.ELASTICSEARCH_URL.split(",")[0].strip()
    with urlopen(url, timeout=2):  # noqa: S310 - operator-set URL
        pass


def _task_queue_state():
    """Background tasks: run inline (immediate backend), or queued in the database for the
    worker, with what waits, runs and failed lately, and how long the oldest task has waited
    (a growing wait means no worker is running)."""
    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db."):
        return {"backend": backend.rsplit(".", 1)[-1], "en_attente": 0}
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    day_ago = timezone.now() - datetime.timedelta(days=1)
    return {
        "backend": "base de données",
        "en_attente": ready.count(),
        "en_cours": DBTaskResult.objects.running().count(),
        "echecs_24h": DBTaskResult.objects.failed().filter(finished_at__gte=day_ago).count(),
        "attente_max_s": int((timezone.now() - oldest).total_seconds()) if oldest else 0,
    }


def _search_index_state():
    from search.backends import elastic

    try:
        return "à reconstruire" if elastic.get_backend().needs_rebuild() else "ok"
    except Exception:  # reported, not raised: this is the health check
        return "indisponible"


# Services whose failure the site survives (search falls back to the database): reported, but
# no reason to take a worker out of the load balancer.
DEGRADABLE = {"elasticsearch"}


def health(request):
    """State of each backing service: "ok", "indisponible" or "non configuré". 503 as soon as a
    service the site cannot do without is down, so a load balancer can take the worker out."""
    checks = {
        "database": _check_database,
        "redis": _check_redis if settings.REDIS_URL else None,
        "elasticsearch": _check_elasticsearch if settings.ELASTICSEARCH_URL else None,
    }
    report = {}
    for name, check in checks.items():
        if check is None:
            report[name] = "non configuré"
            continue
        try:
            check()
        except Exception:  # reported, not raised: this is the health check
            report[name] = "indisponible"
        else:
            report[name] = "ok"
    failing = [name for name, state in report.items() if state == "indisponible"]
    if report["database"] == "ok":
        report["tasks"] = _task_queue_state()
        if apps.is_installed("search"):
            from search.models import PendingUpdate

            report["search_pending"] = PendingUpdate.objects.count()
            if report["elasticsearch"] == "ok":
                report["search_index"] = _search_index_state()
    status = 503 if set(failing) - DEGRADABLE else 200
    return JsonResponse(report, status=status)


@public_api(params=frozenset())
def api_schema(request):
    """The OpenAPI 3 description of every public endpoint (each app registers its own)."""
    return JsonResponse(
        openapi_document(request.build_absolute_uri("/").rstrip("/")),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
