from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage():
    """Group documents live outside MEDIA_ROOT with no public URL: the only way to read one is
    the permission-checked download view. A callable, so settings are read at use time."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
