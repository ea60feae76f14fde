"""Demo content of pilotage/: a référentiel of 30 indicators written from the vadémécum (the three
enjeux, the "indicateurs de référence" of the fiche de présentation, the public-cible criteria),
six closed quarters of answers for every demo cité, the current quarter open with one cité in draft
and one submitted.

Orders of magnitude follow ANCT's published national figures for the programme (425 comités de
pilotage, 27 types d'acteurs, 803 référents, 2 588 actions d'aller-vers, 31 915 bénéficiaires,
1 493 actions innovantes, for about 80 cités since 2020): per cité and per quarter, a comité de
pilotage or none, about 10 référents, a few aller-vers actions, some 400 bénéficiaires followed.

Idempotent: indicators are found by code, campaigns by quarter, responses by (campaign, cité);
past answers are rewritten from a seeded generator, so a second run gives the same figures.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from cites.models import Cite
from pilotage import services
from pilotage.forms import AnswerValue
from pilotage.models import (
    Aggregation,
    Answer,
    Breakdown,
    Campaign,
    CampaignStatus,
    Enjeu,
    Indicator,
    Kind,
    Response,
    ResponseStatus,
    previous_quarter,
)

CO, DC, OS = Enjeu.COOPERATION, Enjeu.DROIT_COMMUN, Enjeu.OFFRE_SPECIFIQUE
INT, P, Y, T, CH, DEC = (
    Kind.INTEGER,
    Kind.PERCENTAGE,
    Kind.YES_NO,
    Kind.TEXT,
    Kind.CHOICE,
    Kind.DECIMAL,
)

# (code, label, enjeu, kind, unit, extra, generator(rng, quarter_index) -> value)
INDICATORS = [
    # 1. Coopération des acteurs
    ("comites-pilotage", "Comités de pilotage (Copil) réunis dans le trimestre", CO, INT, "réunions",
     {"is_public": True}, lambda r, q: r.choice([0, 1, 1, 1, 2])),
    ("comites-techniques", "Comités techniques (Cotech) réunis dans le trimestre", CO, INT, "réunions",
     {}, lambda r, q: r.randint(1, 4)),
    ("types-acteurs", "Types d'acteurs mobilisés dans le partenariat", CO, INT, "types d'acteurs",
     {"help_text": "SPE, collectivités, associations de proximité, entreprises, bailleurs…",
      "aggregation": Aggregation.MEDIAN, "is_public": True}, lambda r, q: r.randint(8, 18) + q // 2),
    ("partenaires-actifs", "Partenaires engagés par convention ou participation régulière", CO, INT,
     "structures", {}, lambda r, q: r.randint(12, 35) + q),
    ("referents", "Référents de parcours désignés par les partenaires", CO, INT, "référents",
     {"is_public": True}, lambda r, q: r.randint(6, 14) + q // 2),
    ("entreprises-partenaires", "Entreprises partenaires de la cité", CO, INT, "entreprises",
     {}, lambda r, q: r.randint(3, 25) + q),
    ("diagnostic", "État du diagnostic territorial partagé", CO, CH, "",
     {"choices": "À engager\nEn cours\nAchevé\nActualisé", "required": False},
     lambda r, q: ["En cours", "Achevé", "Achevé", "Actualisé"][min(3, q // 2 + r.randint(0, 1))]),
    ("plan-action", "Un plan d'action partagé est validé par le Copil", CO, Y, "",
     {"aggregation": Aggregation.YES_COUNT, "is_public": True},
     lambda r, q: "oui" if q >= 1 or r.random() < 0.6 else "non"),
    ("groupe-plateforme", "Un groupe d'échange des partenaires est actif sur la plateforme", CO, Y,
     "", {"aggregation": Aggregation.YES_COUNT, "required": False},
     lambda r, q: "oui" if r.random() < 0.5 + q * 0.08 else "non"),
    ("contrat-ville", "La cité est articulée avec les instances du contrat de ville", CO, Y, "",
     {"aggregation": Aggregation.YES_COUNT}, lambda r, q: "oui" if r.random() < 0.8 else "non"),
    # 2. Recours au droit commun
    ("beneficiaires", "Bénéficiaires accompagnés par la cité, file active", DC, INT, "personnes",
     {"breakdown": Breakdown.THEMES, "is_public": True,
      "help_text": "Personnes suivies dans le trimestre ; ventilez par champ d'action si possible."},
     lambda r, q: r.randint(180, 520) + 25 * q),
    ("nouveaux-beneficiaires", "Nouveaux bénéficiaires entrés dans le trimestre", DC, INT,
     "personnes", {"breakdown": Breakdown.PUBLICS}, lambda r, q: r.randint(30, 120)),
    ("actions-aller-vers", "Actions d'aller-vers menées dans le trimestre", DC, INT, "actions",
     {"is_public": True, "help_text": "Permanences hors les murs, porte-à-porte, forums…"},
     lambda r, q: r.randint(3, 14)),
    ("invisibles-reperes", "Personnes « invisibles » repérées", DC, INT, "personnes",
     {}, lambda r, q: r.randint(10, 80)),
    ("orientations-spe", "Orientations vers le service public de l'emploi", DC, INT, "orientations",
     {}, lambda r, q: r.randint(40, 160)),
    ("part-femmes", "Part des femmes parmi les bénéficiaires", DC, P, "%",
     {"aggregation": Aggregation.MEDIAN}, lambda r, q: r.randint(42, 64)),
    ("part-jeunes", "Part des 15-24 ans parmi les bénéficiaires", DC, P, "%",
     {"aggregation": Aggregation.MEDIAN}, lambda r, q: r.randint(18, 38)),
    ("part-rsa", "Part des bénéficiaires du RSA parmi les bénéficiaires", DC, P, "%",
     {"aggregation": Aggregation.MEDIAN}, lambda r, q: r.randint(20, 45)),
    ("part-qpv", "Part des bénéficiaires résidant en QPV", DC, P, "%",
     {"aggregation": Aggregation.MEDIAN}, lambda r, q: r.randint(70, 98)),
    ("entrees-formation", "Entrées en formation qualifiante", DC, INT, "personnes",
     {}, lambda r, q: r.randint(5, 40)),
    ("sorties-emploi", "Sorties en emploi : CDI, CDD de plus de 6 mois, création", DC, INT,
     "personnes", {"is_public": True}, lambda r, q: r.randint(8, 45)),
    ("contrats-engagement", "Contrats d'engagement jeune signés", DC, INT, "contrats",
     {"required": False}, lambda r, q: r.randint(2, 25)),
    # 3. Offre spécifique
    ("actions-innovantes", "Actions innovantes ou expérimentales en cours", OS, INT, "actions",
     {"is_public": True}, lambda r, q: r.randint(2, 9)),
    ("besoins-non-couverts", "Besoins non couverts identifiés avec les partenaires", OS, INT,
     "besoins", {}, lambda r, q: r.randint(1, 6)),
    ("cohorte", "Personnes suivies en cohorte", OS, INT, "personnes",
     {"required": False}, lambda r, q: r.choice([0, 0, 30, 50, 80])),
    ("mobilite-solutions", "Solutions de mobilité mobilisées : permis, location, transport", OS,
     INT, "solutions", {}, lambda r, q: r.randint(5, 60)),
    ("garde-enfants", "Places de garde d'enfants mobilisées pour des parents en parcours", OS, INT,
     "places", {"required": False}, lambda r, q: r.randint(0, 15)),
    ("budget-mobilise", "Crédits mobilisés pour l'offre spécifique", OS, DEC, "k€",
     {"required": False, "aggregation": Aggregation.SUM}, lambda r, q: round(r.uniform(8, 90), 1)),
    ("taux-realisation", "Avancement du plan d'action", OS, P, "%",
     {"aggregation": Aggregation.MEDIAN}, lambda r, q: min(100, r.randint(15, 35) + 10 * q)),
    ("fait-marquant", "Fait marquant du trimestre", OS, T, "",
     {"required": False, "aggregation": Aggregation.SUM},
     lambda r, q: r.choice(["Forum emploi au pied des immeubles", "Lancement d'une cohorte",
                            "Signature d'une convention avec un bailleur",
                            "Atelier numérique dans un centre social"])),
]  # fmt: skip

PAST_QUARTERS = 6
DRAFT_CITE = "saint-omer"
SUBMITTED_CITE = "grenoble-alpes-metropole"


def _quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def _quarter_end(year, quarter):
    if quarter == 4:
        return date(year, 12, 31)
    return date(year, 3 * quarter + 1, 1) - timedelta(days=1)


# Plausible ceilings for one cité and one quarter (ten times the busiest demo cité or more):
# a typo such as 12 345 678,9 k€ or 14 Copil digits is refused with the field's French error,
# instead of entering the national totals. Percentages are already bounded at 100.
PLAUSIBLE_MAX = {
    "comites-pilotage": 15,
    "comites-techniques": 40,
    "types-acteurs": 60,
    "partenaires-actifs": 500,
    "referents": 500,
    "entreprises-partenaires": 2000,
    "beneficiaires": 20000,
    "nouveaux-beneficiaires": 10000,
    "actions-aller-vers": 2000,
    "invisibles-reperes": 5000,
    "orientations-spe": 10000,
    "entrees-formation": 5000,
    "sorties-emploi": 5000,
    "contrats-engagement": 5000,
    "actions-innovantes": 200,
    "besoins-non-couverts": 200,
    "cohorte": 5000,
    "mobilite-solutions": 5000,
    "garde-enfants": 1000,
    "budget-mobilise": 10000,  # k€: 10 M€ in a quarter
}


def build_indicators():
    indicators = {}
    for position, (code, label, enjeu, kind, unit, extra, _) in enumerate(INDICATORS):
        defaults = {
            "label": label,
            "enjeu": enjeu,
            "kind": kind,
            "unit": unit,
            "position": position,
            "required": True,
            "breakdown": "",
            "aggregation": Aggregation.SUM,
            "is_public": False,
            "help_text": "",
            "choices": "",
            **extra,
        }
        if code in PLAUSIBLE_MAX:
            defaults.update(min_value=0, max_value=PLAUSIBLE_MAX[code])
        indicators[code], _ = Indicator.objects.update_or_create(code=code, defaults=defaults)
    return indicators


def _generated(rng, q, generator, kind):
    value = generator(rng, q)
    if kind in (Kind.INTEGER, Kind.DECIMAL, Kind.PERCENTAGE):
        return Decimal(str(value)), ""
    return None, value


def _breakdown(rng, total, indicator, cite):
    if indicator.breaks_down_themes:
        slugs = list(cite.themes.values_list("slug", flat=True)) or ["mobilite"]
        key = "themes"
    elif indicator.breaks_down_publics:
        slugs = list(cite.publics_cibles.values_list("slug", flat=True))
        key = "publics"
    else:
        return {}
    if not slugs or total is None:
        return {}
    weights = [rng.random() + 0.2 for _ in slugs]
    parts, left = {}, int(total)
    for slug, weight in zip(slugs[:-1], weights[:-1], strict=False):
        part = int(total * Decimal(weight / sum(weights)))
        parts[slug] = str(part)
        left -= part
    parts[slugs[-1]] = str(left)
    return {key: parts}


def build_pilotage(home):
    anct = User.objects.filter(groups__name="Équipe ANCT", is_demo=True).first()
    indicators = build_indicators()
    today = date.today()
    year, quarter = _quarter_of(today)
    quarters = [(year, quarter)]
    for _ in range(PAST_QUARTERS):
        quarters.insert(0, previous_quarter(*quarters[0]))
    cites = list(Cite.objects.published().prefetch_related("themes", "publics_cibles"))
    generators = {code: (gen, kind) for code, _, _, kind, _, _, gen in INDICATORS}

    for index, (y, q) in enumerate(quarters):
        current = index == len(quarters) - 1
        end = _quarter_end(y, q)
        campaign, _ = Campaign.objects.update_or_create(
            year=y,
            quarter=q,
            defaults={
                "opens_on": end - timedelta(days=30),
                # The open quarter closes after today whatever the day the demo is loaded.
                "closes_on": max(end + timedelta(days=20), today + timedelta(days=10))
                if current
                else end + timedelta(days=20),
            },
        )
        if campaign.status == CampaignStatus.PLANNED:
            # Past quarters are history: no e-mail announcing a deadline already gone.
            services.open_campaign(campaign, anct, announce=current)
            campaign.refresh_from_db()
        if current:
            continue
        for cite in cites:
            rng = random.Random(f"{cite.slug}-{y}-{q}")
            response, _ = Response.objects.update_or_create(
                campaign=campaign,
                cite=cite,
                defaults={
                    "status": ResponseStatus.SUBMITTED,
                    "submitted_at": None,
                    "extended_until": None,
                },
            )
            submitted_on = end + timedelta(days=rng.randint(3, 19))
            Response.objects.filter(pk=response.pk).update(
                submitted_at=timezone.make_aware(datetime.combine(submitted_on, time(10)))
            )
            Answer.objects.filter(response=response).delete()
            answers = []
            for code, indicator in indicators.items():
                generator, kind = generators[code]
                number, text = _generated(rng, index, generator, kind)
                answers.append(
                    Answer(
                        response=response,
                        indicator=indicator,
                        number=number,
                        text=text,
                        breakdown=_breakdown(rng, number, indicator, cite),
                    )
                )
            Answer.objects.bulk_create(answers)
        if campaign.status == CampaignStatus.OPEN:
            closed_at = timezone.make_aware(datetime.combine(campaign.closes_on, time(18)))
            services.close_campaign(campaign, anct, closed_at=closed_at, announce=False)

    current = Campaign.objects.get(year=year, quarter=quarter)
    _build_current(current, indicators, generators)
    return []


def _build_current(campaign, indicators, generators):
    """One cité in draft (partly answered, some values still pre-filled), one submitted."""
    submitted = Cite.objects.filter(slug=SUBMITTED_CITE).first()
    draft = Cite.objects.filter(slug=DRAFT_CITE).first()
    for cite, complete in ((submitted, True), (draft, False)):
        if cite is None or Response.objects.filter(campaign=campaign, cite=cite).exists():
            continue  # already built: a second run leaves the team's work alone
        coordinator = User.objects.filter(cite=cite, cite_role="coordinateur").first()
        response = services.get_or_create_response(campaign, cite)
        rng = random.Random(f"{cite.slug}-{campaign.code}")
        values = {}
        for position, (code, indicator) in enumerate(indicators.items()):
            if not complete and position % 3:
                continue  # the draft keeps two thirds of its pre-filled values to check
            generator, kind = generators[code]
            number, text = _generated(rng, PAST_QUARTERS, generator, kind)
            values[indicator.pk] = AnswerValue(number=number, text=text, confirmed_prefill=True)
        revisions = dict(response.answers.values_list("indicator_id", "revision"))
        services.save_answers(response, coordinator, values, revisions)
        if complete:
            services.submit_response(response, coordinator)
