"""Local development and `make demo`: DEBUG on unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "1")

from cde_site.settings.base import *  # noqa: F403
