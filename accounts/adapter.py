from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", True)

    def clean_email(self, email):
        email = super().clean_email(email).lower()
        if email.endswith("@" + settings.DEMO_EMAIL_DOMAIN):
            from django import forms

            raise forms.ValidationError("Ce domaine est réservé aux comptes de démonstration.")
        return email
