"""allauth's password change form with the site's wording (a module of its own: allauth imports
accounts.forms.SignupForm while loading its forms, so this one cannot live there)."""

from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm


class ChangePasswordForm(AllauthChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].error_messages["required"] = (
            "Saisissez votre mot de passe actuel."
        )
