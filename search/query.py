"""A search request, parsed and validated once, and the response both backends return."""

import datetime
from dataclasses import dataclass, field

from search import registry

MAX_QUERY_LENGTH = 200
MAX_PAGE_SIZE = 50
SORTS = {"pertinence": "Pertinence", "date": "Date (plus récent d'abord)"}
FACETS = ("type", "theme", "region")


class InvalidSearch(ValueError):
    """A parameter that cannot be understood; the message is shown to the user (French)."""


@dataclass
class SearchRequest:
    q: str = ""
    types: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = "pertinence"
    page: int = 1
    page_size: int = 20

    @property
    def offset(self):
        return (self.page - 1) * self.page_size

    def facet_filters(self):
        return {"type": self.types, "theme": self.themes, "region": self.regions}


@dataclass
class Hit:
    key: str
    type: str
    type_label: str
    slug: str
    title: str
    url: str
    snippet: str  # safe HTML (escaped text with <mark>)
    themes: list[str]
    date: datetime.date | None
    # Found by the relaxed pass only: matches part of the words (search.pipeline.should_relax).
    approaching: bool = False


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResponse:
    count: int
    page: int
    page_size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    did_you_mean: str = ""
    backend: str = ""
    degraded: bool = False
    # How many of `count` match the minimum of words (all of them without a relaxed pass);
    # the others, ranked after them, come from the relaxed pass.
    exact_count: int | None = None

    def __post_init__(self):
        if self.exact_count is None:
            self.exact_count = self.count

    @property
    def num_pages(self):
        return max(1, -(-self.count // self.page_size))


def _list(params, name):
    values = []
    for raw in params.getlist(name):
        values.extend(v.strip() for v in raw.split(",") if v.strip())
    return list(dict.fromkeys(values))


def _int(params, name, default, minimum, maximum, message):
    raw = params.get(name, "")
    if raw in ("", None):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidSearch(message) from None
    if not minimum <= value <= maximum:
        raise InvalidSearch(message)
    return value


def _date(params, name, label):
    raw = params.get(name, "")
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise InvalidSearch(f"La date « {label} » doit être au format AAAA-MM-JJ.") from None


def parse(params, default_page_size=20):
    """SearchRequest from a QueryDict; raises InvalidSearch with a French message."""
    q = " ".join(params.get("q", "").split())
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidSearch(
            f"La recherche est trop longue ({MAX_QUERY_LENGTH} caractères au plus)."
        )
    request = SearchRequest(
        q=q,
        types=_list(params, "type"),
        themes=_list(params, "theme"),
        regions=_list(params, "region"),
        cites=_list(params, "cite"),
        publics=_list(params, "public"),
        date_from=_date(params, "date_min", "à partir du"),
        date_to=_date(params, "date_max", "jusqu'au"),
        sort=params.get("tri", params.get("sort", "")) or "pertinence",
        page=_int(params, "page", 1, 1, 10_000, "Le numéro de page doit être un entier positif."),
        page_size=_int(
            params,
            "page_size",
            default_page_size,
            1,
            MAX_PAGE_SIZE,
            f"La taille de page doit être comprise entre 1 et {MAX_PAGE_SIZE}.",
        ),
    )
    kinds = registry.kind_labels()
    for value in request.types:
        if value not in kinds:
            raise InvalidSearch(f"Type de contenu inconnu : « {value} ».")
    themes = registry.valid_values("theme")
    for value in request.themes:
        if value not in themes:
            raise InvalidSearch(f"Champ d'action inconnu : « {value} ».")
    regions = registry.valid_values("region")
    for value in request.regions:
        if value not in regions and value != "national":
            raise InvalidSearch(f"Région inconnue : « {value} ».")
    if request.sort not in SORTS:
        raise InvalidSearch("Tri inconnu : choisissez « pertinence » ou « date ».")
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise InvalidSearch("La date de début est postérieure à la date de fin.")
    return request


def facet_labels():
    return {
        "type": registry.kind_labels(),
        "theme": registry.vocabulary("theme"),
        "region": {"national": "National", **registry.vocabulary("region")},
    }


def build_facets(request, counts):
    """counts: facet -> {value: count}. Ordered like the labels; zero counts dropped except
    for selected values (so a selected filter can always be removed)."""
    labels = facet_labels()
    selected = request.facet_filters()
    facets = {}
    for facet in FACETS:
        values = []
        for value, label in labels[facet].items():
            count = counts.get(facet, {}).get(value, 0)
            if count or value in selected[facet]:
                values.append(FacetValue(value, label, count, value in selected[facet]))
        if facet == "region":
            values.sort(key=lambda v: (-v.count, v.label))
        facets[facet] = values
    return facets
