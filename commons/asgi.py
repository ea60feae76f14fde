"""ASGI middleware for websockets."""

from importlib import import_module

from django.conf import settings


class WebsocketSessionMiddleware:
    """The Django session in `scope["session"]`, for websocket connections: Channels'
    SessionMiddleware without its `send` wrapper.

    That wrapper saves a modified session and sets its cookie on `http.response.start`, which a
    websocket never sends (a socket's session is read, never written: logins happen over HTTP).
    Yet it runs for every frame: the chat writes each message to every socket of a room, and at
    50,000 frames per second the wrapper's checks (through the session's LazyObject) cost a
    measurable share of a core (docs/benchmarks.md, issue #14). Needs Channels'
    CookieMiddleware above it, as SessionMiddleware does; AuthMiddleware works below it."""

    def __init__(self, inner):
        self.inner = inner
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("WebsocketSessionMiddleware only serves websocket connections.")
        if "cookies" not in scope:
            raise ValueError("WebsocketSessionMiddleware must run inside CookieMiddleware.")
        session = self.session_store(scope["cookies"].get(settings.SESSION_COOKIE_NAME))
        return await self.inner(dict(scope, session=session), receive, send)


def WebsocketAuthMiddlewareStack(inner):
    """Channels' AuthMiddlewareStack with WebsocketSessionMiddleware in place of SessionMiddleware."""
    from channels.auth import AuthMiddleware
    from channels.sessions import CookieMiddleware

    return CookieMiddleware(WebsocketSessionMiddleware(AuthMiddleware(inner)))
