"""The search mirror, the indexing outbox and the state of a resumable rebuild.

`Entry` is the denormalised copy of everything searchable, kept in the database in the same
shape as the Elasticsearch documents: the fallback searches it, and a rebuild loads
Elasticsearch from it. `PendingUpdate` is the durable outbox: written in the transaction of the
edit, drained after commit; if Elasticsearch is down the rows stay until it comes back.
"""

import re

from django.contrib.postgres.search import SearchVectorField
from django.db import models


def pack(values):
    """Store a list as "|a|b|" so that `contains="|a|"` filters on any database."""
    values = [v for v in values if v]
    return "|" + "|".join(values) + "|" if values else ""


def unpack(value):
    return [v for v in (value or "").split("|") if v]


class Entry(models.Model):
    key = models.CharField(max_length=200, unique=True)
    source = models.CharField(max_length=120, db_index=True)
    kind = models.CharField(max_length=20, db_index=True)
    title = models.CharField(max_length=300)
    slug = models.CharField(max_length=200, blank=True)
    url = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    themes = models.CharField(max_length=400, blank=True)
    publics = models.CharField(max_length=400, blank=True)
    region = models.CharField(max_length=12, blank=True, db_index=True)
    cite = models.CharField(max_length=100, blank=True, db_index=True)
    date = models.DateField(null=True, blank=True, db_index=True)
    audience = models.TextField(blank=True)
    extra = models.JSONField(default=dict, blank=True)
    # " folded title " for prefix suggestions and trigram matching (accents, case, elisions off).
    title_folded = models.CharField(max_length=320, blank=True)
    # Stems of the title, summary and body (search.text.analyze): what the database backends
    # match — PostgreSQL through search_vector (a trigger, migration 0004), SQLite through the
    # FTS5 table search_entry_fts (triggers, same migration).
    title_terms = models.TextField(blank=True)
    summary_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # PostgreSQL full-text vector of the *_terms columns (`simple` configuration, weights A/B/C),
    # GIN-indexed, PostgreSQL only.
    search_vector = SearchVectorField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "entrée de recherche"
        verbose_name_plural = "entrées de recherche"

    def __str__(self):
        return self.key


class PendingUpdate(models.Model):
    """One source object whose search entries must be recomputed and pushed."""

    source = models.CharField(max_length=120, unique=True)
    provider = models.CharField(max_length=100)
    object_pk = models.CharField(max_length=40)
    # Bumped by every new change, so a change made while a batch is being processed is not
    # acknowledged by that batch.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "mise à jour en attente"
        verbose_name_plural = "mises à jour en attente"

    def __str__(self):
        return self.source


class IndexRebuild(models.Model):
    """Progress of `rebuild_search_index`, so that an interrupted rebuild resumes."""

    class Phase(models.TextChoices):
        MIRROR = "mirror", "Recalcul des entrées"
        ELASTIC = "elastic", "Chargement d'Elasticsearch"
        DONE = "done", "Terminé"

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.MIRROR)
    provider = models.CharField(max_length=100, blank=True)
    last_pk = models.CharField(max_length=40, blank=True)
    index_name = models.CharField(max_length=200, blank=True)
    done = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "reconstruction de l'index"
        verbose_name_plural = "reconstructions de l'index"

    def __str__(self):
        return f"{self.get_phase_display()} ({self.done})"


class Term(models.Model):
    """The indexed vocabulary (normalised words of every entry, whoever may see it), for typo
    tolerance per query word (pg_trgm similarity on PostgreSQL) and "did you mean". A word alone
    reveals nothing: a corrected query still only finds what its user may see, and "did you
    mean" is only offered when it does."""

    word = models.CharField(max_length=60, unique=True)
    stem = models.CharField(max_length=60)
    # The word as written (accents), for "Essayez plutôt".
    display = models.CharField(max_length=60)

    class Meta:
        verbose_name = "mot indexé"
        verbose_name_plural = "mots indexés"

    def __str__(self):
        return self.word


class SynonymGroup(models.Model):
    """Words and expressions that mean the same thing to the people who search (thesaurus).

    Applied at query time with a lower weight than the words typed (search.pipeline): a
    document that only matches a synonym never outranks one that matches what was typed."""

    terms = models.TextField(
        "expressions équivalentes",
        help_text=(
            "Une expression par ligne (ou séparées par des virgules), par exemple "
            "« nounou », « assistante maternelle », « garde d'enfants ». Les accents et les "
            "majuscules sont sans importance."
        ),
    )
    note = models.CharField("remarque", max_length=200, blank=True)
    is_active = models.BooleanField("active", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "groupe de synonymes"
        verbose_name_plural = "thésaurus de la recherche"
        ordering = ["pk"]

    def __str__(self):
        return ", ".join(self.expressions()[:4])

    def expressions(self):
        return split_expressions(self.terms)

    def clean(self):
        from django.core.exceptions import ValidationError

        from search.text import words

        found = [e for e in self.expressions() if words(e)]
        if len(found) < 2:
            raise ValidationError(
                {"terms": "Indiquez au moins deux expressions équivalentes (hors mots vides)."}
            )


def split_expressions(text):
    parts = []
    for line in re.split(r"[\n,;|]", text or ""):
        line = " ".join(line.split())
        if line and line not in parts:
            parts.append(line)
    return parts
