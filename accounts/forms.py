from django import forms
from django.conf import settings
from django.core.validators import RegexValidator

from accounts.models import User
from commons.french import file_size

NNBSP = "\u202f"


def thousands(number):
    """30000 → « 30 000 » (narrow no-break space, as French typography writes it)."""
    return f"{number:,}".replace(",", NNBSP)


def image_dimensions(upload, formats=("PNG", "JPEG", "WEBP")):
    """(width, height) read from the header of an uploaded JPEG, PNG or WebP, without Pillow's
    pixel limit (which refuses the file before its size can be told); None otherwise."""
    from PIL import Image

    Image.init()
    try:
        upload.seek(0)
        prefix = upload.read(16)
        for name in formats:
            factory, accept = Image.OPEN[name]
            upload.seek(0)
            if accept is None or accept(prefix):
                try:
                    return factory(upload, "").size
                except (SyntaxError, OSError, ValueError):
                    continue
        return None
    finally:
        upload.seek(0)


class TelInput(forms.TextInput):
    input_type = "tel"


def refuse_angle_brackets(value):
    # A name is shown everywhere (messages, e-mails, mentions): markup in it is never a name.
    if "<" in value or ">" in value:
        raise forms.ValidationError("Les caractères « < » et « > » ne sont pas acceptés.")


def name_field(label, required_message):
    return forms.CharField(
        label=label,
        max_length=150,
        validators=[refuse_angle_brackets],
        error_messages={"required": required_message},
    )


class SignupForm(forms.Form):
    """Extra fields allauth's signup form asks for (allauth adds e-mail and passwords)."""

    first_name = name_field("Prénom", "Saisissez votre prénom.")
    last_name = name_field("Nom", "Saisissez votre nom.")
    organisation = forms.CharField(
        label="Organisation", max_length=200, required=False, help_text="Ex. : Mission locale"
    )
    fonction = forms.CharField(label="Fonction", max_length=200, required=False)

    field_order = ["first_name", "last_name", "email", "organisation", "fonction"]

    def signup(self, request, user):
        for name in ("first_name", "last_name", "organisation", "fonction"):
            setattr(user, name, self.cleaned_data[name])
        user.save()


class ProfileForm(forms.ModelForm):
    # Required here although the model allows blanks (accounts made by ProConnect or the admin).
    first_name = name_field("Prénom", "Saisissez votre prénom.")
    last_name = name_field("Nom", "Saisissez votre nom.")

    # The same rule for every identity field shown to others (signup refuses « < » and « > »
    # in names): organisation and function too.
    organisation = forms.CharField(
        label="Organisation", max_length=200, required=False, validators=[refuse_angle_brackets]
    )
    fonction = forms.CharField(
        label="Fonction", max_length=200, required=False, validators=[refuse_angle_brackets]
    )
    phone = forms.CharField(
        label="Téléphone",
        max_length=30,
        required=False,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 .()-]{5,}$",
                "Saisissez un numéro de téléphone : chiffres, espaces, points et « + » "
                "seulement (ex. : 01 23 45 67 89 ou +33 1 23 45 67 89).",
            )
        ],
        help_text="Facultatif. Ex. : 01 23 45 67 89. Montré sur cette page seulement.",
        widget=TelInput(attrs={"autocomplete": "tel"}),
    )

    remove_photo = forms.BooleanField(label="Retirer la photo", required=False)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "organisation", "fonction", "phone", "photo"]
        help_texts = {
            "photo": "Formats JPEG, PNG ou WebP, 2 Mo au maximum. Montrée sur cette page seulement.",
        }
        widgets = {
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        }

    ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.photo:
            del self.fields["remove_photo"]  # nothing to remove

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("remove_photo"):
            if self.files.get(self.add_prefix("photo")):
                self.add_error(
                    "remove_photo",
                    "Choisissez : retirer la photo ou en envoyer une nouvelle, pas les deux.",
                )
            else:
                # FileField.save_form_data empties the field on False; update_profile then
                # deletes the old file from storage.
                cleaned_data["photo"] = False
        return cleaned_data

    def _clean_fields(self):
        # Before ImageField opens it: Pillow refuses an image of too many pixels as « not an
        # image or corrupt », and the person thinks their file is damaged.
        upload = self.files.get(self.add_prefix("photo"))
        size = image_dimensions(upload) if upload else None
        if size and size[0] * size[1] > settings.PROFILE_PHOTO_MAX_PIXELS:
            self.files = self.files.copy()
            self.files.pop(self.add_prefix("photo"))
            super()._clean_fields()
            self.add_error(
                "photo",
                f"L'image est trop grande : {thousands(size[0])} × {thousands(size[1])} pixels. "
                f"Réduisez-la (par exemple à 1{NNBSP}000 pixels de côté) avant de l'envoyer.",
            )
            return
        super()._clean_fields()

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or photo == self.instance.photo:
            return photo
        max_bytes = settings.PROFILE_PHOTO_MAX_BYTES
        if photo.size > max_bytes:
            raise forms.ValidationError(
                f"La photo pèse {file_size(photo.size)} : la taille maximale est de "
                f"{file_size(max_bytes)}."
            )
        # ImageField already opened the file with Pillow: trust its verdict, not the extension.
        image_format = getattr(getattr(photo, "image", None), "format", None)
        if image_format not in self.ALLOWED_IMAGE_FORMATS:
            raise forms.ValidationError("La photo doit être une image JPEG, PNG ou WebP.")
        return photo
