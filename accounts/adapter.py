from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings


@dataclass
class PlatformSite:
    """What allauth's e-mails call the "current site" (django.contrib.sites is not installed)."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", True)

    def clean_email(self, email):
        email = super().clean_email(email).lower()
        if email.endswith("@" + settings.DEMO_EMAIL_DOMAIN):
            raise forms.ValidationError("Ce domaine est réservé aux comptes de démonstration.")
        return email

    def send_mail(self, template_prefix, email, context):
        request = getattr(self, "request", None)
        domain = request.get_host() if request else settings.SITE_URL.split("://")[-1]
        site = PlatformSite(name=settings.WAGTAIL_SITE_NAME, domain=domain)
        super().send_mail(template_prefix, email, {"current_site": site, **context})
