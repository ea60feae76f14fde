from django import template
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.forms import BaseForm

from cde_site.models import ContentPage

register = template.Library()


@register.simple_tag
def mail_subject_prefix():
    """The platform's e-mail subject prefix, for e-mails whose subject is a template (Wagtail's
    review notifications)."""
    from commons.mail import subject_prefix

    return subject_prefix()


@register.simple_tag
def site_name_setting():
    from django.conf import settings

    return settings.WAGTAIL_SITE_NAME


@register.simple_tag
def footer_pages():
    """Live, public content pages flagged for the footer (accessibilité, mentions légales…)."""
    return list(ContentPage.objects.live().public().filter(show_in_footer=True).order_by("path"))


@register.simple_tag
def accessibility_status():
    """The RGAA status the footer states next to its link to the accessibility statement."""
    return settings.ACCESSIBILITY_STATUS


def _forms_with_errors(context):
    forms = {
        id(value): value for value in context.flatten().values() if isinstance(value, BaseForm)
    }
    return [form for form in forms.values() if form.is_bound and form.errors]


def _has_error_message(context):
    # Iterating the storage twice in one request is safe: it keeps the loaded messages.
    messages = context.get("messages") or ()
    return any(message.level >= message_levels.ERROR for message in messages)


@register.simple_tag(takes_context=True)
def error_title_prefix(context):
    """ "Erreur : " at the start of the <title> when the page answers a failed submit (a bound form
    with errors, or an error message after a redirect): the first thing a screen reader
    announces (RGAA 11.10, WCAG 3.3.1). Put once in base.html, so no page has to remember it."""
    if _forms_with_errors(context) or _has_error_message(context):
        return "Erreur : "
    return ""


@register.simple_tag(takes_context=True)
def page_href(context, number):
    """The address of page `number` of the current list, other parameters kept. Page 1 is the
    list's own address, without "page=1": one page, one address, one title."""
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    if int(number) > 1:
        query["page"] = number
    return f"{request.path}?{query.urlencode()}" if query else request.path


@register.filter
def can_use_admin(user):
    """Wagtail's workflow e-mails also reach people without the admin (a cité member whose
    proposal is reviewed): they get no link they could not open."""
    return bool(user) and user.has_perm("wagtailadmin.access_admin")


@register.simple_tag
def proposal_origin(page):
    """Wagtail's review e-mail of a page proposed from a group or the action form: who proposed
    it and from where, one sentence (empty for other pages)."""
    from ressources.models import LibraryProposal

    if page is None:
        return ""
    proposal = (
        LibraryProposal.objects.filter(page_id=page.pk)
        .select_related("proposer", "proposer__cite")
        .order_by("-created_at")
        .first()
    )
    if proposal is None:
        return ""
    proposer = proposal.proposer
    who = proposer.display_name if proposer else "un compte supprimé"
    if proposer and proposer.cite:
        who = f"{who} ({proposer.cite.name})"
    return f"Proposée par {who} : {proposal.source_label}."


@register.simple_tag
def notification_preferences_path():
    return settings.NOTIFICATIONS_PREFERENCES_PATH


@register.filter
def keep_together(text):
    """Short labels (footer links) on one line: non-breaking spaces instead of spaces, so that
    « Mentions légales » does not break in two at phone width."""
    return str(text).replace(" ", "\u00a0")
