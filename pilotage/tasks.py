from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from accounts.models import CiteRole
from pilotage.models import Reminder, Response


@task()
def send_reminder_email(reminder_id):
    """One e-mail to the cité's team; the Reminder row (created before) records the sending."""
    from accounts.models import User

    reminder = Reminder.objects.select_related("campaign", "cite").filter(pk=reminder_id).first()
    if reminder is None:
        return 0
    recipients = list(
        User.objects.filter(cite=reminder.cite, is_active=True).values_list("email", flat=True)
    )
    if not recipients:
        return 0
    url = reverse("pilotage:questionnaire", args=[reminder.cite.slug, reminder.campaign.code, 1])
    context = {
        "reminder": reminder,
        "campaign": reminder.campaign,
        "cite": reminder.cite,
        "url": settings.SITE_URL.rstrip("/") + url,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    EmailMessage(
        subject=(
            f"[{settings.WAGTAIL_SITE_NAME}] Questionnaire de pilotage {reminder.campaign.code} : "
            f"clôture le {reminder.campaign.closes_on:%d/%m/%Y}"
        ),
        body=render_to_string("pilotage/email/reminder.txt", context),
        to=recipients,
    ).send()
    Reminder.objects.filter(pk=reminder.pk).update(recipients=len(recipients))
    return len(recipients)


@task()
def send_reopen_email(response_id):
    """Tell the cité's coordinator(s) that ANCT reopened their questionnaire, until when."""
    from accounts.models import User

    response = Response.objects.select_related("campaign", "cite").filter(pk=response_id).first()
    if response is None or response.is_submitted or response.extended_until is None:
        return 0
    recipients = list(
        User.objects.filter(
            cite=response.cite, cite_role=CiteRole.COORDINATEUR, is_active=True
        ).values_list("email", flat=True)
    )
    if not recipients:
        return 0
    url = reverse("pilotage:questionnaire", args=[response.cite.slug, response.campaign.code, 1])
    context = {
        "campaign": response.campaign,
        "cite": response.cite,
        "until": response.extended_until,
        "url": settings.SITE_URL.rstrip("/") + url,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    EmailMessage(
        subject=(
            f"[{settings.WAGTAIL_SITE_NAME}] Questionnaire de pilotage {response.campaign.code} "
            f"rouvert jusqu'au {response.extended_until:%d/%m/%Y}"
        ),
        body=render_to_string("pilotage/email/reopened.txt", context),
        to=recipients,
    ).send()
    return len(recipients)


@task()
def send_due_reminders():
    """Run daily (cron: manage.py pilotage_reminders, or db_worker): idempotent."""
    from pilotage.services import send_due_reminders as send

    return send()
