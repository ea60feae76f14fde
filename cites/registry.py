"""Apps built on cites/ add a panel to a cité's page without cites/ importing them (the same
pattern as themes.registry): provider(cite, user) -> CitePanel | None, registered in ready()."""

from dataclasses import dataclass


@dataclass
class CitePanel:
    title: str
    text: str
    link_url: str = ""
    link_label: str = ""


_providers = []


def register_cite_panel(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(cite, user):
    return [panel for provider in _providers if (panel := provider(cite, user))]
