"""ASGI entry point: HTTP through Django, websockets through Channels.

Each pluggable app exposes `websocket_urlpatterns` in its `routing` module; they are
collected here so that adding an app to INSTALLED_APPS is enough to route its sockets.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cde_site.settings.dev")

# Must run before anything imports models (consumers, routing modules).
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from cde_site.routing import websocket_urlpatterns  # noqa: E402
from commons.asgi import WebsocketAuthMiddlewareStack  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            WebsocketAuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# What is loaded by now (Django, Wagtail, every app) lives as long as the process: keep it out
# of the garbage collector's passes, which would otherwise scan it all while every socket of
# the process waits (chat load test: 0.4 to 0.6 s pauses, docs/benchmarks.md); and collect
# young objects less often (a socket's objects live as long as the socket).
gc.freeze()
gc.set_threshold(50_000, 20, 20)
