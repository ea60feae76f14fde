"""Apps built on cites/ add a panel to a cité's page without cites/ importing them (the same
pattern as themes.registry): provider(cite, user) -> CitePanel | None, registered in ready().

A panel is a short call-out in the side column (title, text, a link), or, when it names a
`template`, a section of the main column rendered from that template with `context` (the
provider's app owns the template: lists, forms)."""

from dataclasses import dataclass, field


@dataclass
class CitePanel:
    title: str
    text: str
    link_url: str = ""
    link_label: str = ""
    template: str = ""
    context: dict = field(default_factory=dict)


_providers = []


def register_cite_panel(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(cite, user):
    return [panel for provider in _providers if (panel := provider(cite, user))]
