"""Websocket routes of every installed app that has a `routing` module."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


def collect_websocket_urlpatterns():
    patterns = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.routing"
        if config.name == "cde_site" or find_spec(module_name) is None:
            continue
        patterns += getattr(import_module(module_name), "websocket_urlpatterns", [])
    return patterns


websocket_urlpatterns = collect_websocket_urlpatterns()
