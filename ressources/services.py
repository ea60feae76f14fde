"""Writes of the ressources app (verb-named). E-mails leave through tasks, after commit."""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page, PageViewRestriction, ReferenceIndex

from accounts.models import User
from accounts.roles import ANCT_GROUP_NAME
from audit.models import Action
from audit.services import record_action
from commons.french import quoted
from commons.html import html_to_plain_text, user_text_to_html
from commons.mail import email_subject
from commons.urls import absolute_url as commons_absolute_url
from commons.urls import site_url
from notifications.models import EmailMode
from notifications.services import notify
from ressources.models import (
    ActionInspirantePage,
    BulletinPage,
    BulletinSending,
    Delivery,
    DeliveryStatus,
    FicheChange,
    FicheDispositifPage,
    FicheFollow,
    FicheReviewReminder,
    LibraryEmailSetting,
    LibraryProposal,
    PortraitCitePage,
    ProposalStatus,
    RessourcesIndexPage,
    SendingStatus,
    Subscriber,
    SubscriptionRequest,
    SuggestionFeedback,
    sections_for_themes,
)
from ressources.permissions import can_give_suggestion_feedback, can_view_page
from ressources.suggestions import target_exists
from themes.models import Theme

logger = logging.getLogger(__name__)

SUBSCRIBE_SALT = "ressources.subscribe"
UNSUBSCRIBE_SALT = "ressources.unsubscribe"
CONFIRMATION_MAX_AGE = 7 * 24 * 3600
BATCH_SIZE = getattr(settings, "RESSOURCES_BULLETIN_BATCH_SIZE", 50)


def absolute_url(path):
    return commons_absolute_url(path)


def page_path(page):
    """The page's path on the platform, for notifications: e-mails make it absolute on SITE_URL
    (notifications.emails), whereas Page.url carries the Wagtail Site's own host when there are
    several sites, and None for a page outside any."""
    parts = page.get_url_parts()
    return parts[2] if parts else "/"


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
        # One by one: PageViewRestriction.delete() writes Wagtail's page log, which tells the
        # open-data APIs that the listing changed (ressources.api.library_version).
        for restriction in restrictions:
            restriction.delete()


# --- Proposals ---------------------------------------------------------------------------------


def _unique_slug(parent, title):
    base = slugify(title)[:70] or "action"
    slug, n = base, 2
    while parent.get_children().filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _start_review(page, user):
    """Submit a draft to its workflow ("Relecture ANCT"), when the library has one, in `user`'s
    name: they receive Wagtail's decision e-mails."""
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, user)


FORM_SOURCE_PREFIX = "formulaire-action:"
FORM_SOURCE_LABEL = "le formulaire « Proposer une action inspirante »"


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
    # Recorded like a group document's proposal: ANCT may refuse it with a message or change its
    # type, the proposer (without admin access) hears the decision from the library, not from
    # Wagtail's workflow e-mails (ressources.signals).
    LibraryProposal.objects.create(
        page=page,
        proposer=user,
        source_key=f"{FORM_SOURCE_PREFIX}{page.pk}",
        source_label=FORM_SOURCE_LABEL,
        source_url=reverse("ressources:index"),
    )
    _start_review(page, user)
    return page, revision


# Where an earlier proposal of the same source stands, said after "elle est" / "elle a été".
PROPOSAL_STATES = {
    ProposalStatus.PENDING: "en cours de relecture par l'équipe ANCT",
    ProposalStatus.PUBLISHED: "publiée dans la bibliothèque",
    ProposalStatus.REFUSED: "non retenue par l'équipe ANCT",
}


def _proposal_status_sentence(proposal, subject):
    """One sentence for both places an earlier proposal is mentioned: the refusal of a second
    proposal (`subject` "Cette version du document") and the document's page (`subject` None)."""
    when = date_format(timezone.localtime(proposal.created_at), "j F Y")
    message = ""
    if proposal.status == ProposalStatus.REFUSED and proposal.message:
        said = html_to_plain_text(proposal.message)
        # A quote that ends its own sentence takes no second full stop after « ».
        end = "" if said.endswith((".", "!", "?", "…")) else "."
        message = f" Message de l'équipe ANCT : « {said} »{end}"
    if subject is None:
        # The document's page, right after the proposal too: a plain fact, no « déjà » that
        # reads like a refusal; a new version is suggested only once the review is over.
        again = (
            ""
            if proposal.status == ProposalStatus.PENDING
            else " Déposez une nouvelle version pour la proposer à nouveau."
        )
        return (
            f"Proposition envoyée à l'équipe nationale le {when} : "
            f"{PROPOSAL_STATES[proposal.status]}.{message}{again}"
        )
    return (
        f"{subject} a déjà été proposée à la bibliothèque le {when} : "
        f"{PROPOSAL_STATES[proposal.status]}.{message} Déposez une nouvelle version pour la "
        "proposer à nouveau."
    )


def _proposal_refusal(proposal):
    return _proposal_status_sentence(proposal, "Cette version du document")


def describe_proposal(source_key):
    """groups.registry's `describe`: where an earlier proposal of this exact source stands."""
    proposal = LibraryProposal.objects.filter(source_key=source_key).first()
    return _proposal_status_sentence(proposal, None) if proposal else ""


# The library's page types a proposed document may become (the proposer picks one, ANCT may
# change it at review). A parcours de bénéficiaire is a person's testimony, not a document.
PROPOSAL_KINDS = {
    "fiche": FicheDispositifPage,
    "action": ActionInspirantePage,
    "portrait": PortraitCitePage,
}
PROPOSAL_KIND_HINTS = {
    "fiche": "un dispositif, une aide, une offre de service mobilisable par les cités",
    "action": "une action menée sur le terrain : trame, bilan, outil qui en est issu",
    "portrait": "la présentation d'une cité, de son territoire et de son équipe",
}
DEFAULT_PROPOSAL_KIND = "fiche"


def proposal_kinds():
    """(value, label, hint) of each kind, for groups.registry (the proposal form)."""
    return [
        (kind, model._meta.verbose_name.capitalize(), PROPOSAL_KIND_HINTS[kind])
        for kind, model in PROPOSAL_KINDS.items()
    ]


def proposal_kind_of(page):
    specific_class = page.specific_class
    return next((kind for kind, model in PROPOSAL_KINDS.items() if model is specific_class), "")


def propose_document(
    user,
    *,
    source_key,
    source_label,
    source_url,
    title,
    description,
    themes,
    filename,
    open_file,
    kind=DEFAULT_PROPOSAL_KIND,
):
    """A document shared elsewhere (a group's document version, see groups.registry) proposed
    to the national library: a draft page of the chosen `kind` (PROPOSAL_KINDS) in the
    "Relecture ANCT" workflow, with a copy of the
    file as a Wagtail document and a record of where it comes from. The original is not touched.
    A Wagtail document used only by a draft page stays hidden from the public until the page
    is published (ressources.permissions.document_is_hidden_from). Raises ValidationError
    (French) when this exact source was already proposed or the description is empty."""
    # The summary is plain text (shown as such in lists and on the page); the page's body holds
    # the file only, so the description is not printed twice.
    description = html_to_plain_text(description)
    if not description:
        raise ValidationError("Décrivez le document en quelques phrases.")
    model = PROPOSAL_KINDS.get(kind)
    if model is None:
        raise ValidationError("Choisissez le type de ressource parmi ceux proposés.")
    existing = LibraryProposal.objects.filter(source_key=source_key).first()
    if existing is not None:
        raise ValidationError(_proposal_refusal(existing))
    try:
        with transaction.atomic():
            library = RessourcesIndexPage.objects.get()
            with open_file() as handle:
                document = get_document_model()(
                    title=title,
                    uploaded_by_user=user,
                    collection=Collection.get_first_root_node(),
                )
                document.file.save(filename, File(handle, name=filename), save=False)
                document._set_document_file_metadata()
                document.save()
            page = model(
                title=title,
                slug=_unique_slug(library, title),
                summary=description,
                body=[
                    ("link", {"label": f"Télécharger « {title} »", "document": document}),
                ],
                cite=user.cite,
                region=user.cite.region if user.cite else "national",
                owner=user,
                live=False,
            )
            library.add_child(instance=page)
            page.themes.set(list(themes))
            page.save_revision(user=user)
            proposal = LibraryProposal.objects.create(
                page=page,
                proposer=user,
                source_key=source_key,
                source_label=source_label[:255],
                source_url=source_url,
                document=document,
            )
            _start_review(page, user)
            record_action(
                user,
                Action.LIBRARY_PROPOSE,
                proposal,
                details={"page": page.pk, "type": kind, "origine": source_url},
            )
    except IntegrityError:
        # Proposed at the same moment from another tab: the unique source_key kept one.
        existing = LibraryProposal.objects.filter(source_key=source_key).first()
        if existing is None:
            raise
        raise ValidationError(_proposal_refusal(existing)) from None
    return proposal


def _publisher(revision):
    """Who published `revision`: the reviewer who approved it in the workflow, else whoever
    saved it (publishing from the editor saves a revision of one's own first). Wagtail writes
    its own log entry only after page_published, so it cannot be read here."""
    if revision is None:
        return None
    from wagtail.models import TaskState

    approval = (
        TaskState.objects.filter(revision=revision, status=TaskState.STATUS_APPROVED)
        .select_related("finished_by")
        .order_by("-finished_at")
        .first()
    )
    return approval.finished_by if approval and approval.finished_by else revision.user


def proposal_published(page, revision=None):
    """page_published of a ressource: a proposal it came from is published (an audit line), its
    author credited on the page and told."""
    proposal = (
        LibraryProposal.objects.filter(page_id=page.pk)
        .exclude(status=ProposalStatus.PUBLISHED)
        .select_related("proposer")
        .first()
    )
    if proposal is None:
        return None
    proposal.status = ProposalStatus.PUBLISHED
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    record_action(
        _publisher(revision),
        Action.LIBRARY_PUBLISH,
        proposal,
        details={"page": page.pk, "type": proposal_kind_of(page)},
    )
    if proposal.proposer and proposal.proposer.is_active:
        _notify_library(
            [proposal.proposer],
            kind="proposal_published",
            title=f"Votre proposition « {page.title} » est publiée dans la bibliothèque de ressources",
            url=page_path(page),
            target_key=f"proposal:{proposal.pk}",
        )
    return proposal


@transaction.atomic
def refuse_proposal(task_state, user, comment):
    """« Refuser la proposition » in the "Relecture ANCT" task (ressources.LibraryReviewTask):
    Wagtail's review ends as rejected, and the proposal as refused, with the message."""
    task_state.reject(user=user, comment=comment)
    page = task_state.workflow_state.content_object
    return proposal_refused(page, comment, actor=user)


def proposal_refused(page, comment, actor=None):
    """A proposed page refused at review: the proposer is told (a short title; the reviewer's
    message is in the e-mail's body and on the group document's page), an audit line names the
    reviewer."""
    proposal = (
        LibraryProposal.objects.filter(page_id=page.pk, status=ProposalStatus.PENDING)
        .select_related("proposer")
        .first()
    )
    if proposal is None:
        return None
    proposal.status = ProposalStatus.REFUSED
    proposal.decided_at = timezone.now()
    proposal.message = comment or ""
    proposal.save(update_fields=["status", "decided_at", "message"])
    record_action(
        actor, Action.LIBRARY_REFUSE, proposal, details={"page": page.pk, "message": comment or ""}
    )
    if proposal.proposer and proposal.proposer.is_active:
        _notify_library(
            [proposal.proposer],
            kind="proposal_refused",
            title=f"L'équipe ANCT n'a pas retenu votre proposition « {page.title} »",
            url=proposal.source_url,
            target_key=f"proposal:{proposal.pk}",
        )
    return proposal


@transaction.atomic
def change_proposal_kind(proposal, kind, actor):
    """ANCT, at review, turns a proposal into another page type (PROPOSAL_KINDS): Wagtail cannot
    change a page's type, so a new draft of that type takes the latest draft's common fields
    (title, slug, summary, body with the copy of the file, date, champs, publics, cité, portée),
    the proposal moves to it and the old draft is deleted; the review starts again for the new
    page, in the proposer's name so that they keep receiving the decision. Only a pending,
    never published proposal may change; an audit line records it."""
    # No select_related: PostgreSQL cannot lock the nullable side of an outer join (proposer).
    proposal = LibraryProposal.objects.select_for_update().get(pk=proposal.pk)
    model = PROPOSAL_KINDS.get(kind)
    if model is None:
        raise ValidationError("Choisissez le type de ressource parmi ceux proposés.")
    old = proposal.page.specific
    if proposal.status != ProposalStatus.PENDING or old.live or old.first_published_at:
        raise ValidationError(
            "Seule une proposition en cours de relecture, jamais publiée, peut changer de type."
        )
    previous_kind = proposal_kind_of(old)
    if previous_kind == kind:
        raise ValidationError("La proposition est déjà de ce type : rien n'a été modifié.")
    draft = old.get_latest_revision_as_object()
    library = RessourcesIndexPage.objects.get()
    page = model(
        title=draft.title,
        slug=_unique_slug(library, draft.title),
        summary=draft.summary,
        body=json.dumps(draft.body.get_prep_value(), cls=DjangoJSONEncoder),
        date=draft.date,
        region=draft.region,
        cite_id=draft.cite_id,
        owner=old.owner,
        live=False,
    )
    library.add_child(instance=page)
    themes, publics = list(draft.themes.all()), list(draft.publics_cibles.all())
    slug = old.slug
    proposal.page = page
    proposal.save(update_fields=["page"])
    old.delete()  # its revisions and workflow state go with it
    page.slug = slug
    # Parental relations are written by save(): in the page itself and in its revision below.
    page.themes.set(themes)
    page.publics_cibles.set(publics)
    page.save()
    requester = proposal.proposer if proposal.proposer and proposal.proposer.is_active else actor
    page.save_revision(user=requester)
    _start_review(page, requester)
    record_action(
        actor,
        Action.LIBRARY_KIND,
        proposal,
        details={"page": page.pk, "de": previous_kind, "vers": kind},
    )
    return page


def proposal_email_content(notification, user):
    """notifications' e-mail content for "proposal:<id>": the reviewer's whole message (the
    notification title may cut it), to the proposer only."""
    from notifications.content import EmailContent

    proposal = LibraryProposal.objects.filter(
        pk=notification.target_key.split(":", 1)[1], proposer=user
    ).first()
    if proposal is None or proposal.status != ProposalStatus.REFUSED or not proposal.message:
        return None
    return EmailContent(
        html=user_text_to_html(proposal.message),
        author="Équipe ANCT",
        at=proposal.decided_at,
        # quoted(): the group document's label has its own guillemets (« … — groupe « G » »).
        heading="Message de l'équipe ANCT sur "
        + quoted(
            proposal.page.title
            if proposal.source_key.startswith(FORM_SOURCE_PREFIX)
            else proposal.source_label
        ),
    )


# --- Library notifications (followed fiches, proposals, review reminders) ---------------------

LIBRARY_SOURCE = "library"
LIBRARY_LABEL = "Bibliothèque de ressources"


def library_email_mode(user):
    setting = LibraryEmailSetting.objects.filter(user=user).first()
    return setting.email_mode if setting else EmailMode.EACH


def set_library_email_mode(user, mode):
    LibraryEmailSetting.objects.update_or_create(user=user, defaults={"email_mode": mode})


def describe_library_emails(user_id, source_key):
    """notifications' unsubscribe describer for "library": (label, still e-mailed)."""
    setting = LibraryEmailSetting.objects.filter(user_id=user_id).first()
    return LIBRARY_LABEL, (setting.email_mode if setting else EmailMode.EACH) != EmailMode.NONE


def unsubscribe_library(user_id, source_key):
    """notifications' one-click unsubscribe handler for "library"."""
    LibraryEmailSetting.objects.update_or_create(
        user_id=user_id, defaults={"email_mode": EmailMode.NONE}
    )
    return LIBRARY_LABEL


def _notify_library(users, *, kind, title, url, target_key=""):
    users = list(users)
    if not users:
        return []
    modes = dict(
        LibraryEmailSetting.objects.filter(user__in=users).values_list("user_id", "email_mode")
    )
    return notify(
        users,
        kind=kind,
        title=title,
        url=url,
        source_key=LIBRARY_SOURCE,
        source_label=LIBRARY_LABEL,
        email_modes={user.pk: modes.get(user.pk, EmailMode.EACH) for user in users},
        target_key=target_key,
    )


# --- Watched fiches -----------------------------------------------------------------------------

REVIEW_NOTICE_DAYS = 30


def follow_fiche(user, fiche):
    FicheFollow.objects.get_or_create(user=user, fiche=fiche)


def unfollow_fiche(user, fiche):
    FicheFollow.objects.filter(user=user, fiche=fiche).delete()


def followed_fiches(user, request=None):
    """The live fiches `user` follows and may still read, soonest validity end first (then by
    title), each with `latest_change` (its latest FicheChange or None) and `url`. Three queries
    whatever the number of fiches (Mon espace, « Fiches suivies »)."""
    from ressources.permissions import visible_pages

    if not user.is_authenticated:
        return []
    latest_change = FicheChange.objects.filter(fiche=OuterRef("pk")).order_by(
        "-published_at", "-pk"
    )
    fiches = list(
        visible_pages(FicheDispositifPage.objects.live().filter(follows__user=user), user)
        .annotate(latest_change_id=Subquery(latest_change.values("pk")[:1]))
        .order_by(F("valid_until").asc(nulls_last=True), "title")
    )
    latest = FicheChange.objects.in_bulk(
        [fiche.latest_change_id for fiche in fiches if fiche.latest_change_id]
    )
    for fiche in fiches:
        fiche.latest_change = latest.get(fiche.latest_change_id)
        fiche.follow_url = fiche.get_url(request)
    return fiches


def is_following(user, fiche):
    return user.is_authenticated and FicheFollow.objects.filter(user=user, fiche=fiche).exists()


def citing_actions(fiche):
    """Live actions inspirantes that cite the fiche: a link in their body (Wagtail's reference
    index records page links of rich text and page choosers) or their "fiches liées" (a
    many-to-many relation, which the reference index does not record)."""
    page_type = ContentType.objects.get_for_model(Page)
    linked = (
        ReferenceIndex.get_references_to(fiche)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    return (
        ActionInspirantePage.objects.live()
        .filter(Q(pk__in=[int(pk) for pk in linked]) | Q(related_fiches=fiche))
        .distinct()
    )


def fiche_change_recipients(fiche):
    """Followers, and the teams of the cités whose actions cite the fiche, who may read it."""
    cite_ids = set(citing_actions(fiche).values_list("cite_id", flat=True))
    cite_ids.discard(None)
    users = (
        User.objects.filter(is_active=True)
        .filter(Q(followed_fiches__fiche=fiche) | Q(cite_id__in=cite_ids))
        .distinct()
        .order_by("pk")
    )
    return [user for user in users if can_view_page(user, fiche)]


def record_major_change(fiche, revision):
    """page_published of a fiche: a ticked "modification importante" is recorded once for the
    revision and announced after commit; the flag is cleared so the next publication starts
    without it."""
    if not fiche.major_change:
        return None
    from ressources.tasks import notify_fiche_change

    with transaction.atomic():
        change, created = FicheChange.objects.get_or_create(
            revision=revision,
            defaults={
                "fiche": fiche,
                "summary": fiche.major_change_summary.strip()[:200] or "Fiche mise à jour",
                "published_by": revision.user,
            },
        )
        FicheDispositifPage.objects.filter(pk=fiche.pk).update(
            major_change=False, major_change_summary=""
        )
        if created:
            transaction.on_commit(lambda: notify_fiche_change.enqueue(change.pk), robust=True)
    return change


def send_fiche_change_notifications(change_id):
    """Tell the recipients of a major change; `notified_at`, set in the same transaction under a
    row lock, makes a retried or concurrent task send nothing."""
    with transaction.atomic():
        change = FicheChange.objects.select_for_update().select_related("fiche").get(pk=change_id)
        if change.notified_at is not None:
            return 0
        fiche = change.fiche
        users = fiche_change_recipients(fiche) if fiche.live else []
        _notify_library(
            users,
            kind="fiche_change",
            title=f"Fiche « {fiche.title} » modifiée : {change.summary}",
            url=page_path(fiche),
            target_key=f"fiche_change:{change.pk}",
        )
        change.notified_at = timezone.now()
        change.recipients = len(users)
        change.save(update_fields=["notified_at", "recipients"])
    return len(users)


def fiche_change_email_content(notification, user):
    """notifications' e-mail content for "fiche_change:<id>": why the person receives it and, for
    a follower, how to stop following this fiche only (the button on the fiche: a link in an
    e-mail must not change anything by itself)."""
    from notifications.content import EmailContent
    from ressources.permissions import visible_pages

    change = (
        FicheChange.objects.filter(pk=notification.target_key.split(":", 1)[1])
        .select_related("fiche")
        .first()
    )
    if (
        change is None
        or not visible_pages(FicheDispositifPage.objects.filter(pk=change.fiche_id), user).exists()
    ):
        return None
    fiche = change.fiche
    link = commons_absolute_url(page_path(fiche))
    if is_following(user, fiche):
        why = (
            "<p>Vous suivez cette fiche.</p>"
            f'<p>Pour ne plus suivre cette fiche seulement, ouvrez-la (<a href="{escape(link)}">'
            f"{escape(fiche.title)}</a>) et choisissez « Ne plus suivre cette fiche ».</p>"
        )
    else:
        why = "<p>Une action inspirante publiée par votre cité cite cette fiche.</p>"
    return EmailContent(
        html=f"<p>Ce qui a changé : {escape(change.summary)}</p>{why}",
        author="Équipe ANCT",
        at=change.published_at,
        heading=f"Fiche « {fiche.title} » modifiée",
    )


def fiches_to_review(today=None):
    """Fiches whose validity has ended or ends within REVIEW_NOTICE_DAYS, soonest first."""
    today = today or timezone.localdate()
    return FicheDispositifPage.objects.filter(
        valid_until__lte=today + timedelta(days=REVIEW_NOTICE_DAYS)
    ).order_by("valid_until", "title")


def anct_editors():
    return User.objects.filter(is_active=True, groups__name=ANCT_GROUP_NAME).distinct()


def send_review_reminders(today=None):
    """ANCT editors are told once per fiche and validity date (a unique row, created in the same
    transaction as the notifications): a second run, or a concurrent one, sends nothing. A new
    date set by an editor gets its own reminder."""
    sent = 0
    editors = list(anct_editors())
    for fiche in fiches_to_review(today).live():
        with transaction.atomic():
            _, created = FicheReviewReminder.objects.get_or_create(
                fiche=fiche,
                valid_until=fiche.valid_until,
                defaults={"recipients": len(editors)},
            )
            if not created:
                continue
            _notify_library(
                editors,
                kind="fiche_review",
                title=(
                    f"Fiche « {fiche.title} » à revoir : valide jusqu'au "
                    f"{fiche.valid_until:%d/%m/%Y}"
                ),
                url=reverse("wagtailadmin_pages:edit", args=[fiche.pk]),
            )
            sent += 1
    return sent


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
    period = "la dernière heure" if minutes == 60 else f"les {minutes} dernières minutes"
    if recent.filter(email_digest=email_digest).count() >= per_address:
        raise TooManyRequests(
            "Plusieurs courriels de confirmation ont déjà été envoyés à cette adresse dans "
            f"{period} : vérifiez votre boîte de réception (et les indésirables) ou réessayez "
            "plus tard."
        )
    if recent.filter(ip_digest=ip_digest).count() >= per_ip:
        raise TooManyRequests(
            "Trop de demandes d'abonnement ont été faites depuis votre réseau (même adresse IP) "
            f"dans {period} : réessayez plus tard."
        )
    SubscriptionRequest.objects.create(email_digest=email_digest, ip_digest=ip_digest)


def request_subscription(email, theme_slugs):
    """Double opt-in: nothing is stored until the link in the e-mail is followed, and the same
    answer is given whether or not the address is already subscribed."""
    from ressources.tasks import send_already_subscribed, send_subscription_confirmation

    subscriber = Subscriber.objects.active().filter(email__iexact=email).first()
    if subscriber is not None:
        # Only the address's owner learns it is already subscribed: the page says the same.
        url = unsubscribe_url(subscriber)
        transaction.on_commit(lambda: send_already_subscribed.enqueue(email, url))
        return
    token = subscription_token(email, theme_slugs)
    url = absolute_url(reverse("ressources:confirm", args=[token]))
    transaction.on_commit(lambda: send_subscription_confirmation.enqueue(email, url))


def pending_subscription_since(email):
    """When the last confirmation e-mail still waiting to be followed was sent to `email`, or
    None: an active subscriber has nothing pending, and requests are only kept a day
    (check_subscription_rate), so older ones are not known."""
    if Subscriber.objects.active().filter(email__iexact=email).exists():
        return None
    return (
        SubscriptionRequest.objects.filter(
            email_digest=_digest(email), created_at__gte=timezone.now() - timedelta(days=1)
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def pending_subscription_themes(email):
    """The champs d'action (slugs, sorted; None: the whole bulletin) of the last confirmation
    e-mail still pending for `email` (see pending_subscription_since), or None."""
    theme_slugs = (
        SubscriptionRequest.objects.filter(
            email_digest=_digest(email), created_at__gte=timezone.now() - timedelta(days=1)
        )
        .order_by("-created_at")
        .values_list("theme_slugs", flat=True)
        .first()
    )
    return sorted(theme_slugs) if theme_slugs else None


def record_subscription_themes(email, theme_slugs):
    """Notes the champs d'action of the request just recorded by check_subscription_rate."""
    latest = (
        SubscriptionRequest.objects.filter(email_digest=_digest(email))
        .order_by("-created_at")
        .first()
    )
    if latest is not None:
        latest.theme_slugs = sorted(theme_slugs) if theme_slugs else None
        latest.save(update_fields=["theme_slugs"])


def forget_subscription_requests(email):
    """The address's owner no longer wants the subscription they asked for: it stops showing as
    pending (the link already sent stays valid; following it is a new choice)."""
    SubscriptionRequest.objects.filter(email_digest=_digest(email)).delete()


@transaction.atomic
def confirm_subscription(email, theme_slugs):
    subscriber = Subscriber.objects.filter(email__iexact=email).first()
    if subscriber is None:
        subscriber = Subscriber(email=email)
    subscriber.all_themes = theme_slugs is None
    subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save()
    subscriber.themes.set(Theme.objects.filter(slug__in=theme_slugs or []))
    return subscriber


@transaction.atomic
def set_subscriber_themes(subscriber, theme_slugs):
    """An active subscriber changes the champs d'action they receive (None: everything)."""
    subscriber.all_themes = theme_slugs is None
    subscriber.save(update_fields=["all_themes"])
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


def audience(bulletin, sending=None):
    """(subscribers concerned, active subscribers left out because none of their champs has a
    section in this issue). Once a sending started, the number it was started for: the list
    and the follow-up page say the same as the progress (« Terminé (0 / 0) »), even if people
    subscribed since."""
    if sending is None:
        concerned = recipients(bulletin).count()
        return concerned, max(0, Subscriber.objects.active().count() - concerned)
    skipped = Delivery.objects.filter(
        bulletin_id=bulletin.pk, status=DeliveryStatus.SKIPPED
    ).count()
    active_then = Subscriber.objects.active().filter(confirmed_at__lte=sending.started_at).count()
    return sending.recipients - skipped, max(0, active_then - sending.recipients) + skipped


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
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": site_url(),
        "unsubscribe_url": unsubscribe_link,
    }
    message = EmailMultiAlternatives(
        subject=email_subject(f"Bulletin de veille n° {bulletin.number}"),
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


# --- « Pour ma cité » --------------------------------------------------------------------------

FEEDBACK_UNKNOWN = (
    "Cette suggestion n'existe pas ou ne vous est plus proposée : votre avis n'a pas été "
    "enregistré."
)


@transaction.atomic
def give_suggestion_feedback(cite, user, kind, target_id, useful):
    """Record a team member's "utile" / "pas utile" on a suggestion for their cité (the latest
    opinion replaces the previous one). Raises ValidationError, changing nothing, for anything
    that is not a suggestion this user could be shown. Not audited: it changes no one's rights
    or content, only the order of the cité's own suggestions (the row keeps who and when)."""
    if not can_give_suggestion_feedback(user, cite):
        raise ValidationError("Seule l'équipe projet de la cité peut donner son avis.")
    if kind not in SuggestionFeedback.Kind.values:
        raise ValidationError("Type de suggestion inconnu : votre avis n'a pas été enregistré.")
    if not target_exists(cite, user, kind, target_id):
        raise ValidationError(FEEDBACK_UNKNOWN)
    row, _ = SuggestionFeedback.objects.update_or_create(
        cite=cite, kind=kind, target_id=target_id, defaults={"useful": useful, "given_by": user}
    )
    return row


@transaction.atomic
def withdraw_suggestion_feedback(cite, user, kind, target_id):
    """Undo the cité's opinion on a suggestion (« Annuler » right after a "pas utile", or
    « Rétablir » from the dismissed list): the suggestion is scored as if no one had judged it.
    Only the cité's own row is touched, so nothing is checked about the target (it may have
    become reserved since). Returns whether there was an opinion to withdraw."""
    if not can_give_suggestion_feedback(user, cite):
        raise ValidationError("Seule l'équipe projet de la cité peut donner son avis.")
    if kind not in SuggestionFeedback.Kind.values:
        raise ValidationError("Type de suggestion inconnu : rien n'a été modifié.")
    deleted, _ = SuggestionFeedback.objects.filter(
        cite=cite, kind=kind, target_id=target_id
    ).delete()
    return bool(deleted)
