import logging
import math
from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

from commons.mail import email_subject
from commons.urls import site_url

logger = logging.getLogger(__name__)


@dataclass
class PlatformSite:
    """What allauth's e-mails call the "current site" (django.contrib.sites is not installed)."""

    name: str
    domain: str


def login_wait_minutes():
    """The longest window of allauth's « login_failed » rate limits (ACCOUNT_RATE_LIMITS), in
    minutes: a person refused by them can log in again at the latest after it."""
    from allauth.account import app_settings
    from allauth.core.internal.ratelimit import parse_rates

    rates = parse_rates((app_settings.RATE_LIMITS or {}).get("login_failed"))
    seconds = max((rate.duration for rate in rates), default=60)
    return max(1, math.ceil(seconds / 60))


def _is_password_reset(request):
    match = getattr(request, "resolver_match", None)
    return getattr(match, "url_name", None) == "account_reset_password_from_key"


class AccountAdapter(DefaultAccountAdapter):
    # allauth's French ("sont incorrects") says neither which nor what to do next.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": (
            "L'adresse électronique ou le mot de passe est incorrect. Vérifiez votre saisie "
            "(majuscules, espaces) ou choisissez « Mot de passe oublié ? » pour en créer un "
            "nouveau."
        ),
        # allauth says « Merci d'indiquer votre mot de passe actuel » when it is wrong.
        "enter_current_password": "Mot de passe actuel incorrect.",
    }

    def validation_error(self, code, *args):
        if code == "too_many_login_attempts":
            # allauth says « réessayez plus tard »: say how long, and offer the way out.
            minutes = login_wait_minutes()
            return forms.ValidationError(
                format_html(
                    "Trop de tentatives de connexion. Réessayez dans {} minute{} au plus, "
                    'ou <a href="{}">choisissez un nouveau mot de passe</a> '
                    "(« Mot de passe oublié ? »).",
                    minutes,
                    "s" if minutes > 1 else "",
                    reverse("account_reset_password"),
                ),
                code=code,
            )
        return super().validation_error(code, *args)

    def is_open_for_signup(self, request):
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", True)

    def clean_email(self, email):
        email = super().clean_email(email).lower()
        if email.endswith("@" + settings.DEMO_EMAIL_DOMAIN):
            raise forms.ValidationError("Ce domaine est réservé aux comptes de démonstration.")
        return email

    # Success messages of the account pages that the next page focuses (base.html), as the
    # site's own forms do: the user hears the outcome of what they just submitted.
    FOCUSED_MESSAGES = (
        "account/messages/email_confirmation_sent.txt",
        "account/messages/email_deleted.txt",
        "account/messages/email_confirmed.txt",
        "account/messages/primary_email_set.txt",
        "account/messages/password_changed.txt",
        "account/messages/password_set.txt",
        "usersessions/messages/sessions_logged_out.txt",
    )

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        if message_template == "account/messages/password_changed.txt" and _is_password_reset(
            request
        ):
            # Its « celle-ci reste ouverte » is for a change made from « Mon compte »: after a
            # reset no session is open, and the done page says so on its own.
            return None
        if message_template in self.FOCUSED_MESSAGES and len(args) < 2:
            tags = kwargs.get("extra_tags", "")
            kwargs["extra_tags"] = f"{tags} cde-focus".strip()
        return super().add_message(request, level, message_template, *args, **kwargs)

    def get_email_verification_redirect_url(self, email_address):
        # A logged-in user confirming an added address goes back to their addresses, where the
        # success message says it is confirmed (not to Mon espace, the login redirect).
        if self.request.user.is_authenticated:
            return reverse("account_email")
        return super().get_email_verification_redirect_url(email_address)

    def get_password_change_redirect_url(self, request):
        # Not back to the form just submitted: « Mes sessions » shows what the message says (this
        # session alone is still open).
        return reverse("usersessions_list")

    def get_logout_redirect_url(self, request):
        # A ProConnect session ends at ProConnect too, which then sends the user back here.
        from accounts.proconnect.session import end_session_url

        return end_session_url(request) or super().get_logout_redirect_url(request)

    def format_email_subject(self, subject):
        # The prefix of the platform's other e-mails (notifications, invitations, pilotage).
        return email_subject(subject)

    def send_mail(self, template_prefix, email, context):
        request = getattr(self, "request", None)
        root = request.build_absolute_uri("/").rstrip("/") if request else site_url()
        site = PlatformSite(name=settings.WAGTAIL_SITE_NAME, domain=root.split("://")[-1])
        # site_url: the signature of account/email/base_message.txt, as in the other e-mails.
        super().send_mail(
            template_prefix,
            email,
            {
                "current_site": site,
                "site_url": root,
                "contact_email": settings.CONTACT_EMAIL,
                # The way out the security notices advise: whoever changed the password or the
                # address, the reset link goes to the account's own addresses.
                "password_reset_url": root + reverse("account_reset_password"),
                **context,
            },
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """ProConnect logins: agents get an account on first login, or find theirs by verified
    e-mail (allauth's e-mail authentication)."""

    def is_open_for_signup(self, request, sociallogin):
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", True)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").lower()
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        logger.warning(
            "Connexion %s refusée : %s %s", getattr(provider, "id", provider), error, exception
        )
