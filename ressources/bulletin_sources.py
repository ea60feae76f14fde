"""What a bulletin de veille is composed from: everything published since the last issue.

ressources/ offers its own pages (fiches, actions inspirantes, portraits, parcours). Other apps'
content reaches the bulletin through this registry without ressources/ importing them: café-cité
replays are registered by the host (cde_site/apps.py), since cafes_cites/ and ressources/ are
siblings that may not import each other (the same pattern as cafes_cites.registry).

A source is a callable `provider(since)` returning mappings with the keys id, title, summary,
url (absolute), themes (champ d'action slugs), published_at (aware datetime), and optionally
page_id and kind (a label overriding the source's). It returns only what may be shown to anyone:
the bulletin is a public e-mail.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit


@dataclass(frozen=True)
class BulletinCandidate:
    key: str  # "<source>-<id>": stable, used in the composition form
    kind: str
    title: str
    summary: str
    url: str
    themes: tuple[str, ...]
    published_at: datetime
    page_id: int | None = None

    @property
    def path(self):
        return urlsplit(self.url).path


_sources = {}  # name -> (label, provider), in registration order


def register_bulletin_source(name, label, provider):
    _sources[name] = (label, provider)
    return provider


def source_names():
    return list(_sources)


def candidates(since=None):
    """Every source's items published after `since`, newest first."""
    found = []
    for name, (label, provider) in _sources.items():
        for item in provider(since):
            found.append(
                BulletinCandidate(
                    key=f"{name}-{item['id']}",
                    kind=item.get("kind") or label,
                    title=item["title"],
                    summary=item.get("summary") or "",
                    url=item["url"],
                    themes=tuple(item.get("themes") or ()),
                    published_at=item["published_at"],
                    page_id=item.get("page_id"),
                )
            )
    return sorted(found, key=lambda candidate: candidate.published_at, reverse=True)
