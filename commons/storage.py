"""Where private files live (group documents, profile photos): the "private" storage of
settings.STORAGES, a folder outside MEDIA_ROOT or a private S3-compatible bucket.

Nothing serves these files directly: views check permissions first, then stream the file or, for
an object storage, redirect to a presigned URL that expires within S3_PRIVATE_URL_SECONDS.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (read when used, so tests can point it elsewhere), with no
    URL: the web server never exposes that folder."""

    def __init__(self, location=None, **kwargs):
        super().__init__(location=location, base_url=None, **kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        return None  # no public address; FieldFile.url is falsy for forms' widgets


class _PrivateStorage(LazyObject):
    """storages["private"], looked up at first use (and again when STORAGES changes): file
    fields keep this object, not a backend fixed when the models are imported."""

    def _setup(self):
        self._wrapped = storages["private"]


private = _PrivateStorage()


def private_storage():
    """The private storage (the callable that file fields and their migrations name)."""
    return private


def is_object_storage(storage):
    """True for storages without local paths (S3): their files can be handed out as presigned
    URLs instead of being streamed through the application."""
    try:
        storage.path("x")
    except NotImplementedError:
        return True
    return False


@receiver(setting_changed)
def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private._wrapped = empty


def private_file_response(file, *, filename, content_type, as_attachment=True):
    """Hand out a private file (a FieldFile) to someone the caller has already checked.

    Streamed through the application, with headers that keep browsers from running it; or, on an
    object storage with PRIVATE_MEDIA_REDIRECT, a redirect to a presigned URL that expires within
    S3_PRIVATE_URL_SECONDS and makes the storage send the same name and content type."""
    if settings.PRIVATE_MEDIA_REDIRECT and is_object_storage(file.storage):
        url = file.storage.url(
            file.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
                "ResponseContentType": content_type,
            },
            expire=settings.S3_PRIVATE_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            file.open("rb"),
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, no_store=True)
    return response
