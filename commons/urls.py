"""Absolute addresses of the platform, for what is read outside a page: e-mails, .ics files,
feeds, Wagtail's workflow notifications.

SITE_URL (the public address) decides when it is set. When it is not (the demo started with
`runserver` on any address and port), the address the server actually answers on is taken from
the requests it serves (cde_site.middleware.ServedAddressMiddleware, DEBUG only: the host then
comes from ALLOWED_HOSTS' local names, never from an arbitrary Host header in production).
"""

from django.conf import settings

DEFAULT_SITE_URL = "http://127.0.0.1:8000"

# scheme://host[:port] of the last request served, while SITE_URL is unset.
_served = {"origin": ""}


def site_url():
    """scheme://host[:port], without a trailing slash."""
    return (settings.SITE_URL or _served["origin"] or DEFAULT_SITE_URL).rstrip("/")


def absolute_url(path_or_url):
    """`path_or_url` made absolute on the platform's address (an absolute URL is kept)."""
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return site_url() + "/" + path_or_url.lstrip("/")


def remember_served_origin(origin):
    """Record the address requests reach the server at (only used while SITE_URL is unset);
    Wagtail's notification e-mails read WAGTAILADMIN_BASE_URL, kept in step."""
    origin = origin.rstrip("/")
    if settings.SITE_URL or _served["origin"] == origin:
        return
    _served["origin"] = origin
    settings.WAGTAILADMIN_BASE_URL = origin
