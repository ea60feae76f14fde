"""Apps built on themes/ contribute sections to each theme page without themes/ importing them.

An app registers, in its AppConfig.ready(), a provider: a callable taking (theme, user) and
returning a ThemeSection or None. The provider applies its own app's permission rules.
"""

from dataclasses import dataclass, field


@dataclass
class ThemeItem:
    title: str
    url: str
    description: str = ""
    detail: str = ""


@dataclass
class ThemeSection:
    key: str
    title: str
    items: list[ThemeItem] = field(default_factory=list)
    more_url: str = ""
    more_label: str = ""
    position: int = 100


_providers = []


def register_theme_section(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections_for(theme, user):
    sections = [section for provider in _providers if (section := provider(theme, user))]
    return sorted(sections, key=lambda section: section.position)
