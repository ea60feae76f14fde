"""Every write of rgpd/: the export of a person's data, the erasure of an account and the
retention rules (inactive accounts, café-cité chat archives).

rgpd/ sits on top of the other apps and reads their models only when they are installed.
"""

import datetime
import logging

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from accounts.personal_data import erasers
from accounts.services import photo_files
from accounts.sessions import end_all_sessions
from audit.models import Action
from audit.services import record_action
from commons.batches import delete_in_batches
from commons.mail import email_subject
from commons.urls import absolute_url
from rgpd.models import ErasedAccount, InactivityWarning

logger = logging.getLogger(__name__)

ERASED_FIRST_NAME = "Compte"
ERASED_LAST_NAME = "supprimé"


def erased_email(user_id):
    # RFC 2606 reserves .invalid: this address can never receive mail nor collide with a real one.
    return f"compte-supprime-{user_id}@supprime.invalid"


def is_erased(user):
    return ErasedAccount.objects.filter(user_id=user.pk).exists()


# --- Account erasure ------------------------------------------------------------------------


AUDIT_ACTIONS = {
    ErasedAccount.Reason.SELF: Action.ACCOUNT_DELETE,
    ErasedAccount.Reason.INACTIVE: Action.ACCOUNT_ANONYMISE,
    ErasedAccount.Reason.ADMIN: Action.ACCOUNT_ADMIN_ERASE,
}


def erase_account(user, *, reason=ErasedAccount.Reason.SELF, actor=None):
    """Erase the personal data of `user` and close the account, keeping what they wrote.

    The user row stays, anonymised: group posts, threads, documents and chat messages remain in
    place, attributed to "Compte supprimé". Name, e-mail, phone, organisation, photo, cité,
    memberships, registrations, notifications, e-mail addresses and sessions are removed. Where the
    account was a group's last animateur, groups.services hands the group over first. `actor` is
    the administrator who asked (reason ADMIN), for the audit log. Idempotent: erasing an erased
    account does nothing."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if is_erased(user):
            return user
        old_email = user.email
        files = photo_files(user)  # the whole folder: older photos too
        _remove_from_apps(user, old_email, files)
        user.first_name = ERASED_FIRST_NAME
        user.last_name = ERASED_LAST_NAME
        user.email = erased_email(user.pk)
        user.organisation = user.fonction = user.phone = user.cite_role = ""
        user.cite = None
        user.photo = ""
        user.is_active = user.is_staff = user.is_superuser = False
        user.last_login = None
        user.set_unusable_password()  # also voids every session (their auth hash changes)
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        InactivityWarning.objects.filter(user=user).delete()
        ErasedAccount.objects.create(user=user, reason=reason)
        if reason == ErasedAccount.Reason.SELF:
            actor = user
        record_action(
            actor,
            AUDIT_ACTIONS[reason],
            user,
            target_label=f"Compte n° {user.pk}",
            details={"reason": reason},
        )
        end_sessions(user)
        transaction.on_commit(lambda: _delete_files(files))
    return user


def _remove_from_apps(user, old_email, files):
    # Each app erases its own data (accounts.personal_data); rgpd reads no app's tables here.
    for _name, erase in erasers():
        erase(user, old_email, erased_email(user.pk), files)
    if apps.is_installed("allauth.account"):
        from allauth.account.models import EmailAddress

        EmailAddress.objects.filter(user=user).delete()
    if apps.is_installed("wagtail.users"):
        from wagtail.users.models import UserProfile

        profile = UserProfile.objects.filter(user=user).first()
        if profile is not None:
            if profile.avatar:
                files.append((profile.avatar.storage, profile.avatar.name))
            profile.delete()


def _delete_files(files):
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:  # OSError on disk, botocore's errors on S3: logged, never fatal
            logger.exception("Fichier d'un compte supprimé non effacé : %s", name)


def end_sessions(user):
    """Every recorded session of `user` ends (accounts.sessions, the one place that does it).
    With any engine, the unusable password already invalidates the others: Django compares the
    session's auth hash."""
    end_all_sessions(user)


# --- Retention ------------------------------------------------------------------------------


def _retention_candidates():
    """Accounts the inactivity rule applies to: active, not erased, not superusers (who run the
    platform) nor demo accounts (refused anyway when DEBUG is off)."""
    return User.objects.filter(
        is_active=True, is_superuser=False, is_demo=False, rgpd_erasure__isnull=True
    ).annotate(last_seen=Coalesce("last_login", "date_joined"))


def anonymisation_date(last_seen, warned_at):
    """The day an inactive account is anonymised: INACTIVE_ACCOUNT_DAYS after the last login,
    and never less than INACTIVE_WARNING_DAYS after the warning."""
    return max(
        last_seen + datetime.timedelta(days=settings.RGPD_INACTIVE_ACCOUNT_DAYS),
        warned_at + datetime.timedelta(days=settings.RGPD_INACTIVE_WARNING_DAYS),
    )


def send_inactivity_warning(user, anonymised_on):
    context = {
        "user": user,
        "anonymised_on": anonymised_on,
        "login_url": absolute_url("/comptes/login/"),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "inactive_days": settings.RGPD_INACTIVE_ACCOUNT_DAYS,
    }
    message = EmailMultiAlternatives(
        subject=email_subject("Votre compte sera anonymisé faute de connexion"),
        body=render_to_string("rgpd/emails/inactivity_warning.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("rgpd/emails/inactivity_warning.html", context), "text/html"
    )
    message.send()


def warn_inactive_accounts(now=None, progress=None, dry_run=False):
    """E-mail the accounts that will be anonymised in RGPD_INACTIVE_WARNING_DAYS days.
    Resumable: the warning row is written with the e-mail, in one transaction."""
    days = settings.RGPD_INACTIVE_ACCOUNT_DAYS
    if not days:
        return 0
    now = now or timezone.now()
    # A login after the warning voids it: the account starts a new period of inactivity.
    InactivityWarning.objects.filter(user__last_login__gt=F("sent_at")).delete()
    warn_from = now - datetime.timedelta(days=max(days - settings.RGPD_INACTIVE_WARNING_DAYS, 0))
    due = _retention_candidates().filter(
        last_seen__lte=warn_from, rgpd_inactivity_warning__isnull=True
    )
    total = due.count()
    if dry_run:
        return total
    done, failed = 0, set()
    while batch := list(due.exclude(pk__in=failed).order_by("pk")[: settings.RGPD_BATCH_SIZE]):
        for user in batch:
            try:
                with transaction.atomic():
                    InactivityWarning.objects.create(user=user, sent_at=now)
                    send_inactivity_warning(user, anonymisation_date(user.last_seen, now))
            except Exception:
                logger.exception("Avertissement d'inactivité non envoyé au compte %s", user.pk)
                failed.add(user.pk)
                continue
            done += 1
            if progress:
                progress("avertissements", done, total)
    return done


def anonymise_inactive_accounts(now=None, progress=None, dry_run=False):
    """Anonymise the accounts inactive for RGPD_INACTIVE_ACCOUNT_DAYS days and warned at least
    RGPD_INACTIVE_WARNING_DAYS days ago without logging in since. Resumable (one account per
    transaction; an erased account is no longer a candidate)."""
    days = settings.RGPD_INACTIVE_ACCOUNT_DAYS
    if not days:
        return 0
    now = now or timezone.now()
    due = _retention_candidates().filter(
        last_seen__lte=now - datetime.timedelta(days=days),
        rgpd_inactivity_warning__sent_at__lte=now
        - datetime.timedelta(days=settings.RGPD_INACTIVE_WARNING_DAYS),
        rgpd_inactivity_warning__sent_at__gte=F("last_seen"),
    )
    total = due.count()
    if dry_run:
        return total
    done = 0
    while batch := list(due.order_by("pk")[: settings.RGPD_BATCH_SIZE]):
        for user in batch:
            erase_account(user, reason=ErasedAccount.Reason.INACTIVE)
            done += 1
            if progress:
                progress("anonymisations", done, total)
    return done


def purge_chat_archives(now=None, progress=None, dry_run=False):
    """The café-cité chat archives (cafes_cites/, when installed), by the app itself."""
    if not apps.is_installed("cafes_cites"):
        return 0
    from cafes_cites.personal_data import purge_chat_archives as purge

    return purge(now, progress, dry_run)


def purge_audit_log(now=None, progress=None, dry_run=False):
    """Delete audit entries older than RGPD_AUDIT_RETENTION_DAYS days, in batches."""
    days = settings.RGPD_AUDIT_RETENTION_DAYS
    if not days:
        return 0
    from audit.models import AuditEntry

    now = now or timezone.now()
    expired = AuditEntry.objects.filter(created_at__lt=now - datetime.timedelta(days=days))
    if dry_run:
        return expired.count()
    return delete_in_batches(
        expired, settings.RGPD_BATCH_SIZE, progress, "entrées du journal d'audit"
    )


def apply_retention(now=None, progress=None, dry_run=False):
    """Every retention rule, in order. Run daily (manage.py apply_retention or the task)."""
    now = now or timezone.now()
    return {
        "warned": warn_inactive_accounts(now, progress, dry_run),
        "anonymised": anonymise_inactive_accounts(now, progress, dry_run),
        "chat_messages": purge_chat_archives(now, progress, dry_run),
        "audit_entries": purge_audit_log(now, progress, dry_run),
        "inbound_emails": purge_inbound_emails(now, progress, dry_run),
        "login_traces": purge_login_traces(now, dry_run),
    }


def purge_login_traces(now=None, dry_run=False):
    """Expired sessions (with allauth's record of their IP address and browser), failed-login
    records older than the lockout cool-off and successful logins older than
    RGPD_LOGIN_LOG_RETENTION_DAYS: what the privacy page says is kept no longer."""
    from allauth.usersessions.models import UserSession
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt, AccessLog
    from django.contrib.sessions.models import Session

    now = now or timezone.now()
    expired = Session.objects.filter(expire_date__lt=now)
    orphans = UserSession.objects.exclude(
        session_key__in=Session.objects.filter(expire_date__gte=now).values("session_key")
    )
    cool_off = get_cool_off() or datetime.timedelta(0)
    attempts = AccessAttempt.objects.filter(attempt_time__lt=now - cool_off)
    # Successful logins, kept for security for a limited time (the privacy page says how long).
    days = getattr(settings, "RGPD_LOGIN_LOG_RETENTION_DAYS", 0)
    logins = (
        AccessLog.objects.filter(attempt_time__lt=now - datetime.timedelta(days=days))
        if days
        else AccessLog.objects.none()
    )
    counts = [queryset.count() for queryset in (expired, orphans, attempts, logins)]
    if not dry_run:
        orphans.delete()
        expired.delete()
        attempts.delete()
        logins.delete()
    return sum(counts)


def purge_inbound_emails(now=None, progress=None, dry_run=False):
    """The records of e-mails received at reply addresses (espace/, when installed)."""
    if not apps.is_installed("espace"):
        return 0
    from espace.personal_data import purge_inbound_emails as purge

    return purge(now, progress, dry_run)
