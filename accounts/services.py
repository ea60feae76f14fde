"""Writes on the account itself (the profile form)."""

import logging

from django.db import transaction

from accounts.models import profile_photo_path

logger = logging.getLogger(__name__)


@transaction.atomic
def update_profile(form):
    """Save a valid ProfileForm. A replaced or cleared photo is deleted from storage once the new
    profile is committed: nothing of a person's old photos stays behind."""
    user = form.instance
    old_name = user._meta.model.objects.filter(pk=user.pk).values_list("photo", flat=True).first()
    user = form.save()
    if old_name and old_name != user.photo.name:
        storage = user.photo.storage
        transaction.on_commit(lambda: delete_quietly(storage, old_name))
    return user


def photo_files(user):
    """Every file in the user's photo folder (current photo and any left by older code)."""
    storage = user._meta.get_field("photo").storage
    folder = profile_photo_path(user, "photo.jpg").rsplit("/", 1)[0]
    try:
        _dirs, names = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [(storage, f"{folder}/{name}") for name in names]


def delete_quietly(storage, name):
    try:
        storage.delete(name)
    except Exception:  # OSError on disk, botocore's errors on S3: logged, never fatal
        logger.exception("Ancienne photo de profil non effacée : %s", name)


def make_login_address_primary(sender, instance, created, **kwargs):
    """allauth records the login address (user.email) of an account created outside its signup
    (demo, admin, invitation) as a non-primary EmailAddress when the addresses page is first
    opened: the page then marks no address as principal. The login address is the primary one
    while the account has none."""
    if not created or instance.primary:
        return
    user = instance.user
    if instance.email.lower() != (user.email or "").lower():
        return
    if not sender.objects.filter(user=user, primary=True).exists():
        sender.objects.filter(pk=instance.pk).update(primary=True)
        instance.primary = True
