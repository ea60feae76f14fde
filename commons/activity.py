"""The registry of activity providers: ANCT's activity dashboard (pilotage/) shows the network's
activity without importing the apps that hold it. Each app registers, in AppConfig.ready(), a
provider(since) -> list[ActivityTable] computing aggregates only (counts per cité, group,
month…): never a person's name or a message."""

from dataclasses import dataclass, field


@dataclass
class ActivityTable:
    title: str
    columns: list
    rows: list = field(default_factory=list)  # tuples, one value per column
    # Shown after the title: by default the period asked (« 12 derniers mois »); a table of what
    # is still to come says so instead.
    period: str = ""


_providers = []


def register_activity_provider(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def activity_tables(since):
    return [table for provider in _providers for table in provider(since)]
