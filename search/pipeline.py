"""One query pipeline for the three backends: what the user typed, understood once.

A QueryPlan holds the query's words after the French analysis (search.text: normalisation
before tokenisation, stop words on the normalised form, Snowball stems), and:
- how many of them a document must match (`minimum_should_match`): all of them for one or two
  words, a proportion beyond, so that a natural question ("comment aider les femmes isolées à
  trouver une garde") still finds the documents that match most of it;
- per word, its typo variants: indexed words close to a word the index does not know
  ("mentorrat" -> "mentorat"), found in the vocabulary table (search.Term) with pg_trgm on
  PostgreSQL and difflib elsewhere; Elasticsearch uses its own fuzziness for those words;
- the thesaurus alternatives (search.SynonymGroup): expressions equivalent to a span of the
  query ("nounou" -> "assistante maternelle"), matched on stems, that count for the words they
  cover but weigh less than the words themselves;
- the relaxed pass (`relaxed_minimum`, `should_relax`): when fewer than SEARCH_RELAXED_BELOW
  visible documents match the minimum, the documents matching fewer words complete the list,
  always ranked below every complete match and flagged as such ("Résultats approchants").
Each backend compiles the plan into its own query (backends/elastic.py, backends/database.py).
"""

import difflib
import math
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection

from search.text import QUERY_STOP_WORDS, WORD_RE, normalize, stem, words

THESAURUS_CACHE_KEY = "search:thesaurus:v1"
# Weight of a synonym relative to the words typed (and the tie-break guarantee below).
SYNONYM_WEIGHT = 0.3
# Typo variants: only words this long get some (short words have too many neighbours).
# Beyond two words, the share of the words a document must match.
# (0.5: nDCG@10 of the development set on SQLite 0.672, against 0.652 at 0.6 and 0.671 at
# 0.4; the synonyms' weight made little difference between 0.1 and 0.6.)
MSM_RATIO = 0.5
# Relaxed pass: how many words fewer than the minimum it requires (at least one word).
RELAXED_DROP = 1
TYPO_MIN_LENGTH = 5
TYPO_SIMILARITY = 0.5
MAX_VARIANTS = 3


@dataclass
class Term:
    word: str  # normalised, as typed
    stem: str
    known: bool = True  # the index contains this word (no typo tolerance needed)
    variants: list[str] = field(default_factory=list)  # stems of close indexed words
    prefix: bool = False  # the last word, maybe unfinished: also matched as a prefix

    @property
    def stems(self):
        return list(dict.fromkeys([self.stem, *self.variants]))


@dataclass
class Alternative:
    """A thesaurus expression standing for the query terms at `covers`."""

    text: str  # normalised words
    stems: list[str]
    covers: tuple[int, ...]


@dataclass
class QueryPlan:
    text: str
    terms: list[Term]
    alternatives: list[Alternative]
    minimum_should_match: int
    # The lowered minimum of the relaxed pass (0: no relaxed pass, one word).
    relaxed_minimum: int = 0

    @property
    def stems(self):
        return [term.stem for term in self.terms]

    def covering(self, index):
        return [alt for alt in self.alternatives if index in alt.covers]


def minimum_should_match(count):
    """All terms for one or two words, then a proportion (3 -> 2, 4 -> 2, 5 -> 3, 8 -> 4)."""
    if count <= 2:
        return count
    return max(2, math.ceil(count * MSM_RATIO))


def relaxed_minimum(count):
    """The minimum of the relaxed pass: RELAXED_DROP words fewer than the minimum, at least
    one word typed (or its synonym); 0: nothing to relax (a one-word query)."""
    strict = minimum_should_match(count)
    if strict <= 1:
        return 0
    return max(1, strict - RELAXED_DROP)


def should_relax(plan, exact_count):
    """The one rule of the three backends: a relaxed pass completes the results when fewer than
    SEARCH_RELAXED_BELOW visible documents (filters applied) match the minimum of words."""
    from django.conf import settings

    below = getattr(settings, "SEARCH_RELAXED_BELOW", 10)
    return plan is not None and plan.relaxed_minimum > 0 and exact_count < below


# --- Thesaurus ----------------------------------------------------------------------------------


def thesaurus():
    """[(stems tuple, normalised text, group index)] of every active expression (cached; the
    admin's saves clear the cache)."""
    compiled = cache.get(THESAURUS_CACHE_KEY)
    if compiled is None:
        from search.models import SynonymGroup

        compiled = []
        for index, group in enumerate(SynonymGroup.objects.filter(is_active=True)):
            for expression in group.expressions():
                found = words(expression)
                if found:
                    compiled.append((tuple(stem(w) for w in found), " ".join(found), index))
        cache.set(THESAURUS_CACHE_KEY, compiled, 3600)
    return compiled


def clear_thesaurus_cache(**kwargs):
    cache.delete(THESAURUS_CACHE_KEY)


def _alternatives(stems):
    """Expressions equivalent to a contiguous span of the query's stems."""
    entries = thesaurus()
    by_group = {}
    for entry_stems, _text, group in entries:
        size = len(entry_stems)
        for start in range(len(stems) - size + 1):
            if tuple(stems[start : start + size]) == entry_stems:
                by_group.setdefault(group, set()).add(tuple(range(start, start + size)))
    found = {}
    for entry_stems, text, group in entries:
        for covers in by_group.get(group, ()):
            if entry_stems == tuple(stems[i] for i in covers):
                continue  # the words typed themselves
            key = (entry_stems, covers)
            if key not in found:
                found[key] = Alternative(text=text, stems=list(entry_stems), covers=covers)
    return list(found.values())


# --- Typo tolerance -----------------------------------------------------------------------------


def _known(word_list):
    from search.models import Term as Vocabulary

    return set(Vocabulary.objects.filter(word__in=word_list).values_list("word", flat=True))


def _close_words(word):
    """Indexed words close to `word`: (word, stem) pairs, best first."""
    from search.models import Term as Vocabulary

    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        rows = (
            Vocabulary.objects.filter(word__trigram_similar=word)
            .annotate(similarity=TrigramSimilarity("word", word))
            .filter(similarity__gte=TYPO_SIMILARITY)
            .order_by("-similarity", "word")
            .values_list("word", "stem")[:MAX_VARIANTS]
        )
        return list(rows)
    candidates = Vocabulary.objects.filter(word__startswith=word[0]).values_list("word", "stem")
    stems = dict(candidates)
    close = difflib.get_close_matches(word, list(stems), n=MAX_VARIANTS, cutoff=0.75)
    return [(w, stems[w]) for w in close]


def query_words(text):
    """The words of a query that count (normalised, stop words left out, at most 12)."""
    typed = [w for w in WORD_RE.findall(normalize(text)) if w not in QUERY_STOP_WORDS]
    if not typed:  # a query of stop words only ("les", "à") still means something
        typed = WORD_RE.findall(normalize(text))
    return list(dict.fromkeys(typed))[:12]


def required_words_label(text):
    """What a complete match contains, in French: "tous vos mots" for one or two words,
    "au moins 3 de vos 5 mots" beyond (search.pipeline.minimum_should_match)."""
    count = len(query_words(text))
    minimum = minimum_should_match(count)
    if minimum >= count:
        return "tous vos mots"
    return f"au moins {minimum} de vos {count} mots"


def build_plan(text, typos=True):
    typed = query_words(text)
    terms = [Term(word=w, stem=stem(w)) for w in typed]
    if terms and len(terms[-1].word) >= 3:
        terms[-1].prefix = True
    if typos and terms:
        candidates = [t.word for t in terms if len(t.word) >= TYPO_MIN_LENGTH and t.word.isalpha()]
        known = _known(candidates) if candidates else set()
        for term in terms:
            if term.word in candidates and term.word not in known:
                term.known = False
                term.variants = [s for _w, s in _close_words(term.word) if s != term.stem]
    alternatives = _alternatives([t.stem for t in terms]) if terms else []
    return QueryPlan(
        text=text,
        terms=terms,
        alternatives=alternatives,
        minimum_should_match=minimum_should_match(len(terms)),
        relaxed_minimum=relaxed_minimum(len(terms)),
    )


# --- "Essayez plutôt" ---------------------------------------------------------------------------


def correction(text):
    """The query with each word the index does not know replaced by the closest indexed word,
    as it is written in the content (accents kept), other words left as typed; "" when
    nothing changes. The caller offers it only if it finds something its user may see."""
    from search.models import Term as Vocabulary

    tokens = text.split()
    candidates = {}
    for token in tokens:
        for word in WORD_RE.findall(normalize(token)):
            if len(word) >= 4 and word.isalpha() and word not in QUERY_STOP_WORDS:
                candidates[word] = None
    if not candidates:
        return ""
    known = _known(list(candidates))
    replacements = {}
    for word in candidates:
        if word in known:
            continue
        close = _close_words(word)
        if close:
            best = close[0][0]
            display = Vocabulary.objects.filter(word=best).values_list("display", flat=True).first()
            replacements[word] = display or best
    if not replacements:
        return ""
    out = []
    for token in tokens:
        for word, display in replacements.items():
            if word in WORD_RE.findall(normalize(token)):
                token = _replace_word(token, word, display)
        out.append(token)
    candidate = " ".join(out)
    return candidate if candidate != text else ""


def _replace_word(token, word, display):
    """Replace the written form of normalised `word` inside `token` ("l'emploii" keeps "l'")."""
    import re

    for match in re.finditer(r"\w+", token):
        if normalize(match.group()) == word:
            return token[: match.start()] + display + token[match.end() :]
    return token
