from django import forms


class DeleteAccountForm(forms.Form):
    """Deleting one's account needs the password again (or, for an account without one, typing
    the confirmation word) and an explicit acknowledgement."""

    CONFIRMATION_WORD = "SUPPRIMER"

    password = forms.CharField(
        label="Mot de passe", strip=False, required=False, widget=forms.PasswordInput
    )
    confirmation = forms.CharField(
        label=f"Tapez {CONFIRMATION_WORD} pour confirmer", required=False, max_length=20
    )
    UNDERSTOOD_TEXT = "J'ai compris que la suppression est définitive."
    # The label names the field in the error summary (« label : error »): a name, not the
    # checkbox's sentence, which the template shows next to the box.
    understood = forms.BooleanField(
        label="Confirmation de la suppression",
        error_messages={
            "required": "Cochez la case « J'ai compris que la suppression est définitive »."
        },
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.needs_password = user.has_usable_password()
        if self.needs_password:
            del self.fields["confirmation"]
        else:
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if not password:
            raise forms.ValidationError("Saisissez votre mot de passe pour confirmer.")
        if not self.user.check_password(password):
            raise forms.ValidationError("Mot de passe incorrect.")
        return password

    def clean_confirmation(self):
        value = (self.cleaned_data.get("confirmation") or "").strip()
        if value.upper() != self.CONFIRMATION_WORD:
            raise forms.ValidationError(f"Tapez {self.CONFIRMATION_WORD} pour confirmer.")
        return value
