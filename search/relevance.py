"""A relevance test set over the demo content (make demo / load_demo), graded 1–3, and nDCG@10.

Queries are written the way cité teams type them (missing accents, plurals, elisions, typos).
Results are identified by "kind:slug" so the set does not depend on database ids. Judged as an
anonymous visitor: only public content counts.
"""

import math

from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict

JUDGMENTS = {
    "garde d'enfants": {
        "fiche:creches-avip": 3,
        "fiche:complement-libre-choix-mode-de-garde": 3,
        "action:garde-ephemere-saint-brieuc": 3,
        "action:groupe-de-parole-parents-sedan": 3,
        "breve:313#breve-2-1": 2,
        "parcours:parcours-samira-pau": 2,
    },
    "creches insertion": {"fiche:creches-avip": 3, "action:garde-ephemere-saint-brieuc": 1},
    "mobilite": {
        "cafe:2": 3,
        "action:mobilite-saint-quentin": 3,
        "breve:313#breve-1-1": 2,
        "breve:313#breve-1-2": 2,
        "action:permis-citoyen-val-de-reuil": 2,
        "fiche:microcredit-adie": 1,
    },
    "permis de conduire": {"action:permis-citoyen-val-de-reuil": 3, "fiche:microcredit-adie": 1},
    "illettrisme": {
        "action:illettrisme-la-porte-du-hainaut": 3,
        "breve:314#breve-2-1": 3,
        "fiche:eva-anlci": 2,
        "fiche:certificat-clea": 2,
    },
    "numerique": {
        "cafe:1": 3,
        "fiche:pass-numerique": 3,
        "fiche:conseillers-numeriques": 3,
        "fiche:clea-numerique": 2,
        "fiche:grande-ecole-du-numerique": 2,
        "action:inclusion-numerique-roubaix": 3,
        "fiche:aidants-connect": 2,
    },
    "mentorat jeunes": {
        "fiche:1-jeune-1-mentor": 3,
        "action:club-du-mentorat-chartres-dreux": 3,
        "breve:312#breve-2-2": 2,
    },
    "saint omer": {"cite:saint-omer": 3, "portrait:portrait-saint-omer": 3},
    "cite de l'emploi de pau": {"cite:pau": 3, "parcours:parcours-samira-pau": 1},
    "logement": {"fiche:aides-action-logement": 3},
    "sante handicap": {
        "cafe:7": 3,
        "fiche:complementaire-sante-solidaire": 2,
        "breve:314#breve-3-1": 2,
    },
    "entreprises quartiers": {
        "fiche:paqte": 3,
        "action:club-eis-maubeuge": 2,
        "fiche:clauses-sociales": 2,
        "breve:312#breve-2-1": 1,
    },
    "contrat engagement jeune": {
        "fiche:contrat-engagement-jeune": 3,
        "breve:314#breve-2-2": 3,
    },
    "mobilte": {  # typo
        "cafe:2": 3,
        "action:mobilite-saint-quentin": 3,
        "breve:313#breve-1-1": 2,
        "breve:313#breve-1-2": 2,
    },
    "job dating": {"action:escape-game-job-dating-sedan": 3, "action:summer-united-maubeuge": 1},
}


def dcg(gains):
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))


def ndcg_at_10(ranked_ids, judgments):
    gains = [judgments.get(result, 0) for result in ranked_ids[:10]]
    ideal = dcg(sorted(judgments.values(), reverse=True)[:10])
    return dcg(gains) / ideal if ideal else 0.0


def result_id(hit):
    return f"{hit.type}:{hit.slug}"


def load_set(path):
    """(corpus path or None, [(id, query, judgments)]) of a JSON set file:
    {"corpus": "<.jsonl for import_ressources, relative to the set file>",
     "queries": [{"id": "...", "query": "...", "judgments": {"fiche:<slug>": 3, ...}}]}
    Grades 1 to 3; a result not listed counts 0. Raises ValueError with a French message."""
    import json
    from pathlib import Path

    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"Impossible de lire {path} : {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} : JSON invalide ({error.msg}, ligne {error.lineno})") from error
    if not isinstance(data, dict) or not isinstance(data.get("queries"), list):
        raise ValueError(f"{path} : un objet avec une liste « queries » est attendu.")
    corpus = (path.parent / data["corpus"]).resolve() if data.get("corpus") else None
    queries = []
    for number, item in enumerate(data["queries"], 1):
        query, judgments = item.get("query"), item.get("judgments")
        if not isinstance(query, str) or not query.strip() or not isinstance(judgments, dict):
            raise ValueError(f"{path} : requête n° {number} sans « query » ou « judgments ».")
        graded = {str(key): int(grade) for key, grade in judgments.items() if int(grade) > 0}
        queries.append((str(item.get("id") or number), query, graded))
    return corpus, queries


def evaluate(judgments=None, queries=None):
    """[(query, nDCG@10, top ids)] and the backend used, as an anonymous visitor.

    `queries`: [(id, query, judgments)] (a set file); by default the demo set."""
    from search import service
    from search.query import parse

    if queries is None:
        queries = [(query, query, graded) for query, graded in (judgments or JUDGMENTS).items()]
    rows, backend = [], ""
    for _id, query, graded in queries:
        params = QueryDict(mutable=True)
        params["q"] = query
        params["page_size"] = "10"
        response = service.search(AnonymousUser(), parse(params))
        backend = response.backend
        ranked = [result_id(hit) for hit in response.hits]
        rows.append((query, ndcg_at_10(ranked, graded), ranked))
    return rows, backend
