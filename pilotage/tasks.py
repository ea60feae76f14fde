"""The pilotage e-mails (reminders, reopening): text and HTML parts in the platform's e-mail
layout (emails/base.html), with absolute links (commons.urls.absolute_url)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from commons.mail import email_subject
from commons.urls import absolute_url, site_url
from pilotage.models import CampaignNotice, NoticeKind, Reminder, Response


def _email_cite(cite, campaign, *, roles=None, subject, template, **extra):
    """One e-mail to the cité's active members (only those with one of `roles` if given), with
    the questionnaire's address; returns how many received it."""
    from accounts.models import User

    members = User.objects.filter(cite=cite, is_active=True)
    if roles is not None:
        members = members.filter(cite_role__in=roles)
    recipients = list(members.values_list("email", flat=True))
    if not recipients:
        return 0
    url = reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, 1])
    context = {
        "campaign": campaign,
        "cite": cite,
        "url": absolute_url(url),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": site_url(),
        **extra,
    }
    message = EmailMultiAlternatives(
        subject=email_subject(f"Questionnaire de pilotage du {campaign.label} {subject}"),
        body=render_to_string(f"{template}.txt", context),
        to=recipients,
        # RFC 3834: automatic mail, so that out-of-office robots do not answer it.
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()
    return len(recipients)


@task()
def send_reminder_email(reminder_id):
    """One e-mail to the cité's team; the Reminder row (created before) records the sending."""
    reminder = Reminder.objects.select_related("campaign", "cite").filter(pk=reminder_id).first()
    if reminder is None:
        return 0
    campaign = reminder.campaign
    # The cité's own deadline: the date ANCT extended it to, else the campaign's closing date.
    response = Response.objects.filter(campaign=campaign, cite=reminder.cite).first()
    deadline = response.deadline if response is not None else campaign.closes_on
    sent = _email_cite(
        reminder.cite,
        campaign,
        subject=f"à transmettre au plus tard le {deadline:%d/%m/%Y}",
        template="pilotage/email/reminder",
        reminder=reminder,
        deadline=deadline,
        extended=deadline != campaign.closes_on,
    )
    if sent:
        Reminder.objects.filter(pk=reminder.pk).update(recipients=sent)
    return sent


def _response_given_more_time(response_id):
    """The response ANCT reopened or extended, if it still waits for its transmission (the
    task runs after the commit: it may have been transmitted or withdrawn since)."""
    response = Response.objects.select_related("campaign", "cite").filter(pk=response_id).first()
    if response is None or response.is_submitted or response.extended_until is None:
        return None
    return response


@task()
def send_reopen_email(response_id):
    """Tell the cité's team that ANCT reopened their questionnaire, until when: the same
    recipients as a prolongation (a partner fills it in too)."""
    # Imported here: services enqueues this task.
    from pilotage.services import is_started

    response = _response_given_more_time(response_id)
    if response is None:
        return 0
    return _email_cite(
        response.cite,
        response.campaign,
        subject=f"rouvert jusqu'au {response.extended_until:%d/%m/%Y}",
        template="pilotage/email/reopened",
        until=response.extended_until,
        previously_submitted=bool(response.submitted_by_id),
        # Never started: no « answers kept », no « modify again ».
        started=is_started(response),
    )


@task()
def send_extension_email(response_id):
    """Tell the cité's team that ANCT gave it more time, until when (as a reopening does)."""
    response = _response_given_more_time(response_id)
    if response is None:
        return 0
    return _email_cite(
        response.cite,
        response.campaign,
        subject=f": échéance prolongée au {response.extended_until:%d/%m/%Y}",
        template="pilotage/email/extended",
        until=response.extended_until,
    )


@task()
def send_notice_email(notice_id):
    """The opening or closing of a campaign, told to one cité's team. The notice is claimed
    (sent_at set) before sending: a task run twice, or by two workers, sends once."""
    claimed = CampaignNotice.objects.filter(pk=notice_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return 0
    notice = CampaignNotice.objects.select_related("campaign", "cite").get(pk=notice_id)
    campaign = notice.campaign
    if notice.kind == NoticeKind.OPENED:
        subject = f"ouvert, à transmettre au plus tard le {campaign.closes_on:%d/%m/%Y}"
    elif notice.kind == NoticeKind.ENDED:
        what = "réouverture" if notice.reopened else "prolongation"
        subject = f": campagne close, fin de votre {what}"
    else:
        subject = ": campagne close"
    sent = _email_cite(
        notice.cite,
        campaign,
        subject=subject,
        template="pilotage/email/notice",
        notice=notice,
        closed_on=timezone.localdate(notice.created_at),
        early=notice.kind != NoticeKind.OPENED
        and timezone.localdate(notice.created_at) < campaign.closes_on,
    )
    CampaignNotice.objects.filter(pk=notice_id).update(recipients=sent)
    return sent


@task()
def send_due_reminders():
    """Run daily (cron: manage.py pilotage_reminders, or db_worker): idempotent."""
    from pilotage.services import send_due_reminders as send

    return send()
