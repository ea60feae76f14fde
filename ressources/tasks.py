from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from commons.mail import email_subject
from commons.urls import site_url


def _send_to_subscriber(email, subject, template, context):
    """One e-mail of the subscription, in text and HTML (ressources/emails/<template>.*)."""
    context = {"site_name": settings.WAGTAIL_SITE_NAME, "site_url": site_url(), **context}
    send_mail(
        subject=email_subject(subject),
        message=render_to_string(f"ressources/emails/{template}.txt", context),
        from_email=None,
        recipient_list=[email],
        html_message=render_to_string(f"ressources/emails/{template}.html", context),
    )


@task()
def send_subscription_confirmation(email, confirm_url):
    _send_to_subscriber(
        email,
        "Confirmez votre abonnement au bulletin de veille des cités de l'emploi",
        "confirm",
        {"confirm_url": confirm_url},
    )


@task()
def send_already_subscribed(email, unsubscribe_url):
    _send_to_subscriber(
        email,
        "Votre abonnement au bulletin de veille des cités de l'emploi est déjà actif",
        "already_subscribed",
        {"unsubscribe_url": unsubscribe_url},
    )


@task()
def send_bulletin(sending_id):
    from ressources.services import run_sending

    run_sending(sending_id)


@task()
def notify_fiche_change(change_id):
    from ressources.services import send_fiche_change_notifications

    return send_fiche_change_notifications(change_id)
