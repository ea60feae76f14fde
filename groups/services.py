"""Every write of groups/. Views validate input with forms, then call these.

Notifications and e-mails leave after commit (notifications.services.notify uses on_commit).
"""

import logging
import re
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from audit.models import Action
from audit.services import record_action
from commons.extraction import SUPPORTED_KINDS, ExtractionError, extract_text
from commons.french import file_size, without_accents
from commons.html import sanitize_html, user_text_to_html
from commons.uploads import (
    DOCUMENT_FORMATS,
    KIND_BY_MIME,
    image_thumbnail,
    safe_filename,
    validate_upload,
)
from commons.urls import site_url
from groups import permissions, wording
from groups.models import (
    Access,
    Activity,
    Attachment,
    Document,
    DocumentVersion,
    Draft,
    Group,
    Invitation,
    JoinRequest,
    Kind,
    Membership,
    Post,
    Report,
    Role,
    TextStatus,
    Thread,
)
from notifications.models import EmailMode, Notification
from notifications.services import notify

NATIONAL_GROUP_SLUG = "operateurs-cites-emploi"

logger = logging.getLogger(__name__)


# --- Groups ------------------------------------------------------------------------------------


def ensure_cite_group(cite):
    """The reserved group of a cité, created with the cité (idempotent)."""
    group, _ = Group.objects.get_or_create(
        cite=cite,
        defaults={
            "name": f"Équipe projet — {cite.short_name}",
            "slug": _unique_slug(f"cite-{cite.slug}"),
            "kind": Kind.CITE,
            "access": Access.RESERVED,
            "description": (
                f"Espace réservé à l'équipe projet de la {cite.name} : actualités, documents, "
                "outils, suggestions et questions."
            ),
        },
    )
    return group


def ensure_national_group():
    group, _ = Group.objects.get_or_create(
        slug=NATIONAL_GROUP_SLUG,
        defaults={
            "name": "Opérateurs cités de l'emploi",
            "kind": Kind.NATIONAL,
            "access": Access.RESERVED,
            "description": (
                "Le groupe national des coordonnateurs et coordonnatrices des cités de l'emploi "
                "et de l'équipe de l'ANCT."
            ),
        },
    )
    return group


@transaction.atomic
def create_group(
    *,
    name,
    access,
    kind=Kind.WORKING,
    description="",
    themes=(),
    animateurs=(),
    members=(),
    slug="",
    cite=None,
    is_archived=False,
    actor=None,
):
    """A group with its first animateurs and members, in one transaction: a member refused by
    the eligibility rule leaves no half-made group. `actor` (ANCT in the admin) is audited."""
    group = Group.objects.create(
        name=name,
        slug=slug or _unique_slug(name),
        kind=kind,
        access=access,
        description=description,
        cite=cite,
        is_archived=is_archived,
    )
    group.themes.set(themes)
    if actor is not None:
        record_action(
            actor,
            Action.GROUP_CREATE,
            group,
            details={"group": group.slug, "kind": kind, "access": access},
        )
    for user in animateurs:
        add_member(group, user, role=Role.ANIMATEUR, actor=actor)
    for user in members:
        add_member(group, user, actor=actor)
    return group


GROUP_ADMIN_FIELDS = ("name", "slug", "kind", "access", "cite", "description", "is_archived")


@transaction.atomic
def update_group(group, *, actor, themes=None, **fields):
    """Admin edit of a group's own fields (memberships: set_memberships). Audited with the names
    of the fields that changed."""
    if not permissions.can_administer_groups(actor):
        raise PermissionDenied
    unknown = set(fields) - set(GROUP_ADMIN_FIELDS)
    if unknown:
        raise ValueError(f"Champs inconnus : {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(group, name) != value]
    for name in changed:
        setattr(group, name, fields[name])
    if changed:
        group.save(update_fields=changed)
    if themes is not None:
        before = set(group.themes.values_list("pk", flat=True))
        after = {theme.pk for theme in themes}
        if before != after:
            group.themes.set(themes)
            changed.append("themes")
    if changed:
        record_action(
            actor, Action.GROUP_UPDATE, group, details={"group": group.slug, "fields": changed}
        )
    return group


@transaction.atomic
def set_memberships(group, wanted, *, actor):
    """Make the group's members exactly `wanted` ({user: role}), through add_member, set_role and
    remove_member so that the eligibility rule, the "at least one animateur" rule, the audit log
    and the activity feed apply as for any other edit. New animateurs and promotions come first,
    so that replacing the only animateur works."""
    if not permissions.can_administer_groups(actor):
        raise PermissionDenied
    current = {m.user: m.role for m in group.memberships.select_related("user")}
    order = sorted(wanted.items(), key=lambda item: item[1] != Role.ANIMATEUR)
    for user, role in order:
        if user not in current:
            add_member(group, user, role=role, actor=actor)
        elif current[user] != role:
            set_role(group, user, role, actor=actor)
    for user in current:
        if user not in wanted:
            remove_member(group, user, actor=actor)
    return group


def _unique_slug(text):
    base = slugify(text)[:90] or "groupe"
    slug, n = base, 2
    while Group.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# --- Membership --------------------------------------------------------------------------------


@transaction.atomic
def add_member(group, user, *, role=Role.MEMBRE, actor=None):
    """`actor`: who added `user` (an animateur or ANCT), audited; None when `user` joins."""
    if not permissions.is_eligible(user, group):
        raise ValidationError(
            f"{user.display_name} ne peut pas être membre de ce groupe : il est réservé aux "
            "coordonnateurs et coordonnatrices des cités et à l'ANCT."
        )
    membership, created = Membership.objects.get_or_create(
        group=group, user=user, defaults={"role": role}
    )
    promoted = not created and role == Role.ANIMATEUR and membership.role != role
    if promoted:
        membership.role = role
        membership.save(update_fields=["role"])
    if actor is not None and actor != user and (created or promoted):
        _tell_new_member(group, user, role)
    if created:
        Activity.objects.create(group=group, actor=user, verb=Activity.Verb.JOINED)
        if actor is not None and actor != user:
            record_action(
                actor,
                Action.MEMBER_ADD,
                membership,
                target_label=f"{user.display_name} — {group.name}",
                details={"group": group.slug, "user_id": user.pk, "role": role},
            )
    permissions.forget_memberships(user)
    return membership


@transaction.atomic
def remove_member(group, user, *, actor):
    """Takes effect at once: every access check reads memberships from the database."""
    if not _can_change_members(actor, group) and actor != user:
        raise PermissionDenied
    membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if membership is None:
        return False
    if membership.role == Role.ANIMATEUR and _animateur_count(group) == 1:
        raise ValidationError(
            "Le groupe doit garder au moins un animateur : nommez-en un autre avant."
        )
    membership.delete()
    permissions.forget_memberships(user)
    if not permissions.can_view_group(user, group):
        # Their daily digest must not link to discussions they can no longer open.
        Notification.objects.digest_pending().filter(
            recipient=user, source_key=f"group:{group.pk}"
        ).update(email_mode=EmailMode.NONE)
    if actor != user:
        _tell_removed_member(group, user)
        record_action(
            actor,
            Action.MEMBER_REMOVE,
            group,
            target_label=f"{user.display_name} — {group.name}",
            details={"group": group.slug, "user_id": user.pk, "role": membership.role},
        )
    return True


def leave_group(group, user):
    return remove_member(group, user, actor=user)


@transaction.atomic
def set_role(group, user, role, *, actor):
    if not _can_change_members(actor, group):
        raise PermissionDenied
    membership = Membership.objects.select_for_update().get(group=group, user=user)
    demoting = membership.role == Role.ANIMATEUR and role != Role.ANIMATEUR
    if demoting and _animateur_count(group) == 1:
        raise ValidationError("Le groupe doit garder au moins un animateur.")
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    if previous != role and role == Role.ANIMATEUR and actor != user:
        _tell_new_member(group, user, role)
    if previous != role:
        record_action(
            actor,
            Action.MEMBER_ROLE,
            membership,
            target_label=f"{user.display_name} — {group.name}",
            details={"group": group.slug, "user_id": user.pk, "from": previous, "to": role},
        )
    return membership


def _tell_new_member(group, user, role):
    """Someone else (an animateur on the site, ANCT in the admin) added `user` or made them
    animateur: they learn it at once, by e-mail too, as for a decision on their join request."""
    notify(
        [user],
        kind="animateur" if role == Role.ANIMATEUR else "member_added",
        title=(
            f"Vous animez désormais le groupe « {group.name} »"
            if role == Role.ANIMATEUR
            else f"Vous êtes désormais membre du groupe « {group.name} »"
        ),
        url=group.get_absolute_url(),
        source_key=f"group:{group.pk}",
        source_label=group.name,
        email_modes={user.pk: EmailMode.EACH},
    )


def _tell_removed_member(group, user):
    """Removed by an animateur or ANCT: they learn it at once rather than from a refused e-mail
    reply. The link goes to the group's page only while they may still see it (an open group)."""
    url = (
        group.get_absolute_url()
        if permissions.can_see_group_exists(user, group)
        else reverse("groups:index")
    )
    notify(
        [user],
        kind="member_removed",
        title=f"Vous ne faites plus partie du groupe « {group.name} »",
        url=url,
        source_key=f"group:{group.pk}",
        source_label=group.name,
        email_modes={user.pk: EmailMode.EACH},
    )


# Notifications about the membership itself stay visible once it ends; every other group
# notification names a discussion or a document, visible to members only (can_view_group).
MEMBERSHIP_NOTIFICATION_KINDS = (
    "member_added",
    "animateur",
    "join_decision",
    "invitation",
    "member_removed",
)


def hidden_group_notifications(user):
    """notifications' visibility filter: group news of the groups `user` is no longer a member
    of (one subquery, whatever the number of groups)."""
    mine = (
        Membership.objects.filter(user=user)
        .annotate(key=Concat(Value("group:"), Cast("group_id", CharField())))
        .values("key")
    )
    return (
        Q(source_key__startswith="group:")
        & ~Q(kind__in=MEMBERSHIP_NOTIFICATION_KINDS)
        & ~Q(source_key__in=mine)
    )


def _can_change_members(actor, group):
    """Its animateurs on the site, ANCT in the admin."""
    return permissions.can_manage_group(actor, group) or permissions.can_administer_groups(actor)


def _animateur_count(group):
    return group.memberships.filter(role=Role.ANIMATEUR).count()


@transaction.atomic
def remove_departing_account(user):
    """An account being erased leaves every group without breaking the rule "a group keeps at
    least one animateur": where it was the last one, the longest-standing other member becomes
    animateur (told by e-mail); a group left with nobody is logged for ANCT to appoint someone.
    Returns the groups whose animation was handed over, as (group, successor or None)."""
    handed_over = []
    memberships = Membership.objects.filter(user=user).select_related("group")
    for membership in memberships:
        group = membership.group
        others = group.memberships.exclude(user=user)
        if membership.is_animateur and not others.filter(role=Role.ANIMATEUR).exists():
            successor = others.select_related("user").order_by("joined_at", "pk").first()
            if successor is None:
                record_action(
                    None,
                    Action.GROUP_ORPHANED,
                    group,
                    details={"reason": "account_erased", "user_id": user.pk},
                )
            else:
                successor.role = Role.ANIMATEUR
                successor.save(update_fields=["role"])
                record_action(
                    None,
                    Action.ANIMATEUR_SUCCESSION,
                    successor,
                    target_label=f"{successor.user.display_name} — {group.name}",
                    details={"group": group.slug, "previous_user_id": user.pk},
                )
                notify(
                    [successor.user],
                    kind="animateur",
                    title=f"Vous animez désormais le groupe « {group.name} »",
                    url=f"{group.get_absolute_url()}membres/",
                    source_key=f"group:{group.pk}",
                    source_label=group.name,
                    email_modes={successor.user_id: EmailMode.EACH},
                )
            handed_over.append((group, successor.user if successor else None))
        membership.delete()
    JoinRequest.objects.filter(user=user).delete()
    permissions.forget_memberships(user)
    return handed_over


def mark_group_seen(group, user):
    """The member opened the group: its activity so far is no longer unread in Mon espace."""
    return Membership.objects.filter(group=group, user=user).update(last_seen_at=timezone.now())


def set_email_mode(group, user, mode):
    return Membership.objects.filter(group=group, user=user).update(email_mode=mode)


def join_group(group, user):
    if not permissions.can_join_directly(user, group):
        raise PermissionDenied
    return add_member(group, user)


@transaction.atomic
def request_to_join(group, user, message=""):
    if not permissions.can_request_to_join(user, group):
        raise PermissionDenied
    try:
        with transaction.atomic():
            request = JoinRequest.objects.create(group=group, user=user, message=message)
    except IntegrityError:
        raise ValidationError("Vous avez déjà une demande en attente pour ce groupe.") from None
    _notify_animateurs(
        group,
        kind="join_request",
        title=wording.sentence("join_request", actor=user.display_name),
        url=f"{group.get_absolute_url()}membres/",
    )
    return request


@transaction.atomic
def decide_join_request(join_request, *, approve, actor):
    """The decision and the new membership in one transaction: a member refused by the
    eligibility rule leaves the request pending, never "accepted" without a membership."""
    group = join_request.group
    if not permissions.can_manage_group(actor, group):
        raise PermissionDenied
    # Locked: two animateurs deciding at once decide once.
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError("Cette demande a déjà été traitée.")
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.REFUSED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save()
    if approve:
        add_member(group, join_request.user)
    record_action(
        actor,
        Action.REQUEST_APPROVE if approve else Action.REQUEST_REFUSE,
        join_request,
        target_label=f"{join_request.user.display_name} → {group.name}",
        details={"group": group.slug, "user_id": join_request.user_id},
    )
    notify(
        [join_request.user],
        kind="join_decision",
        title=(
            f"Votre demande pour « {group.name} » a été acceptée"
            if approve
            else f"Votre demande pour « {group.name} » n'a pas été acceptée"
        ),
        url=group.get_absolute_url(),
        source_key=f"group:{group.pk}",
        source_label=group.name,
        email_modes={join_request.user.pk: EmailMode.EACH},
    )
    return join_request


# --- Invitations -------------------------------------------------------------------------------


@transaction.atomic
def invite(group, email, *, actor):
    if not permissions.can_manage_group(actor, group):
        raise PermissionDenied
    email = email.strip().lower()
    from accounts.models import User

    existing = User.objects.filter(email=email).first()
    if existing and permissions.is_member(existing, group):
        raise ValidationError(f"{email} est déjà membre du groupe.")
    if existing and not permissions.is_eligible(existing, group):
        raise ValidationError(
            "Ce groupe est réservé aux coordonnateurs et coordonnatrices des cités et à l'ANCT."
        )
    Invitation.objects.pending().filter(group=group, email=email).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(group=group, email=email, invited_by=actor)
    from groups.tasks import send_invitation_email

    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk))
    if existing:
        notify(
            [existing],
            kind="invitation",
            title=f"{actor.display_name} vous invite à rejoindre « {group.name} »",
            url=invitation.get_absolute_url(),
            source_key=f"group:{group.pk}",
            source_label=group.name,
        )
    return invitation


def revoke_invitation(invitation, *, actor):
    if not permissions.can_manage_group(actor, invitation.group):
        raise PermissionDenied
    if invitation.status == Invitation.State.PENDING:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


class InvitationError(ValidationError):
    pass


def check_invitation(token):
    """The usable invitation for `token`, or InvitationError with the French reason."""
    invitation = Invitation.objects.select_related("group").filter(token=token).first()
    if invitation is None:
        raise InvitationError("Ce lien d'invitation n'est pas valide.")
    status = invitation.status
    if status == Invitation.State.ACCEPTED:
        raise InvitationError("Cette invitation a déjà été utilisée.")
    if status == Invitation.State.REVOKED:
        raise InvitationError("Cette invitation a été annulée par l'animateur du groupe.")
    if status == Invitation.State.EXPIRED:
        raise InvitationError(
            "Cette invitation a expiré. Demandez à l'animateur du groupe de vous en envoyer une "
            "nouvelle."
        )
    return invitation


def masked_email(email):
    """ "n…@example.org": enough for the invited person to recognise the address, not enough
    for whoever else holds the link to learn it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}"


def check_invitation_recipient(invitation, user):
    """An invitation is accepted by the account of the address it was sent to, and no other."""
    if user.email.strip().lower() != invitation.email.strip().lower():
        raise InvitationError(
            f"Cette invitation a été envoyée à l'adresse {masked_email(invitation.email)}, et "
            f"vous êtes connecté avec le compte {user.email}. Déconnectez-vous, puis connectez-"
            "vous avec le compte de l'adresse invitée (ou créez-le) pour l'accepter."
        )


@transaction.atomic
def accept_invitation(token, user):
    invitation = check_invitation(token)
    check_invitation_recipient(invitation, user)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    check_invitation(token)  # re-checked under lock: single use
    membership = add_member(invitation.group, user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- Discussions -------------------------------------------------------------------------------


def clean_body(text):
    """User rich text: HTML through the sanitiser, plain text into paragraphs."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("Le message est vide.")
    if len(text) > settings.GROUP_POST_MAX_LENGTH:
        raise ValidationError(
            f"Le message est trop long ({len(text)} caractères, {settings.GROUP_POST_MAX_LENGTH} "
            "au maximum)."
        )
    html = user_text_to_html(text)
    if not strip_tags(html).strip():
        raise ValidationError("Le message ne contient aucun texte.")
    return html


def mention_url(group, user):
    """Where a mention links to: the member's line in the group's member list. The editor
    inserts this link; find_mentions reads it back."""
    return f"{reverse('groups:members', kwargs={'slug': group.slug})}#membre-{user.pk}"


_MENTION_LINK = re.compile(
    r"""<a\s[^>]*href=["'](?:https?://[^/"']+)?/groupes/([\w-]+)/membres/#membre-(\d+)["']""",
    re.IGNORECASE,
)


def _fold(text):
    """`text` without accents and case (« Élodie » -> « elodie »), and for each folded character
    the index of the character it comes from, so that a match maps back onto `text`."""
    folded, origin = [], []
    for index, char in enumerate(text):
        part = without_accents(char).casefold()
        folded.append(part)
        origin.extend([index] * len(part))
    origin.append(len(text))
    return "".join(folded), origin


def link_typed_mentions(group, html):
    """« @Prénom Nom » of a member typed as text (without JavaScript, or without choosing in the
    suggestions) becomes the same link as the editor inserts, as the README says. Case and
    accents ignored (« @Ines Benali » is Inès Benali: phones and QWERTY keyboards seldom type
    « È »), the link shows the member's name as they write it; not inside a link or code; the
    longest name first (« @Anne Marie Durand » before « @Anne Marie »)."""
    if "@" not in strip_tags(html):
        return html
    from bs4 import BeautifulSoup, NavigableString

    by_name = {}
    for membership in group.memberships.select_related("user").order_by("pk"):
        user = membership.user
        if user.display_name.strip():
            by_name.setdefault(_fold(user.display_name)[0], []).append(user)
    if not by_name:
        return html
    pattern = re.compile(
        # Not an e-mail address (« mail@anne… »), not the start of a longer word.
        r"(?<![\w.+-])@("
        + "|".join(re.escape(name) for name in sorted(by_name, key=lambda n: -len(n)))
        + r")(?![\w-])"
    )
    soup = BeautifulSoup(html, "html.parser")
    changed = False
    for text in list(soup.find_all(string=lambda s: "@" in s)):
        if not isinstance(text, NavigableString) or text.find_parent(["a", "code", "pre"]):
            continue
        original = str(text)
        folded, origin = _fold(original)
        matches = list(pattern.finditer(folded))
        if not matches:
            continue
        pieces, last = [], 0
        for match in matches:
            start, end = origin[match.start()], origin[match.end()]
            typed = original[start + 1 : end]
            users = by_name[match.group(1)]
            # Two members whose names differ only by accents: the one written as typed.
            user = next((u for u in users if u.display_name.lower() == typed.lower()), users[0])
            pieces.append(original[last:start])
            link = soup.new_tag("a", href=mention_url(group, user))
            link.string = f"@{user.display_name}"
            pieces.append(link)
            last = end
        pieces.append(original[last:])
        text.replace_with(*[piece for piece in pieces if piece != ""])
        changed = True
    return sanitize_html(str(soup)) if changed else html


def find_mentions(group, html):
    """Members mentioned in a post: a link inserted by the editor's @ suggestions, or "@Prénom
    Nom" typed as plain text (case and accents ignored). Only members of the group count: a link
    to anyone else notifies nobody."""
    ids = {int(pk) for slug, pk in _MENTION_LINK.findall(html) if slug == group.slug}
    text = strip_tags(html)
    if not ids and "@" not in text:
        return []
    text = _fold(text)[0]
    members = [m.user for m in group.memberships.select_related("user")]
    return [u for u in members if u.pk in ids or f"@{_fold(u.display_name)[0]}" in text]


def check_post_rate(author):
    """At most GROUP_POST_RATE_COUNT threads and replies per GROUP_POST_RATE_SECONDS per author.

    Counted from the stored posts, under a lock on the author's row so that parallel requests
    wait for each other (call inside the posting transaction)."""
    limit, seconds = settings.GROUP_POST_RATE_COUNT, settings.GROUP_POST_RATE_SECONDS
    if not limit:
        return
    from accounts.models import User

    list(User.objects.select_for_update().filter(pk=author.pk).values_list("pk", flat=True))
    since = timezone.now() - timedelta(seconds=seconds)
    if Post.objects.filter(author=author, created_at__gte=since).count() >= limit:
        minutes = max(1, round(seconds / 60))
        raise ValidationError(
            f"Vous avez publié {limit} messages en moins de {minutes} minute"
            f"{'s' if minutes > 1 else ''} : patientez un peu avant de publier à nouveau. "
            "Votre message n'a pas été enregistré."
        )


@transaction.atomic
def create_thread(group, author, *, title, body, is_question=False, files=()):
    """A refused attachment refuses the whole post: nothing is stored."""
    if not permissions.can_post(author, group):
        raise PermissionDenied
    html = link_typed_mentions(group, clean_body(body))
    kinds = check_attachments(files)
    check_post_rate(author)
    thread = Thread.objects.create(
        group=group, author=author, title=title.strip(), is_question=is_question
    )
    post = Post.objects.create(thread=thread, author=author, body_html=html, is_opening=True)
    _store_attachments(post, files, kinds)
    Draft.objects.filter(user=author, group=group, thread=None).delete()
    mentioned = find_mentions(group, html)
    post.mentions.set(mentioned)
    Activity.objects.create(
        group=group,
        actor=author,
        verb=Activity.Verb.THREAD,
        target_title=thread.title,
        target_url=thread.get_absolute_url(),
    )
    _notify_members(
        group,
        exclude=[author, *mentioned],
        kind="thread",
        title=wording.sentence("thread", actor=author.display_name, title=thread.title),
        url=thread.get_absolute_url(),
        target_key=f"post:{post.pk}",
    )
    _notify_mentions(group, post, mentioned)
    return thread


@transaction.atomic
def reply(thread, author, *, body, files=()):
    group = thread.group
    if not permissions.can_post(author, group):
        raise PermissionDenied
    html = link_typed_mentions(group, clean_body(body))
    kinds = check_attachments(files)
    check_post_rate(author)
    post = Post.objects.create(thread=thread, author=author, body_html=html)
    _store_attachments(post, files, kinds)
    Draft.objects.filter(user=author, thread=thread).delete()
    Thread.objects.filter(pk=thread.pk).update(last_activity_at=timezone.now())
    mentioned = find_mentions(group, html)
    post.mentions.set(mentioned)
    Activity.objects.create(
        group=group,
        actor=author,
        verb=Activity.Verb.REPLY,
        target_title=thread.title,
        target_url=post.get_absolute_url(),
    )
    visible = [p for p in thread.posts.select_related("author") if p.is_visible]
    participants = {p.author for p in visible if p.author}
    # Someone mentioned earlier in the thread takes part in it too, like its authors: they
    # follow the answers to what they were asked.
    participants |= set(
        get_user_model().objects.filter(
            pk__in=Post.mentions.through.objects.filter(
                post__in=[p for p in visible if p != post]
            ).values("user_id")
        )
    )
    recipients = [
        u
        for u in participants
        if u != author and u not in mentioned and permissions.is_member(u, group)
    ]
    _notify(
        group,
        recipients,
        kind="reply",
        title=wording.sentence("reply", actor=author.display_name, title=thread.title),
        url=post.get_absolute_url(),
        target_key=f"post:{post.pk}",
    )
    _notify_mentions(group, post, mentioned)
    return post


@transaction.atomic
def edit_post(post, user, *, body, title=None, is_question=None, add_files=(), remove=()):
    """Members newly mentioned by the edit are notified; those already mentioned are not again.
    The opening message's author may also change the title and the « question » tick (no longer
    a question: its solution goes), and any author add or remove attachments, within the same
    limit and checks as when publishing."""
    if not permissions.can_edit_post(user, post):
        raise PermissionDenied
    html = link_typed_mentions(post.thread.group, clean_body(body))
    removed = post.attachments.filter(pk__in=[int(pk) for pk in remove or ()])
    add_files = list(add_files or ())
    kept = post.attachments.count() - removed.count()
    limit = settings.GROUP_POST_MAX_ATTACHMENTS
    if add_files and kept + len(add_files) > limit:
        raise AttachmentError(
            f"Ce message aurait {kept + len(add_files)} pièces jointes : {limit} au maximum. "
            "Aucun nouveau fichier n’est joint."
        )
    kinds = check_attachments(add_files)
    post.body_html = html
    post.edited_at = timezone.now()
    post.save(update_fields=["body_html", "edited_at"])
    thread = post.thread
    if post.is_opening:
        changes = {}
        if title and title.strip() and title.strip() != thread.title:
            changes["title"] = thread.title = title.strip()
        if is_question is not None and bool(is_question) != thread.is_question:
            changes["is_question"] = thread.is_question = bool(is_question)
            if not is_question and thread.solution_id:
                _withdraw_solution_notice(thread.solution)
                changes["solution"] = thread.solution = None
        if changes:
            Thread.objects.filter(pk=thread.pk).update(**changes)
        if "title" in changes:
            # The recent activity names the discussion by its current title.
            Activity.objects.filter(
                group=thread.group,
                verb__in=[Activity.Verb.THREAD, Activity.Verb.REPLY],
                target_url__startswith=thread.get_absolute_url(),
            ).update(target_title=thread.title)
    _delete_attachments(removed)
    _store_attachments(post, add_files, kinds)
    group = thread.group
    already = set(post.mentions.values_list("pk", flat=True))
    new = [u for u in find_mentions(group, post.body_html) if u.pk not in already]
    post.mentions.add(*new)
    _notify_mentions(group, post, new)
    return post


@transaction.atomic
def delete_post(post, user):
    """Authors delete their own posts; the text and the attachments are erased, the place in the
    thread stays."""
    if not permissions.can_edit_post(user, post):
        raise PermissionDenied
    post.body_html = ""
    post.deleted_at = timezone.now()
    post.save(update_fields=["body_html", "deleted_at"])
    _delete_attachments(post.attachments.all())
    if Thread.objects.filter(solution=post).update(solution=None):
        _withdraw_solution_notice(post)
    _forget_reply_activity(post)
    return post


def _forget_reply_activity(post):
    """A deleted or hidden reply no longer counts as « a répondu à » in the recent activity."""
    Activity.objects.filter(
        group=post.thread.group, verb=Activity.Verb.REPLY, target_url=post.get_absolute_url()
    ).delete()


def _withdraw_solution_notice(post):
    """The reply is no longer the solution: its author's « retenue comme solution » notification
    goes, rather than pointing at a solution that no longer exists."""
    Notification.objects.filter(
        recipient_id=post.author_id, kind="solution", url=post.get_absolute_url()
    ).delete()


# --- Questions ---------------------------------------------------------------------------------


def mark_solution(thread, post, actor):
    """The reply that answers a question; None clears it."""
    if not permissions.can_mark_solution(actor, thread):
        raise PermissionDenied
    if post is not None and (post.thread_id != thread.pk or post.is_opening or not post.is_visible):
        raise ValidationError(
            "Seule une réponse visible de cette discussion peut être la solution."
        )
    previous = thread.solution
    Thread.objects.filter(pk=thread.pk).update(solution=post)
    thread.solution = post
    if previous is not None and previous != post:
        _withdraw_solution_notice(previous)
    if post is not None and post.author and post.author != actor:
        _notify(
            thread.group,
            [post.author],
            kind="solution",
            title=wording.sentence("solution", title=thread.title),
            url=post.get_absolute_url(),
        )
    return thread


def unresolved_questions(groups):
    """Questions of `groups` that no reply solves yet, the most recently active first."""
    return (
        Thread.objects.filter(group__in=groups, is_question=True, solution__isnull=True)
        .select_related("group", "author")
        .order_by("-last_activity_at")
    )


# --- Attachments -------------------------------------------------------------------------------


class AttachmentError(ValidationError):
    """A refused attachment (the form shows it on the file field)."""


def _refusal(uploaded, error):
    """Why one attachment is refused, in the words of the form's hint, naming the file."""
    name = safe_filename(uploaded.name)
    code = getattr(error, "code", None)
    if code == "empty":
        return f"« {name} » est vide"
    if code == "too_big":
        return (
            f"« {name} » pèse {file_size(uploaded.size)}, plus que les "
            f"{file_size(settings.GROUP_DOCUMENT_MAX_BYTES)} permis"
        )
    if code == "type" and name.lower().endswith((".svg", ".svgz")):
        return (
            f"« {name} » est une image SVG, qui n’est pas acceptée (elle peut contenir du code) : "
            "enregistrez-la en PNG ou en JPEG"
        )
    if code == "type":
        return f"« {name} » n’est pas d’un format accepté ({DOCUMENT_FORMATS})"
    if code == "extension":
        return f"« {name} » ne contient pas ce qu’annonce son nom"
    return f"« {name} » : {' '.join(error.messages)}"


def check_attachments(files):
    """The FileKind of each file, validated by its bytes like group documents; otherwise one
    French message naming every refused file, and saying that nothing was joined: a form
    cannot send back the files chosen, so the valid ones must be chosen again too."""
    files = list(files or ())
    limit = settings.GROUP_POST_MAX_ATTACHMENTS
    if len(files) > limit:
        raise AttachmentError(
            f"Vous avez choisi {len(files)} fichiers : {limit} au maximum par message. "
            f"Aucun n’est joint : choisissez-en {limit} au plus."
        )
    kinds, refused = [], []
    for uploaded in files:
        try:
            kinds.append(validate_upload(uploaded, max_bytes=settings.GROUP_DOCUMENT_MAX_BYTES))
        except ValidationError as error:
            refused.append(_refusal(uploaded, error))
    if refused:
        names = [safe_filename(f.name) for f in files]
        refused_names = {
            name for name in names if any(r.startswith(f"« {name} »") for r in refused)
        }
        others = [f"« {name} »" for name in names if name not in refused_names]
        message = (
            ("Fichier refusé : " if len(refused) == 1 else "Fichiers refusés : ")
            + " ; ".join(refused)
            + "."
        )
        if others:
            message += (
                f" {', '.join(others)} "
                + (
                    "n’est pas joint non plus"
                    if len(others) == 1
                    else "ne sont pas joints non plus"
                )
                + " : choisissez-"
                + ("le" if len(others) == 1 else "les")
                + " de nouveau."
            )
        raise AttachmentError(message)
    return kinds


def _store_attachments(post, files, kinds):
    for uploaded, kind in zip(files, kinds, strict=True):
        uploaded.seek(0)
        attachment = Attachment(
            post=post,
            original_name=safe_filename(uploaded.name),
            content_type=kind.mime,
            size=uploaded.size,
            uploaded_by=post.author,
        )
        attachment.file.save("fichier", uploaded, save=False)
        if attachment.is_image:
            thumbnail = image_thumbnail(uploaded)
            if thumbnail:
                attachment.thumbnail.save("miniature", ContentFile(thumbnail), save=False)
        attachment.save()


def _delete_attachments(attachments):
    names = []
    for attachment in attachments:
        names += [f for f in (attachment.file, attachment.thumbnail) if f]
    stored = [(f.storage, f.name) for f in names]
    attachments.delete()

    def remove_files():
        for storage, name in stored:
            storage.delete(name)

    transaction.on_commit(remove_files)


def visible_attachments(group):
    """Attachments of a group's visible posts (the documents area lists them)."""
    return (
        Attachment.objects.filter(
            post__thread__group=group, post__hidden_at=None, post__deleted_at=None
        )
        .select_related("post", "post__thread", "post__thread__group", "uploaded_by")
        .order_by("-created_at", "-pk")
    )


def post_attachment_links(post, *, base_url=None):
    """A post's attachments with absolute download URLs (for e-mails that carry the message):
    name, size in bytes, content type, url. The links still go through the permission check."""
    base = (base_url or site_url()).rstrip("/")
    return [
        {
            "name": a.original_name,
            "size": a.size,
            "content_type": a.content_type,
            "url": base + a.get_download_url(),
        }
        for a in post.attachments.select_related("post__thread__group")
    ]


# --- Drafts ------------------------------------------------------------------------------------


def get_draft(user, group, thread=None):
    return Draft.objects.filter(user=user, group=group, thread=thread).first()


def save_draft(user, group, *, thread=None, title="", body="", is_question=False):
    """Keep what the user is typing (autosave); an empty draft is deleted. Returns the draft or
    None."""
    if not permissions.can_post(user, group) or (
        thread is not None and thread.group_id != group.pk
    ):
        raise PermissionDenied
    body = (body or "").strip()
    if len(body) > settings.GROUP_POST_MAX_LENGTH:
        raise ValidationError(
            f"Le brouillon est trop long ({settings.GROUP_POST_MAX_LENGTH} caractères au maximum)."
        )
    # Kept sanitised: a draft is shown back in the editor.
    body = user_text_to_html(body) if body else ""
    title = (title or "").strip()[:200]
    if not title and not strip_tags(body).strip():
        Draft.objects.filter(user=user, group=group, thread=thread).delete()
        return None
    draft, _ = Draft.objects.update_or_create(
        user=user,
        group=group,
        thread=thread,
        defaults={"title": title, "body": body, "is_question": bool(is_question and not thread)},
    )
    return draft


def discard_draft(user, group, thread=None):
    """The author gives the post up ("Abandonner ce brouillon", confirmed)."""
    Draft.objects.filter(user=user, group=group, thread=thread).delete()


@transaction.atomic
def hide_post(post, actor, *, hidden=True):
    if not permissions.can_moderate_post(actor, post):
        raise PermissionDenied
    post.hidden_at = timezone.now() if hidden else None
    post.hidden_by = actor if hidden else None
    post.save(update_fields=["hidden_at", "hidden_by"])
    if hidden:
        _forget_reply_activity(post)
    record_action(
        actor,
        Action.POST_HIDE if hidden else Action.POST_UNHIDE,
        post,
        target_label=f"Message {post.pk} — {post.thread.title}",
        details={"group": post.thread.group.slug, "thread": post.thread_id},
    )
    return post


def pin_thread(thread, actor, *, pinned=True):
    if not permissions.can_manage_group(actor, thread.group):
        raise PermissionDenied
    Thread.objects.filter(pk=thread.pk).update(is_pinned=pinned)


@transaction.atomic
def report_post(post, reporter, *, reason):
    group = post.thread.group
    if not permissions.can_view_group(reporter, group) or post.author_id == reporter.pk:
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Indiquez le motif du signalement.")
    report = Report.objects.create(post=post, reporter=reporter, reason=reason[:1000])
    _notify_animateurs(
        group,
        kind="report",
        title=f"Message signalé dans « {post.thread.title} »",
        url=post.get_absolute_url(),
        email=True,
    )
    return report


# --- Documents ---------------------------------------------------------------------------------


def _store_version(document, uploaded, user, comment=""):
    kind = validate_upload(uploaded, max_bytes=settings.GROUP_DOCUMENT_MAX_BYTES)
    number = (
        document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    uploaded.seek(0)
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        file=uploaded,
        original_name=safe_filename(uploaded.name),
        content_type=kind.mime,
        size=uploaded.size,
        uploaded_by=user,
        comment=comment,
    )
    # Read in the background once the upload is committed: never slows or fails the upload.
    transaction.on_commit(partial(_schedule_text_extraction, version.pk))
    return version


def _announce_document(document, user, verb, title):
    """Activity line and notifications for a new document or version."""
    Activity.objects.create(
        group=document.group,
        actor=user,
        verb=verb,
        target_title=document.title,
        target_url=document.get_absolute_url(),
    )
    _notify_members(
        document.group,
        exclude=[user],
        kind="document",
        title=title,
        url=document.get_absolute_url(),
    )


def upload_document(group, user, *, uploaded, title="", folder=""):
    """Validated before anything is written: a refused file leaves no row and no file."""
    if not permissions.can_post(user, group):
        raise PermissionDenied
    validate_upload(uploaded, max_bytes=settings.GROUP_DOCUMENT_MAX_BYTES)
    with transaction.atomic():
        document = Document.objects.create(
            group=group,
            title=(title or safe_filename(uploaded.name)).strip()[:200],
            folder=folder.strip()[:100],
            created_by=user,
        )
        _store_version(document, uploaded, user)
        _announce_document(
            document,
            user,
            Activity.Verb.DOCUMENT,
            wording.sentence("document", actor=user.display_name, title=document.title),
        )
    return document


def add_version(document, user, *, uploaded, comment=""):
    group = document.group
    if not permissions.can_post(user, group):
        raise PermissionDenied
    validate_upload(uploaded, max_bytes=settings.GROUP_DOCUMENT_MAX_BYTES)
    with transaction.atomic():
        version = _store_version(document, uploaded, user, comment)
        Document.objects.filter(pk=document.pk).update(updated_at=timezone.now())
        _announce_document(
            document,
            user,
            Activity.Verb.VERSION,
            wording.sentence("version", actor=user.display_name, title=document.title),
        )
    return version


# --- Document text, for search ----------------------------------------------------------------


def _schedule_text_extraction(version_pk):
    from groups.tasks import extract_document_text

    try:
        extract_document_text.enqueue(version_pk)
    except Exception:  # a queue outage must not break the upload; extract_document_text catches up
        logger.exception("Impossible de planifier la lecture du texte de la version %s", version_pk)


def latest_versions():
    """Versions that are the latest of their document (the only ones whose text is read)."""
    newer = DocumentVersion.objects.filter(
        document=OuterRef("document"), number__gt=OuterRef("number")
    )
    return DocumentVersion.objects.filter(~Exists(newer))


def extract_version_text(version_pk, *, retry_failed=False):
    """Read the text of a document's latest version and store it with its state; saving the
    version reindexes its document (search.indexing watches DocumentVersion). Returns the new
    TextStatus, or None when there was nothing to do (already read, replaced by a newer
    version, deleted). A corrupt, encrypted or hostile file yields FAILED and a warning in the
    logs, never an exception."""
    statuses = [TextStatus.PENDING, *([TextStatus.FAILED] if retry_failed else [])]
    version = (
        latest_versions().defer("text").filter(pk=version_pk, text_status__in=statuses).first()
    )
    if version is None:
        return None
    kind = KIND_BY_MIME.get(version.content_type, "")
    text, status = "", TextStatus.DONE
    if kind not in SUPPORTED_KINDS:  # images (no OCR), Office 97-2003
        status = TextStatus.UNSUPPORTED
    else:
        try:
            with version.file.open("rb") as stream:
                data = stream.read(settings.GROUP_DOCUMENT_MAX_BYTES + 1)
            text = extract_text(data, kind)
        except Exception as error:  # unreadable file, storage unreachable: --retry-failed
            status = TextStatus.FAILED
            reason = str(error) if isinstance(error, ExtractionError) else repr(error)
            reason = " ".join(reason.split())  # one log line, whatever the file said
            logger.warning(
                "Texte illisible (document %s, version %s) : %s",
                version.document_id,
                version.number,
                reason,
            )
    with transaction.atomic():
        locked = (
            DocumentVersion.objects.select_for_update()
            .defer("text")
            .filter(pk=version_pk, text_status__in=statuses)
            .first()
        )
        if locked is None:  # read concurrently (the command and the worker)
            return None
        locked.text = text
        locked.text_status = status
        locked.text_extracted_at = timezone.now()
        locked.save(update_fields=["text", "text_status", "text_extracted_at"])
    return status


# --- Proposals to the national library ----------------------------------------------------------


def library_source_key(version):
    return f"groups.documentversion:{version.pk}"


def propose_to_library(document, version, actor, *, description, themes, kind=None):
    """A member proposes one version of a group document to the national library, through the
    destination the host registered (groups.registry). The group's document and its file are
    only read. `kind` is one of groups.registry.library_kinds() (None when it lists none).
    Raises PermissionDenied without a destination or for a non-poster, and the destination's
    ValidationError (French) when it refuses."""
    from groups.registry import library_destination

    propose = library_destination()
    group = document.group
    if propose is None or not permissions.can_post(actor, group) or version.document != document:
        raise PermissionDenied
    return propose(
        actor,
        source_key=library_source_key(version),
        source_label=f"{document.title} (version {version.number}) — groupe « {group.name} »",
        source_url=document.get_absolute_url(),
        title=document.title,
        description=description,
        themes=themes,
        filename=version.original_name,
        open_file=partial(version.file.open, "rb"),
        **({"kind": kind} if kind else {}),
    )


# --- Notifications -----------------------------------------------------------------------------


def _notify(group, users, *, kind, title, url, email_override=None, target_key="", immediate=False):
    if not users:
        return
    modes = dict(group.memberships.filter(user__in=users).values_list("user_id", "email_mode"))
    if email_override:
        modes = {user.pk: email_override for user in users}
    if immediate:
        # Someone asked this person directly: e-mailed now (as Discourse and Zulip do), unless
        # they chose no e-mail at all for the group. The daily digest is for the rest.
        modes = {
            pk: EmailMode.NONE if m == EmailMode.NONE else EmailMode.EACH for pk, m in modes.items()
        }
    notify(
        users,
        kind=kind,
        title=title,
        url=url,
        source_key=f"group:{group.pk}",
        source_label=group.name,
        email_modes=modes,
        target_key=target_key,
    )


def _notify_members(group, *, exclude, kind, title, url, target_key=""):
    users = [m.user for m in group.memberships.select_related("user") if m.user not in exclude]
    _notify(group, users, kind=kind, title=title, url=url, target_key=target_key)


def _notify_mentions(group, post, mentioned):
    users = [u for u in mentioned if u != post.author]
    _notify(
        group,
        users,
        kind="mention",
        title=wording.sentence("mention", actor=post.author.display_name, title=post.thread.title),
        url=post.get_absolute_url(),
        target_key=f"post:{post.pk}",
        immediate=True,
    )


def _notify_animateurs(group, *, kind, title, url, email=False):
    users = [m.user for m in group.memberships.filter(role=Role.ANIMATEUR).select_related("user")]
    _notify(
        group,
        users,
        kind=kind,
        title=title,
        url=url,
        email_override=EmailMode.EACH if email else None,
    )


def describe_group_emails(user_id, source_key):
    """notifications' unsubscribe describer for "group:<id>": (group name, still e-mailed)."""
    membership = (
        Membership.objects.filter(group_id=source_key.split(":", 1)[1], user_id=user_id)
        .select_related("group")
        .first()
    )
    if membership is None:
        return None
    return membership.group.name, membership.email_mode != EmailMode.NONE


def unsubscribe_group(user_id, source_key):
    """notifications' unsubscribe handler for "group:<id>"."""
    group_id = source_key.split(":", 1)[1]
    membership = (
        Membership.objects.filter(group_id=group_id, user_id=user_id)
        .select_related("group")
        .first()
    )
    if membership is None:
        return None
    membership.email_mode = EmailMode.NONE
    membership.save(update_fields=["email_mode"])
    return membership.group.name
