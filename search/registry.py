"""What can be searched, declared by the apps that own it.

Each app describes its content in a `search_indexes.py` module (discovered at startup, like
admin.py): a SearchProvider per source model says which entries an object yields, who may see
them, and which model changes make an object stale. search/ never imports the apps' models
itself, so an app that is not installed simply contributes nothing.

Privacy is expressed as audience tokens. An entry carries the tokens of who may see it
("public", "authenticated", "group:12", "authgroup:3"…); a user holds the tokens the providers
grant through their apps' permission functions; an entry is visible when both sets meet.
"""

import datetime
from dataclasses import dataclass, field

PUBLIC = "public"
AUTHENTICATED = "authenticated"


@dataclass
class SearchEntry:
    key: str  # unique id in the index: "<kind>:<id>"
    kind: str
    title: str
    url: str
    slug: str = ""
    summary: str = ""
    body: str = ""
    themes: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    region: str = ""
    cite: str = ""
    date: datetime.date | None = None
    audience: list[str] = field(default_factory=lambda: [PUBLIC])
    extra: dict = field(default_factory=dict)  # kind-specific fields for the Document class


class SearchProvider:
    """One source model. Subclasses set `model`, `kinds` and implement `entries()`."""

    model = None
    # kind -> French label, in display order.
    kinds: dict[str, str] = {}
    # Elasticsearch Document class per kind (search.documents); default: the generic one.
    documents: dict = {}

    @property
    def label(self):
        return self.model._meta.label_lower

    def source_key(self, pk):
        return f"{self.label}:{pk}"

    def queryset(self):
        """Every object that may yield entries, for a full rebuild (ordered by pk)."""
        return self.model._default_manager.order_by("pk")

    def load(self, pks):
        """Objects still present among `pks` (a deleted object yields no entries)."""
        return self.queryset().filter(pk__in=pks)

    def entries(self, obj):
        raise NotImplementedError

    def watched(self):
        """(model, resolver) pairs: when an instance of `model` changes, resolver(instance)
        returns the pks of this provider's objects to reindex. The source model itself is
        always watched."""
        return []

    def audience_for(self, user):
        """Tokens this app grants `user` (through its own permission functions)."""
        return set()


_providers: dict[str, SearchProvider] = {}


def register(provider_class):
    """Class decorator used in apps' search_indexes.py."""
    provider = provider_class()
    _providers[provider.label] = provider
    return provider_class


def providers():
    return list(_providers.values())


def get_provider(label):
    return _providers.get(label)


def kind_labels():
    return {kind: label for p in _providers.values() for kind, label in p.kinds.items()}


def audience_for(user):
    tokens = {PUBLIC}
    if user.is_authenticated and user.is_active:
        tokens.add(AUTHENTICATED)
        for provider in _providers.values():
            tokens |= provider.audience_for(user)
    return tokens


# Facet vocabularies ("theme", "region", "cite", "public"): values and French labels, declared by
# the apps that own them (cites/search_indexes.py), so that search/ imports neither cites nor
# themes and an absent vocabulary simply offers no choice.
_vocabularies: dict[str, tuple] = {}


def register_vocabulary(facet, labels, values=None):
    """`labels()` -> {value: label} in display order. `values` (optional, a fixed collection)
    validates a filter without a query; by default a value is valid when `labels()` has it."""
    _vocabularies[facet] = (labels, values)


def vocabulary(facet):
    labels, _values = _vocabularies.get(facet, (dict, None))
    return labels()


def valid_values(facet):
    labels, values = _vocabularies.get(facet, (dict, None))
    return labels() if values is None else values
