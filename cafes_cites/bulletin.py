"""Café-cité replays offered to the bulletin de veille. cafes_cites/ does not know the bulletin
(ressources/ is a sibling app): the host registers `published_replays` as one of the bulletin's
sources (cde_site/apps.py, ressources.bulletin_sources). The agenda is public, so is a replay."""

from django.utils.html import strip_tags
from django.utils.text import Truncator

from cafes_cites.models import Session
from commons.urls import absolute_url


def published_replays(since=None):
    """Sessions whose replay was published after `since` (all of them when None), newest first,
    as plain mappings: id, title, summary, url, themes (champ slugs), published_at."""
    sessions = Session.objects.filter(
        is_cancelled=False, replay_published_at__isnull=False
    ).exclude(replay_url="")
    if since is not None:
        sessions = sessions.filter(replay_published_at__gt=since)
    sessions = sessions.order_by("-replay_published_at", "-pk").prefetch_related("themes")
    return [
        {
            "id": session.pk,
            "title": f"Replay — {session.label}",
            "summary": Truncator(strip_tags(session.description)).chars(300),
            "url": absolute_url(session.get_absolute_url()),
            "themes": [theme.slug for theme in session.themes.all()],
            "published_at": session.replay_published_at,
        }
        for session in sessions
    ]
