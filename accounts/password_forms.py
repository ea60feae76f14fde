"""allauth's password forms with the site's wording (a module of its own: allauth imports
accounts.forms.SignupForm while loading its forms, so these cannot live there)."""

from allauth.account import app_settings
from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.account.internal.userkit import filter_users_by_email
from django import forms
from django.utils.translation import gettext


class BothPasswordErrorsMixin:
    """allauth compares the two passwords only when the first one is valid: a password both too
    short and mistyped got one error, then the other on the next try. Say both at once."""

    def clean(self):
        cleaned_data = super().clean()
        if "password2" in self.fields and self.has_error("password1"):
            first = self.data.get(self.add_prefix("password1"), "")
            second = self.data.get(self.add_prefix("password2"), "")
            if first and second and first != second and not self.has_error("password2"):
                self.add_error("password2", gettext("You must type the same password each time."))
        return cleaned_data


class SignupForm(BothPasswordErrorsMixin, allauth_forms.SignupForm):
    def validate_unique_email(self, value):
        """An address that already has an account gets the same answer as a new one (« Nous
        vous avons envoyé un courriel… ») and its owner an e-mail saying how to log in or reset
        the password (account/email/account_already_exists): as « mot de passe oublié », the
        form never tells who has an account. allauth does this itself only with mandatory
        e-mail verification; here verification is optional, so the form says it."""
        try:
            return super().validate_unique_email(value)
        except forms.ValidationError:
            if not app_settings.PREVENT_ENUMERATION or not filter_users_by_email(value):
                raise
            self.account_already_exists = True
            return get_adapter().clean_email(value)

    def try_save(self, request):
        """allauth answers an existing address through its e-mail verification stage, which only
        runs when verification is mandatory (production): otherwise the same is done here, the
        e-mail to the address's owner and the « courriel envoyé » page, nothing created."""
        if (
            self.account_already_exists
            and app_settings.EMAIL_VERIFICATION != app_settings.EmailVerificationMethod.MANDATORY
        ):
            adapter = get_adapter()
            adapter.send_account_already_exists_mail(self.cleaned_data["email"])
            return None, adapter.respond_email_verification_sent(request, None)
        return super().try_save(request)


class SetPasswordForm(BothPasswordErrorsMixin, allauth_forms.SetPasswordForm):
    pass


class ResetPasswordKeyForm(BothPasswordErrorsMixin, allauth_forms.ResetPasswordKeyForm):
    pass


class ChangePasswordForm(BothPasswordErrorsMixin, allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].error_messages["required"] = (
            "Saisissez votre mot de passe actuel."
        )
