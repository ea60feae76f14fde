"""Blocks that sibling apps add to Mon espace without espace/ importing them (pilotage/ sits in
the same layer): the host registers a provider(user, cite) -> CitePanel | None in its ready(),
`cite` being the user's cité or None. A panel that names a `template` is rendered from it with
`context` (the provider's app owns the template), else as a title, a text and a link.

A provider runs on every visit of Mon espace: it must make a fixed number of queries, whatever
the user's history (tests/espace/test_espace.py, bench/inbox.py)."""

_providers = []


def register_home_section(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def home_sections(user, cite):
    return [section for provider in _providers if (section := provider(user, cite))]
