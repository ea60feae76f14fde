"""Local development and `make demo`: DEBUG on unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "1")

from cde_site.settings.base import *  # noqa: F403

REPLY_EMAIL_DOMAIN = os.environ.get("REPLY_EMAIL_DOMAIN") or "reponses.localhost"
