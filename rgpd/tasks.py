from django_tasks import task

from rgpd.services import apply_retention


@task()
def apply_retention_task():
    """The retention rules as a background task (same work as manage.py apply_retention)."""
    return apply_retention()
