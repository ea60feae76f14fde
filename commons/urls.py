"""Absolute addresses of the platform, for what is read outside a page: e-mails, .ics files,
feeds, Wagtail's workflow notifications.

SITE_URL (the public address) decides when it is set. When it is not (the demo started with
`runserver` on any address and port), the address the server actually answers on is taken from
the requests it serves (cde_site.middleware.ServedAddressMiddleware, DEBUG only: the host then
comes from ALLOWED_HOSTS' local names, never from an arbitrary Host header in production).
Outside any request (management commands such as receive_email, background tasks), the Wagtail
default Site's root_url is used when it was configured (`load_demo` sets it from SITE_URL; the
placeholder localhost:80 is not an address), else DEFAULT_SITE_URL.
"""

from django.conf import settings
from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save

DEFAULT_SITE_URL = "http://127.0.0.1:8000"

# scheme://host[:port] of the last request served, while SITE_URL is unset.
_served = {"origin": ""}


# root_url of the Wagtail default Site, read once per process (None: not read yet).
_default_site = {"root_url": None}
PLACEHOLDER_SITE = ("localhost", 80)


def site_url():
    """scheme://host[:port], without a trailing slash: the one helper for absolute links."""
    return (
        settings.SITE_URL or _served["origin"] or default_site_root_url() or DEFAULT_SITE_URL
    ).rstrip("/")


def default_site_root_url():
    """The Wagtail default Site's root_url, "" when there is none or it is the placeholder."""
    if _default_site["root_url"] is None:
        from wagtail.models import Site

        try:
            site = Site.objects.filter(is_default_site=True).only("hostname", "port").first()
        except DatabaseError:
            return ""
        configured = site is not None and (site.hostname, site.port) != PLACEHOLDER_SITE
        _default_site["root_url"] = site.root_url if configured else ""
    return _default_site["root_url"]


def forget_default_site(**kwargs):
    _default_site["root_url"] = None


post_save.connect(forget_default_site, sender="wagtailcore.Site")
post_delete.connect(forget_default_site, sender="wagtailcore.Site")


def absolute_url(path_or_url):
    """`path_or_url` made absolute on the platform's address (an absolute URL is kept)."""
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return site_url() + "/" + path_or_url.lstrip("/")


def forget_served_origin():
    """Back to "no request served yet" (tests: a DEBUG test must not leave its address)."""
    _served["origin"] = ""
    settings.WAGTAILADMIN_BASE_URL = settings.SITE_URL or DEFAULT_SITE_URL


def remember_served_origin(origin):
    """Record the address requests reach the server at (only used while SITE_URL is unset);
    Wagtail's notification e-mails read WAGTAILADMIN_BASE_URL, kept in step."""
    origin = origin.rstrip("/")
    if settings.SITE_URL or _served["origin"] == origin:
        return
    _served["origin"] = origin
    settings.WAGTAILADMIN_BASE_URL = origin
