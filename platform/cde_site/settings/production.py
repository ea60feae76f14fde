"""Production: DEBUG off, SECRET_KEY required, HTTPS everywhere, hashed static files."""

import os

os.environ["DEBUG"] = "0"

from cde_site.settings.base import *  # noqa: F403
from cde_site.settings.base import env_bool

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# "__Host-" cookies are accepted by browsers only when Secure, with Path=/ and no Domain (Django's
# defaults, never changed here): a neighbouring subdomain can neither read nor plant them
# (session fixation, CSRF token injection). Renaming the cookies logs everybody out once.
SESSION_COOKIE_NAME = os.environ.get("SESSION_COOKIE_NAME", "__Host-sessionid")
CSRF_COOKIE_NAME = os.environ.get("CSRF_COOKIE_NAME", "__Host-csrftoken")
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    **STORAGES,  # noqa: F405 (media: filesystem or S3, from the environment)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
