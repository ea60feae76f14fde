"""Request facts every app needs the same way."""

from django.conf import settings


def client_ip(request):
    """The client's IP address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the
    X-Forwarded-For entry the first trusted proxy saw (entries before it can be forged)."""
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [ip for ip in forwarded if ip]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
