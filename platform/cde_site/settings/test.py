"""Test settings: real services from the environment, fast hashing, outbox e-mail."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from cde_site.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# pytest-xdist runs the suite in several processes at once (PYTEST_XDIST_WORKER: gw0, gw1…,
# inherited by the subprocesses the tests start). pytest-django names the test database per
# worker; the shared Redis (cache keys, channel-layer groups: pub/sub is not scoped by database
# index) and the media folders get the worker's name too, so workers never see each other's.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_SUFFIX = f"-{WORKER}" if WORKER else ""
MEDIA_ROOT = VAR_DIR / f"test-media{WORKER_SUFFIX}"  # noqa: F405
PRIVATE_MEDIA_ROOT = VAR_DIR / f"test-private-media{WORKER_SUFFIX}"  # noqa: F405
if WORKER and REDIS_URL:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] += WORKER_SUFFIX  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] += WORKER_SUFFIX  # noqa: F405
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
ACCOUNT_RATE_LIMITS = False
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
REPLY_EMAIL_DOMAIN = "reponses.test"
