"""App settings with their defaults in the app (the django-appconf pattern, without the
dependency): each app's conf.py lists DEFAULTS and its AppConfig.ready() calls apply_defaults, so a
host sets only what varies and the app's modules keep reading django.conf.settings at use time
(tests' overrides reach them)."""

from django.conf import settings


def apply_defaults(defaults):
    for name, value in defaults.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
