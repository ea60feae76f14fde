"""Read-only consolidation of submitted answers, for ANCT's dashboards, exports and the public
key figures. Every function runs a fixed number of queries whatever the number of cités,
quarters or indicators (values are read once with values_list, then grouped in Python: medians are
not portable SQL)."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from django.db.models import Max, Q

from cites.models import Cite, Wave
from cites.regions import REGION_LABELS
from commons.french import sort_key
from pilotage.models import (
    Aggregation,
    Answer,
    Campaign,
    Kind,
    Response,
    ResponseStatus,
    VersionIndicator,
)
from themes.models import PublicCible, Theme

YES = "oui"


@dataclass
class Figure:
    """A consolidated figure: how many cités answered, their total and median."""

    cites: int = 0
    total: Decimal | None = None
    median: Decimal | None = None
    yes: int = 0
    # Yes/no and choice indicators: [(answer, number of cités)], every option even at 0 — a
    # total or a median of « En cours » means nothing, how many cités gave each answer does.
    counts: tuple = ()
    # How many cités answered exactly the median: 1 means the median is one cité's own answer.
    median_holders: int = 0

    @property
    def distribution(self):
        """« À engager : 2 · En cours : 5 », as a table cell reads it."""
        return " · ".join(f"{option} : {count}" for option, count in self.counts)

    def value(self, aggregation):
        if aggregation == Aggregation.YES_COUNT:
            return self.yes
        if aggregation == Aggregation.MEDIAN:
            return self.median
        return self.total


def figure(values, kind, options=()):
    """values: the answers (Decimal for numbers, text otherwise) of distinct cités; options: a
    choice indicator's list, in the questionnaire's order."""
    values = [v for v in values if v is not None and v != ""]
    result = Figure(cites=len(values))
    if kind == Kind.CHOICE:
        given = Counter(values)
        # An answer no longer in the list (renamed option in a later version) still counts.
        extra = sorted((v for v in given if v not in options), key=sort_key)
        result.counts = tuple((option, given[option]) for option in [*options, *extra])
    if not values:
        return result
    if kind == Kind.YES_NO:
        result.yes = sum(1 for v in values if v == YES)
        result.counts = (("Oui", result.yes), ("Non", result.cites - result.yes))
    elif kind in (Kind.INTEGER, Kind.DECIMAL, Kind.PERCENTAGE):
        # Adding up the cités' percentages means nothing (found in a user walk: "106 %").
        result.total = None if kind == Kind.PERCENTAGE else sum(values, Decimal(0))
        exact = Decimal(median(values))
        result.median_holders = sum(1 for v in values if Decimal(v) == exact)
        middle = exact.quantize(Decimal("0.01"))
        # A whole median reads "9", not "9,00 réunions".
        result.median = middle.quantize(Decimal(1)) if middle == middle.to_integral() else middle
    return result


def answer_value(kind, number, text):
    return number if kind in (Kind.INTEGER, Kind.DECIMAL, Kind.PERCENTAGE) else text


def submitted_rows(*, campaign_ids=None, indicator_ids=None):
    """(campaign_id, cite_id, indicator_id, number, text, breakdown) of submitted answers."""
    qs = Answer.objects.filter(response__status=ResponseStatus.SUBMITTED)
    if campaign_ids is not None:
        qs = qs.filter(response__campaign_id__in=campaign_ids)
    if indicator_ids is not None:
        qs = qs.filter(indicator_id__in=indicator_ids)
    return qs.values_list(
        "response__campaign_id",
        "response__cite_id",
        "indicator_id",
        "number",
        "text",
        "breakdown",
    ).order_by()


def campaign_questions(campaign):
    return list(
        VersionIndicator.objects.filter(version=campaign.version_id).order_by("position", "code")
    )


def national_table(campaign):
    """[(VersionIndicator, Figure)] for a campaign: 2 queries."""
    questions = campaign_questions(campaign)
    by_indicator = defaultdict(list)
    for _, _, indicator_id, number, text, _ in submitted_rows(campaign_ids=[campaign.pk]):
        by_indicator[indicator_id].append((number, text))
    return [
        (
            vi,
            figure(
                [answer_value(vi.kind, n, t) for n, t in by_indicator[vi.indicator_id]],
                vi.kind,
                vi.choice_list,
            ),
        )
        for vi in questions
    ]


def response_statuses(campaign):
    """{cite_id: Response} for the campaign (1 query), each with `last_edit`: when a member last
    changed an answer (None if nobody did). Not the response's updated_at, which ANCT's extension
    or reopening also moves, nor pre-filled answers, which nobody typed."""
    return {
        r.cite_id: r
        for r in Response.objects.filter(campaign=campaign)
        .select_related("campaign")
        .annotate(
            last_edit=Max("answers__updated_at", filter=Q(answers__prefilled=False)),
        )
    }


def submission_table(campaign):
    """Every published cité with its questionnaire's state, those not submitted first."""
    responses = response_statuses(campaign)
    rows = []
    for cite in sorted(Cite.objects.published(), key=lambda c: sort_key(c.short_name)):
        response = responses.get(cite.pk)
        rows.append((cite, response))
    rows.sort(key=lambda row: bool(row[1] and row[1].is_submitted))
    return rows


class CiteDimensions:
    """Region, département, wave, champs d'action and publics cibles of every cité (3 queries)."""

    def __init__(self):
        self.cites = {
            c["pk"]: c
            for c in Cite.objects.values(
                "pk", "short_name", "slug", "region", "departement_code", "departement", "wave"
            )
        }
        self.themes = defaultdict(list)
        for cite_id, slug in Cite.themes.through.objects.values_list("cite_id", "theme__slug"):
            self.themes[cite_id].append(slug)
        self.publics = defaultdict(list)
        for cite_id, slug in Cite.publics_cibles.through.objects.values_list(
            "cite_id", "publiccible__slug"
        ):
            self.publics[cite_id].append(slug)

    def groups(self, cite_id, dimension):
        cite = self.cites.get(cite_id)
        if cite is None:
            return []
        if dimension == "region":
            return [cite["region"]]
        if dimension == "departement":
            return [cite["departement_code"]]
        if dimension == "wave":
            return [cite["wave"]]
        if dimension == "themes":
            return self.themes[cite_id]
        if dimension == "publics":
            return self.publics[cite_id]
        return []


DIMENSIONS = [
    ("region", "Région"),
    ("departement", "Département"),
    ("wave", "Vague de labellisation"),
    ("themes", "Champ d'action"),
    ("publics", "Public cible"),
]


def dimension_labels(dimension, dims):
    if dimension == "region":
        return dict(REGION_LABELS)
    if dimension == "departement":
        return {c["departement_code"]: c["departement"] for c in dims.cites.values()}
    if dimension == "wave":
        return dict(Wave.choices)
    if dimension == "themes":
        return dict(Theme.objects.values_list("slug", "short_label"))
    if dimension == "publics":
        return dict(PublicCible.objects.values_list("slug", "label"))
    return {}


def by_dimension(campaign, vi, dimension, dims=None):
    """[(label, Figure)] of one indicator for one campaign, grouped by a dimension.

    For champs d'action and publics cibles, an indicator broken down by that dimension is
    consolidated from its parts (each cité's part for that champ); otherwise a cité counts in
    the groups of its priority champs d'action / publics cibles."""
    dims = dims or CiteDimensions()
    labels = dimension_labels(dimension, dims)
    groups = defaultdict(list)
    uses_parts = (dimension == "themes" and vi.breaks_down_themes) or (
        dimension == "publics" and vi.breaks_down_publics
    )
    for _, cite_id, _, number, text, breakdown in submitted_rows(
        campaign_ids=[campaign.pk], indicator_ids=[vi.indicator_id]
    ):
        if uses_parts:
            for slug, part in (breakdown or {}).get(dimension, {}).items():
                groups[slug].append(Decimal(part))
        else:
            for key in dims.groups(cite_id, dimension):
                groups[key].append(answer_value(vi.kind, number, text))
    rows = [
        (labels.get(key, str(key)), figure(values, vi.kind, vi.choice_list))
        for key, values in groups.items()
    ]
    return sorted(rows, key=lambda row: sort_key(row[0]))


def evolution(indicator_id, kind, campaigns, options=()):
    """[(Campaign, Figure)] over the given campaigns (1 query)."""
    by_campaign = defaultdict(list)
    for campaign_id, _, _, number, text, _ in submitted_rows(
        campaign_ids=[c.pk for c in campaigns], indicator_ids=[indicator_id]
    ):
        by_campaign[campaign_id].append(answer_value(kind, number, text))
    return [(c, figure(by_campaign[c.pk], kind, options)) for c in campaigns]


def cite_series(cite, indicator_ids, campaigns):
    """{indicator_id: {campaign_id: Answer}} of a cité, whatever the responses' state, values
    carried over from last quarter that nobody saved left out (1 query)."""
    series = defaultdict(dict)
    for answer in Answer.objects.filter(
        prefilled=False,
        response__cite=cite,
        response__campaign__in=campaigns,
        indicator_id__in=indicator_ids,
    ).select_related("response"):
        series[answer.indicator_id][answer.response.campaign_id] = answer
    return series


def asked_labels(campaigns):
    """{(version_id, indicator_id): label} of the campaigns' frozen versions (1 query)."""
    versions = {c.version_id for c in campaigns if c.version_id}
    return {
        (version, indicator): label
        for version, indicator, label in VersionIndicator.objects.filter(
            version__in=versions
        ).values_list("version_id", "indicator_id", "label")
    }


def campaigns_with_version():
    return list(Campaign.objects.exclude(version=None).chronological())


def transmitted_texts(campaign, indicator):
    """[(cité, text)] of a free-text indicator for a campaign, transmitted questionnaires only,
    cités in French order (1 query)."""
    answers = (
        Answer.objects.filter(
            response__campaign=campaign,
            response__status=ResponseStatus.SUBMITTED,
            indicator=indicator,
        )
        .exclude(text="")
        .select_related("response__cite")
    )
    rows = [(answer.response.cite, answer.text) for answer in answers]
    return sorted(rows, key=lambda row: sort_key(row[0].short_name))


# Below this share of the published cités, a closed quarter is « partiel »: its total next to
# complete quarters would read as a collapse (walk17e: 815 beneficiaries after 6 634, 2 cités of 15).
PARTIAL_SHARE = Decimal("0.5")


def transmitted_counts(campaigns):
    """{campaign_id: number of transmitted questionnaires} (1 query)."""
    from django.db.models import Count

    return dict(
        Response.objects.filter(campaign__in=campaigns, status=ResponseStatus.SUBMITTED)
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def is_partial(transmitted, cites):
    return cites > 0 and transmitted < PARTIAL_SHARE * cites


def transmitted_phrase(transmitted, cites):
    """« 2 cités sur 15 ont transmis », « 1 cité sur 15 a transmis », « Aucune cité sur 15 n'a
    transmis » — French counts, never « 0 cité … a transmis »."""
    if transmitted == 0:
        return f"aucune cité sur {cites} n'a transmis"
    if transmitted == 1:
        return f"1 cité sur {cites} a transmis"
    return f"{transmitted} cités sur {cites} ont transmis"
