#!/usr/bin/env python
"""Django's command-line utility for the cités de l'emploi platform."""

import os
import sys
from pathlib import Path

# The host site lives in platform/ (a folder, not a package: a package named
# "platform" would shadow the standard library module Django's dependencies use).
sys.path.insert(0, str(Path(__file__).resolve().parent / "platform"))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cde_site.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
