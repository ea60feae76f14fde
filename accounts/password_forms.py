"""allauth's password forms with the site's wording (a module of its own: allauth imports
accounts.forms.SignupForm while loading its forms, so these cannot live there)."""

from allauth.account import forms as allauth_forms
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
    pass


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
