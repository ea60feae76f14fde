"""Shared builders for the pilotage tests: a small référentiel and campaigns."""

import datetime
from decimal import Decimal

from pilotage import services
from pilotage.models import Aggregation, Breakdown, Campaign, Enjeu, Indicator, Kind

TODAY = datetime.date.today()


def make_indicators():
    specs = [
        ("comites-pilotage", "Comités de pilotage réunis", Enjeu.COOPERATION, Kind.INTEGER, {}),
        (
            "taux-femmes",
            "Part de femmes parmi les bénéficiaires",
            Enjeu.DROIT_COMMUN,
            Kind.PERCENTAGE,
            {"aggregation": Aggregation.MEDIAN},
        ),
        (
            "beneficiaires",
            "Bénéficiaires accompagnés",
            Enjeu.DROIT_COMMUN,
            Kind.INTEGER,
            {"breakdown": Breakdown.THEMES, "is_public": True},
        ),
        (
            "budget",
            "Budget mobilisé",
            Enjeu.OFFRE_SPECIFIQUE,
            Kind.DECIMAL,
            {"unit": "k€", "required": False},
        ),
        (
            "cotech",
            "Un comité technique s'est réuni",
            Enjeu.COOPERATION,
            Kind.YES_NO,
            {"aggregation": Aggregation.YES_COUNT, "required": False},
        ),
        (
            "diagnostic",
            "État du diagnostic",
            Enjeu.COOPERATION,
            Kind.CHOICE,
            {"choices": "À engager\nEn cours\nAchevé", "required": False},
        ),
    ]
    return {
        code: Indicator.objects.create(
            code=code, label=label, enjeu=enjeu, kind=kind, position=i, **extra
        )
        for i, (code, label, enjeu, kind, extra) in enumerate(specs)
    }


def make_campaign(year=2026, quarter=4, *, open_by=None, closes_in=14):
    campaign = Campaign.objects.create(
        year=year,
        quarter=quarter,
        opens_on=TODAY - datetime.timedelta(days=7),
        closes_on=TODAY + datetime.timedelta(days=closes_in),
    )
    if open_by is not None:
        services.open_campaign(campaign, open_by)
        campaign.refresh_from_db()
    return campaign


def answer_and_submit(campaign, cite, coordinator, values):
    """values: {code: number or text}; every required answer must be given."""
    response = services.get_or_create_response(campaign, cite)
    by_code = {i.code: i for i in Indicator.objects.all()}
    from pilotage.forms import AnswerValue

    payload = {}
    for code, value in values.items():
        if isinstance(value, str):
            payload[by_code[code].pk] = AnswerValue(text=value, confirmed_prefill=True)
        else:
            payload[by_code[code].pk] = AnswerValue(
                number=Decimal(str(value)), confirmed_prefill=True
            )
    revisions = dict(response.answers.values_list("indicator_id", "revision"))
    services.save_answers(response, coordinator, payload, revisions)
    return services.submit_response(response, coordinator)
