from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task


@task()
def send_subscription_confirmation(email, confirm_url):
    context = {"confirm_url": confirm_url}
    send_mail(
        subject="Confirmez votre abonnement au bulletin de veille des cités de l'emploi",
        message=render_to_string("ressources/emails/confirm.txt", context),
        from_email=None,
        recipient_list=[email],
        html_message=render_to_string("ressources/emails/confirm.html", context),
    )


@task()
def send_already_subscribed(email, unsubscribe_url):
    context = {"unsubscribe_url": unsubscribe_url}
    send_mail(
        subject="Vous êtes déjà abonné(e) au bulletin de veille des cités de l'emploi",
        message=render_to_string("ressources/emails/already_subscribed.txt", context),
        from_email=None,
        recipient_list=[email],
        html_message=render_to_string("ressources/emails/already_subscribed.html", context),
    )


@task()
def send_bulletin(sending_id):
    from ressources.services import run_sending

    run_sending(sending_id)


@task()
def notify_fiche_change(change_id):
    from ressources.services import send_fiche_change_notifications

    return send_fiche_change_notifications(change_id)
