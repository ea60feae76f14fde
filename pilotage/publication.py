"""The public key figures: national consolidations ANCT chose to publish (Indicator.is_public),
for the last closed campaign that enough cités answered, and never a figure computed from fewer than
PILOTAGE_PUBLIC_MIN_CITES (at least 3) cités. No cité's own answer is ever published."""

from commons.french import format_number
from pilotage import consolidation
from pilotage.conf import public_threshold
from pilotage.models import Aggregation, Campaign, Indicator


def key_figures():
    """{"campaign": Campaign | None, "figures": [dict]} (3 queries)."""
    threshold = public_threshold()
    campaign = Campaign.objects.last_closed_with(submitted=threshold)
    if campaign is None:
        return {"campaign": None, "figures": []}
    public = set(Indicator.objects.filter(is_public=True).values_list("pk", flat=True))
    figures = []
    for vi, fig in consolidation.national_table(campaign):
        if vi.indicator_id not in public or fig.cites < threshold:
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
            }
        )
    return {"campaign": campaign, "figures": figures}


def key_figures_json():
    data = key_figures()
    campaign = data["campaign"]
    return {
        "campagne": campaign.code if campaign else None,
        "seuil_minimum_cites": public_threshold(),
        "chiffres": [
            {
                "code": f["code"],
                "intitule": f["label"],
                "enjeu": f["enjeu"],
                "unite": f["unit"],
                "consolidation": f["aggregation"],
                "valeur": float(f["value"]),
                "nombre_de_cites": f["cites"],
            }
            for f in data["figures"]
        ],
    }
