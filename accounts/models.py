from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse

from commons.storage import private_storage


class PlatformUserManager(UserManager):
    """E-mail is the login; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Une adresse électronique est obligatoire.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class CiteRole(models.TextChoices):
    COORDINATEUR = "coordinateur", "Coordinateur ou coordinatrice"
    PARTENAIRE = "partenaire", "Partenaire"


def profile_photo_path(instance, filename):
    # The file name is never the user's: no path tricks, no personal data in URLs.
    return f"profils/{instance.pk or 'nouveau'}/photo.{filename.rsplit('.', 1)[-1].lower()}"


class User(AbstractUser):
    username = None
    email = models.EmailField("adresse électronique", unique=True)
    organisation = models.CharField("organisation", max_length=200, blank=True)
    fonction = models.CharField("fonction", max_length=200, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    cite = models.ForeignKey(
        "cites.Cite",
        verbose_name="cité de l'emploi",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team",
    )
    cite_role = models.CharField(
        "rôle dans la cité", max_length=20, choices=CiteRole.choices, blank=True
    )
    # Private storage: the photo is only served by accounts.views.photo, to its owner.
    photo = models.ImageField(
        "photo", upload_to=profile_photo_path, storage=private_storage, blank=True
    )
    is_demo = models.BooleanField(
        "compte de démonstration",
        default=False,
        help_text="Les comptes de démonstration sont refusés quand DEBUG est désactivé.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = PlatformUserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.get_full_name() or self.email.split("@")[0]

    @property
    def initials(self):
        parts = [self.first_name[:1], self.last_name[:1]]
        return "".join(parts).upper() or self.email[:1].upper()

    def get_absolute_url(self):
        return reverse("accounts:profile")
