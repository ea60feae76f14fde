"""Writes of the ressources app (verb-named). E-mails leave through tasks, after commit."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from wagtail.models import PageViewRestriction

from commons.html import user_text_to_html
from commons.urls import absolute_url as commons_absolute_url
from commons.urls import site_url
from ressources.models import (
    ActionInspirantePage,
    BulletinPage,
    BulletinSending,
    Delivery,
    DeliveryStatus,
    RessourcesIndexPage,
    SendingStatus,
    Subscriber,
    SubscriptionRequest,
    sections_for_themes,
)
from themes.models import Theme

logger = logging.getLogger(__name__)

SUBSCRIBE_SALT = "ressources.subscribe"
UNSUBSCRIBE_SALT = "ressources.unsubscribe"
CONFIRMATION_MAX_AGE = 7 * 24 * 3600
BATCH_SIZE = getattr(settings, "RESSOURCES_BULLETIN_BATCH_SIZE", 50)


def absolute_url(path):
    return commons_absolute_url(path)


# --- Library pages ----------------------------------------------------------------------------


@transaction.atomic
def save_ressource(library, model, slug, fields, themes=(), publics=(), members_only=False):
    """Create or update in place (by slug under the library) and publish a ressource.
    Returns (page, created)."""
    page = model.objects.child_of(library).filter(slug=slug).first()
    created = page is None
    if created:
        page = model(slug=slug, **fields)
        library.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.themes.set(list(themes))
    page.publics_cibles.set(list(publics))
    page.save_revision().publish()
    set_members_only(page, members_only)
    return page, created


def set_members_only(page, members_only):
    """Wagtail privacy: "login" restriction = registered professionals only."""
    restrictions = PageViewRestriction.objects.filter(page=page)
    if members_only and not restrictions.exists():
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    elif not members_only:
        restrictions.delete()


# --- Proposals ---------------------------------------------------------------------------------


def _unique_slug(parent, title):
    base = slugify(title)[:70] or "action"
    slug, n = base, 2
    while parent.get_children().filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def propose_action(user, data):
    """A cité member's proposal becomes a draft action submitted to the review workflow."""
    library = RessourcesIndexPage.objects.get()
    page = ActionInspirantePage(
        title=data["title"],
        slug=_unique_slug(library, data["title"]),
        summary=data["summary"],
        body=[("paragraph", user_text_to_html(data["description"]))],
        territory=data.get("territory", ""),
        partners=data.get("partners", ""),
        start_date=data.get("start_date"),
        results=data.get("results", ""),
        contact=data.get("contact", ""),
        cite=user.cite,
        region=user.cite.region if user.cite else "national",
        owner=user,
        live=False,
    )
    library.add_child(instance=page)
    page.themes.set(data["themes"])
    page.publics_cibles.set(data.get("publics_cibles") or [])
    revision = page.save_revision(user=user)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, user)
    return page, revision


# --- Subscriptions -----------------------------------------------------------------------------


def subscription_token(email, theme_slugs):
    return signing.dumps({"e": email.lower(), "t": theme_slugs}, salt=SUBSCRIBE_SALT)


def read_subscription_token(token):
    """(email, theme slugs or None) or None when the link is wrong or expired."""
    try:
        data = signing.loads(token, salt=SUBSCRIBE_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return data["e"], data["t"]


def unsubscribe_token(subscriber):
    return signing.dumps(subscriber.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(subscriber):
    return absolute_url(reverse("ressources:unsubscribe", args=[unsubscribe_token(subscriber)]))


class TooManyRequests(Exception):
    """Raised with a French message when an address or an IP asked too often."""


def _digest(value):
    return salted_hmac("ressources.subscription-throttle", value.lower()).hexdigest()


@transaction.atomic
def check_subscription_rate(email, ip):
    """At most RESSOURCES_SUBSCRIBE_PER_ADDRESS confirmation e-mails per address and
    RESSOURCES_SUBSCRIBE_PER_IP per IP address in RESSOURCES_SUBSCRIBE_WINDOW seconds: the form
    cannot be used to flood someone's mailbox. Records the request when it is allowed."""
    window = getattr(settings, "RESSOURCES_SUBSCRIBE_WINDOW", 3600)
    per_address = getattr(settings, "RESSOURCES_SUBSCRIBE_PER_ADDRESS", 3)
    per_ip = getattr(settings, "RESSOURCES_SUBSCRIBE_PER_IP", 20)
    now = timezone.now()
    SubscriptionRequest.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    recent = SubscriptionRequest.objects.filter(created_at__gte=now - timedelta(seconds=window))
    email_digest, ip_digest = _digest(email), _digest(ip or "inconnue")
    minutes = max(1, round(window / 60))
    if recent.filter(email_digest=email_digest).count() >= per_address:
        raise TooManyRequests(
            f"Plusieurs courriels de confirmation ont déjà été envoyés à cette adresse dans les "
            f"{minutes} dernières minutes : vérifiez votre boîte de réception (et les indésirables) "
            "ou réessayez plus tard."
        )
    if recent.filter(ip_digest=ip_digest).count() >= per_ip:
        raise TooManyRequests(
            "Trop de demandes d'abonnement ont été faites depuis votre connexion : réessayez "
            "plus tard."
        )
    SubscriptionRequest.objects.create(email_digest=email_digest, ip_digest=ip_digest)


def request_subscription(email, theme_slugs):
    """Double opt-in: nothing is stored until the link in the e-mail is followed, and the same
    answer is given whether or not the address is already subscribed."""
    from ressources.tasks import send_subscription_confirmation

    token = subscription_token(email, theme_slugs)
    url = absolute_url(reverse("ressources:confirm", args=[token]))
    transaction.on_commit(lambda: send_subscription_confirmation.enqueue(email, url))


@transaction.atomic
def confirm_subscription(email, theme_slugs):
    subscriber, _ = Subscriber.objects.get_or_create(email=email)
    subscriber.all_themes = theme_slugs is None
    subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save()
    subscriber.themes.set(Theme.objects.filter(slug__in=theme_slugs or []))
    return subscriber


def unsubscribe(token):
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber and subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])
    return subscriber


# --- Bulletin composition ---------------------------------------------------------------------


@transaction.atomic
def compose_bulletin(bulletin, user, data):
    """The editor's choice among the proposal (ressources.composition) becomes the sections of a
    new draft revision of the bulletin, to be reviewed and published in the page editor.
    Raises CompositionError (French messages) and changes nothing when the choice is refused."""
    from ressources.composition import CompositionError, chosen_items, composed_sections

    bulletin = BulletinPage.objects.select_for_update().get(pk=bulletin.pk)
    if BulletinSending.objects.filter(bulletin=bulletin).exists():
        raise CompositionError(
            ["Ce numéro a déjà été envoyé aux abonnés : sa composition ne peut plus changer."]
        )
    lock = bulletin.get_lock()
    if lock and lock.for_user(user):
        raise CompositionError(
            [
                "Ce numéro est verrouillé dans l'éditeur par une autre personne : réessayez quand "
                "il sera déverrouillé."
            ]
        )
    draft = bulletin.get_latest_revision_as_object()
    chosen = chosen_items(draft, data)
    if not chosen:
        raise CompositionError(["Choisissez au moins un élément à faire paraître dans ce numéro."])
    draft.sections = composed_sections(draft, chosen)
    return draft.save_revision(user=user, log_action=True)


# --- Bulletin sending --------------------------------------------------------------------------


def recipients(bulletin):
    return Subscriber.objects.for_themes(bulletin.theme_slugs)


@transaction.atomic
def start_sending(bulletin, user):
    """Create (or resume) the sending of a published bulletin and queue the work."""
    from ressources.tasks import send_bulletin

    sending, created = BulletinSending.objects.get_or_create(
        bulletin=bulletin, defaults={"started_by": user}
    )
    if not created and sending.status == SendingStatus.DONE:
        return sending
    sending.status = SendingStatus.RUNNING
    sending.error = ""
    sending.recipients = recipients(bulletin).count()
    sending.save()
    transaction.on_commit(lambda: send_bulletin.enqueue(sending.pk))
    return sending


def _bulletin_message(bulletin, subscriber, sections, chosen_labels=()):
    """The issue as this subscriber receives it: `sections` are already those of their champs
    (`chosen_labels`, empty when they receive everything)."""
    unsubscribe_link = unsubscribe_url(subscriber)
    context = {
        "bulletin": bulletin,
        "bulletin_url": absolute_url(bulletin.url or "/"),
        "bulletin_sections": sections,
        "chosen_labels": list(chosen_labels),
        "subscribe_url": absolute_url(reverse("ressources:subscribe")),
        "site_url": site_url(),
        "unsubscribe_url": unsubscribe_link,
    }
    message = EmailMultiAlternatives(
        subject=f"Bulletin de veille n° {bulletin.number} — Cités de l'emploi",
        body=render_to_string("ressources/emails/bulletin.txt", context),
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("ressources/emails/bulletin.html", context), "text/html"
    )
    return message


def send_next_batch(sending, batch_size=BATCH_SIZE):
    """Send one batch; returns how many e-mails left. Each delivery is claimed (unique row)
    before its e-mail goes out: if the process dies mid-batch, resuming skips it rather than
    risk a second copy."""
    bulletin = sending.bulletin.specific
    pending = list(
        recipients(bulletin)
        .exclude(deliveries__bulletin=bulletin)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    sections = bulletin.section_list(absolute=True) if pending else []
    labels = dict(Theme.objects.values_list("slug", "short_label"))
    order = {
        slug: n for n, slug in enumerate(Theme.objects.ordered().values_list("slug", flat=True))
    }
    subscribers = Subscriber.objects.filter(pk__in=pending).prefetch_related("themes")
    for subscriber in subscribers.order_by("pk"):
        chosen = subscriber.chosen_theme_slugs()
        own_sections = sections_for_themes(sections, chosen)
        try:
            delivery = Delivery.objects.create(
                bulletin=bulletin,
                subscriber=subscriber,
                status=DeliveryStatus.CLAIMED if own_sections else DeliveryStatus.SKIPPED,
            )
        except IntegrityError:
            continue  # another worker claimed it
        if not own_sections:
            continue
        chosen_labels = [
            labels[slug]
            for slug in sorted(chosen, key=lambda slug: order.get(slug, len(order)))
            if slug in labels
        ]
        try:
            _bulletin_message(bulletin, subscriber, own_sections, chosen_labels).send()
        except Exception as error:
            delivery.status = DeliveryStatus.FAILED
            delivery.save(update_fields=["status", "updated_at"])
            logger.warning("Bulletin %s non remis à %s : %s", bulletin.number, subscriber, error)
            continue
        delivery.status = DeliveryStatus.SENT
        delivery.save(update_fields=["status", "updated_at"])
    return len(pending)


def run_sending(sending_id, batch_size=BATCH_SIZE):
    sending = BulletinSending.objects.select_related("bulletin").get(pk=sending_id)
    if sending.status == SendingStatus.DONE:
        return sending
    try:
        while send_next_batch(sending, batch_size):
            pass
    except BaseException as error:
        BulletinSending.objects.filter(pk=sending.pk).update(
            status=SendingStatus.INTERRUPTED, error=str(error)[:500]
        )
        raise
    sending.status = SendingStatus.DONE
    sending.finished_at = timezone.now()
    sending.save(update_fields=["status", "finished_at"])
    return sending


def sending_progress(sending):
    counts = dict(
        Delivery.objects.filter(bulletin_id=sending.bulletin_id)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    done = sum(counts.values())
    total = max(sending.recipients, done)
    return {
        "sent": counts.get(DeliveryStatus.SENT, 0),
        "failed": counts.get(DeliveryStatus.FAILED, 0),
        "uncertain": counts.get(DeliveryStatus.CLAIMED, 0),
        "skipped": counts.get(DeliveryStatus.SKIPPED, 0),
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 100,
    }
