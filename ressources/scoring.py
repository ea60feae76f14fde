"""« Pour ma cité »: the score of one candidate for one cité, as a pure function.

No database, no Django: profiles in, a Match (score and the facts that explain it) out, so the
formula documented in docs/suggestions.md is this file and can be read, tested and tuned alone.
ressources.suggestions builds the profiles and turns a Match into French words.
"""

import datetime
import math
from dataclasses import dataclass, field

ACTION = "action"
FICHE = "fiche"
CITE = "cite"
KINDS = (ACTION, FICHE, CITE)

# "Tous publics" fits everybody, so sharing it says nothing about a specific public.
ALL_PUBLICS = "tous"

# --- Named weights (docs/suggestions.md explains each; tuned on the dev half of the judged set) --

# Per priority champ of the cité the candidate also covers.
THEME_WEIGHT = 3.0
# Extra per shared champ, scaled by how rare the champ is among cités' priorities (1 - share of
# cités that have it): sharing "mobilité" with few cités says more than sharing a champ every cité
# has.
THEME_RARITY_WEIGHT = 1.0
# Times the share of the candidate's own champs that are priorities of the cité: a candidate about
# exactly the cité's concerns beats one that touches them in passing.
THEME_FOCUS_WEIGHT = 1.0
# Per specific public (not "tous publics") the cité targets and the candidate addresses.
PUBLIC_WEIGHT = 2.0
# A candidate for "tous publics" fits any cité a little.
ALL_PUBLICS_WEIGHT = 0.5
# Times the size similarity of the two cités' QPV populations (smaller / larger, from 0 to 1);
# for an action, the size of the cité that led it.
SIZE_WEIGHT = 1.5
# From this similarity on, the reason "cité de taille comparable" is given.
SIZE_COMPARABLE = 0.6
# Same region (for a fiche dispositif: a regional fiche of the cité's region).
REGION_WEIGHT = 1.0
# Times 0.5 ** (age in days / half-life): newer actions and fiches first, all else equal.
RECENCY_WEIGHT = 0.5
RECENCY_HALF_LIFE_DAYS = 365
# Added to every candidate of a kind, to balance the three kinds in one list.
KIND_WEIGHTS = {ACTION: 1.0, FICHE: 0.0, CITE: -1.0}
# Feedback of the cité's team: "utile" lifts a suggestion, "pas utile" removes it for that cité.
USEFUL_BONUS = 2.0
# Below this score a candidate is not suggested (roughly: at least one shared priority champ).
MIN_SCORE = 3.0


@dataclass(frozen=True)
class Profile:
    """What the score looks at, for the cité and for each candidate."""

    themes: frozenset = frozenset()
    publics: frozenset = frozenset()
    population: int | None = None  # QPV population of the cité (of the action's cité)
    region: str = ""
    date: datetime.date | None = None  # actions and fiches: their date


@dataclass(frozen=True)
class Match:
    score: float
    themes: tuple = ()  # shared priority champs (slugs)
    publics: tuple = ()  # shared specific publics (slugs)
    comparable_size: bool = False
    same_region: bool = False
    parts: dict = field(default_factory=dict)  # the score's terms, for docs and debugging


def size_similarity(a, b):
    if not a or not b:
        return 0.0
    return min(a, b) / max(a, b)


def theme_rarity(cite_theme_sets):
    """slug -> 1 - share of the cités that have the champ as a priority."""
    total = len(cite_theme_sets) or 1
    counts = {}
    for themes in cite_theme_sets:
        for slug in themes:
            counts[slug] = counts.get(slug, 0) + 1
    return {slug: 1 - count / total for slug, count in counts.items()}


def score(cite, candidate, kind, *, today, rarity=None, feedback=None):
    """Score of `candidate` (a Profile of kind ACTION, FICHE or CITE) for `cite` (a Profile).
    `rarity` comes from theme_rarity(); `feedback` is None, True (utile) or False (pas utile).
    A candidate the team found "pas utile" scores 0 (never suggested again to that cité)."""
    rarity = rarity or {}
    shared_themes = tuple(sorted(cite.themes & candidate.themes))
    specific = (cite.publics & candidate.publics) - {ALL_PUBLICS}
    shared_publics = tuple(sorted(specific))
    parts = {}
    if shared_themes:
        parts["champs"] = sum(
            THEME_WEIGHT + THEME_RARITY_WEIGHT * rarity.get(slug, 0) for slug in shared_themes
        )
        parts["centrage"] = THEME_FOCUS_WEIGHT * len(shared_themes) / len(candidate.themes)
    if shared_publics:
        parts["publics"] = PUBLIC_WEIGHT * len(shared_publics)
    elif ALL_PUBLICS in candidate.publics and kind != CITE:
        parts["tous_publics"] = ALL_PUBLICS_WEIGHT
    similarity = 0.0
    if kind in (ACTION, CITE):
        similarity = size_similarity(cite.population, candidate.population)
        if similarity:
            parts["taille"] = SIZE_WEIGHT * similarity
    same_region = bool(cite.region) and cite.region == candidate.region
    if same_region:
        parts["region"] = REGION_WEIGHT
    if candidate.date and kind != CITE:
        age = max((today - candidate.date).days, 0)
        parts["recence"] = RECENCY_WEIGHT * math.pow(0.5, age / RECENCY_HALF_LIFE_DAYS)
    if KIND_WEIGHTS.get(kind):
        parts["type"] = KIND_WEIGHTS[kind]
    if feedback is True:
        parts["avis_utile"] = USEFUL_BONUS
    total = 0.0 if feedback is False else sum(parts.values())
    return Match(
        score=round(total, 4),
        themes=shared_themes,
        publics=shared_publics,
        comparable_size=similarity >= SIZE_COMPARABLE,
        same_region=same_region,
        parts=parts,
    )


def is_suggested(match, kind):
    """Enough in common to be worth a coordinator's time. A cité jumelle needs a shared champ and
    one more likeness (a public, its size or its region)."""
    if match.score < MIN_SCORE:
        return False
    if kind == CITE:
        return bool(match.themes) and bool(
            match.publics or match.comparable_size or match.same_region
        )
    return bool(match.themes or match.publics)
