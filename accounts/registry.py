"""Links that apps built on accounts/ add to the profile's side menu, without accounts/ naming
them (the same pattern as themes.registry): rgpd/ registers « Mes données » in its ready(). An app
that is not installed adds nothing, so the profile never links to a missing URL."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class ProfileLink:
    label: str
    url_name: str
    position: int = 100


_links: list[ProfileLink] = []


def register_profile_link(label, url_name, position=100):
    link = ProfileLink(label, url_name, position)
    if link not in _links:
        _links.append(link)
    return link


def profile_links():
    """[(label, url)] in menu order."""
    return [
        (link.label, reverse(link.url_name))
        for link in sorted(_links, key=lambda link: link.position)
    ]
