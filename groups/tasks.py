from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django_tasks import task

from commons.mail import email_subject
from commons.urls import absolute_url
from groups.models import Invitation


@task()
def send_invitation_email(invitation_id):
    invitation = (
        Invitation.objects.select_related("group", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.status != Invitation.State.PENDING:
        return False
    context = {
        "invitation": invitation,
        "group": invitation.group,
        "inviter": invitation.invited_by,
        "url": absolute_url(invitation.get_absolute_url()),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    message = EmailMultiAlternatives(
        subject=email_subject(f"Invitation à rejoindre « {invitation.group.name} »"),
        body=render_to_string("groups/email/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("groups/email/invitation.html", context), "text/html"
    )
    message.send()
    return True


@task()
def extract_document_text(version_id):
    """Read a new version's text for search (scheduled after the upload's commit)."""
    from groups.services import extract_version_text

    status = extract_version_text(version_id)
    return str(status) if status else None
