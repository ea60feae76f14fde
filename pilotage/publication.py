"""The public key figures: national consolidations ANCT chose to publish (Indicator.is_public).

The rule (docs/pilotage.md, « Chiffres clés publics »), the same for the page and the API:
- the quarter published is the newest **closed** campaign whose coverage is enough: at least
  PILOTAGE_PUBLIC_MIN_CITES (never under 3) cités transmitted AND at least PILOTAGE_PUBLIC_MIN_SHARE
  (half by default) of the expected cités (the published cités, all asked to answer). A partial
  quarter (closed early, or reopened cités transmitting after the closing) never replaces it;
- a figure rests on at least PILOTAGE_PUBLIC_MIN_CITES answers;
- a median is left out when only one cité gave exactly that value and fewer than
  PILOTAGE_PUBLIC_MEDIAN_MIN_CITES (5) cités answered: it would be that cité's own answer;
- « N cités sur M »: M is the number of expected cités, not of those that answered.
No cité's own answer is ever published."""

import math

from commons.french import format_number
from pilotage import consolidation
from pilotage.conf import public_median_min_cites, public_min_share, public_threshold
from pilotage.models import Aggregation, Campaign, Indicator


def expected_cites(campaign=None):
    """The cités a campaign asked to answer: those published when it opened (the published cités
    now for a campaign opened before this was recorded, or not opened yet)."""
    from cites.models import Cite

    if campaign is not None and campaign.expected_cites is not None:
        return campaign.expected_cites
    return Cite.objects.published().count()


def required_submissions(expected):
    """How many transmitted questionnaires a closed quarter needs to be published."""
    return max(public_threshold(), math.ceil(public_min_share() * expected))


def publishable(fig, aggregation):
    if fig.cites < public_threshold():
        return False
    return not (
        aggregation == Aggregation.MEDIAN
        and fig.median_holders <= 1
        and fig.cites < public_median_min_cites()
    )


def key_figures():
    """{"campaign", "figures": [dict], "expected", "required", "transmitted"} (4 queries)."""
    now = expected_cites()

    def required_for(campaign):
        return required_submissions(
            campaign.expected_cites if campaign.expected_cites is not None else now
        )

    campaign = Campaign.objects.last_closed_with(submitted=required_for)
    if campaign is None:
        return {
            "campaign": None,
            "figures": [],
            "expected": now,
            "required": required_submissions(now),
            "transmitted": 0,
        }
    transmitted = campaign.submitted
    # A cité published after the opening may still have answered: never « 7 cités sur 6 ».
    expected = max(campaign.expected_cites or now, transmitted)
    required = required_for(campaign)
    public = set(Indicator.objects.filter(is_public=True).values_list("pk", flat=True))
    figures = []
    for vi, fig in consolidation.national_table(campaign):
        if vi.indicator_id not in public or not publishable(fig, vi.aggregation):
            continue
        value = fig.value(vi.aggregation)
        if value is None:
            continue
        figures.append(
            {
                "code": vi.code,
                "label": vi.label,
                "enjeu": vi.get_enjeu_display(),
                "unit": vi.unit,
                "aggregation": vi.aggregation,
                "aggregation_label": vi.get_aggregation_display(),
                "value": value,
                "display": format_number(value)
                if vi.aggregation != Aggregation.YES_COUNT
                else str(value),
                "cites": fig.cites,
                "expected": expected,
            }
        )
    return {
        "campaign": campaign,
        "figures": figures,
        "expected": expected,
        "required": required,
        "transmitted": transmitted,
    }


def key_figures_json():
    data = key_figures()
    campaign = data["campaign"]
    return {
        "campagne": campaign.code if campaign else None,
        "seuil_minimum_cites": public_threshold(),
        "part_minimum_des_cites_attendues": float(public_min_share()),
        "nombre_de_cites_attendues": data["expected"],
        "nombre_de_cites_ayant_transmis": data["transmitted"] if campaign else None,
        "chiffres": [
            {
                "code": f["code"],
                "intitule": f["label"],
                "enjeu": f["enjeu"],
                "unite": f["unit"],
                "consolidation": f["aggregation"],
                "valeur": float(f["value"]),
                "nombre_de_cites": f["cites"],
                "nombre_de_cites_attendues": f["expected"],
            }
            for f in data["figures"]
        ],
    }
