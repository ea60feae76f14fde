"""Keeping the index in step with the content: signals -> outbox -> mirror + Elasticsearch.

1. A save or delete of a watched model writes a PendingUpdate row *in the same transaction*
   (so an edit and its indexing request commit or roll back together).
2. After commit, a background task drains the outbox: it recomputes the entries of each source
   from the database, updates the database mirror (search.Entry), then pushes them to
   Elasticsearch. A row is acknowledged only once Elasticsearch took it (or when no
   Elasticsearch is configured); if Elasticsearch is down the rows stay, and the next run
   (`manage.py search_pending --process`, a timer, or simply the next edit) catches up.
"""

import logging
import re

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from search import registry
from search.models import Entry, PendingUpdate, Term, pack
from search.text import WORD_RE, analyzed, normalize, stem

logger = logging.getLogger(__name__)


# --- Signals ---------------------------------------------------------------------------------


def _subclasses(model):
    found = [model]
    for sub in model.__subclasses__():
        found.extend(_subclasses(sub))
    return found


def _connect(model, provider, resolver):
    def on_change(sender, instance, **kwargs):
        if kwargs.get("raw"):  # fixtures loading
            return
        enqueue(provider, resolver(instance))

    def on_m2m(sender, instance, action, **kwargs):
        if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, model):
            enqueue(provider, resolver(instance))

    for cls in _subclasses(model):
        uid = f"search:{provider.label}:{cls._meta.label_lower}"
        post_save.connect(on_change, sender=cls, weak=False, dispatch_uid=f"{uid}:save")
        post_delete.connect(on_change, sender=cls, weak=False, dispatch_uid=f"{uid}:delete")
        for m2m in cls._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through is not None and not isinstance(through, str):
                m2m_changed.connect(
                    on_m2m, sender=through, weak=False, dispatch_uid=f"{uid}:{m2m.name}"
                )


def connect_signals():
    for provider in registry.providers():
        _connect(provider.model, provider, lambda instance: [instance.pk])
        for model, resolver in provider.watched():
            _connect(model, provider, resolver)


# --- Outbox ----------------------------------------------------------------------------------


def enqueue(provider, pks):
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return
    for pk in pks:
        source = provider.source_key(pk)
        if PendingUpdate.objects.filter(source=source).update(version=F("version") + 1):
            continue
        try:
            with transaction.atomic():
                PendingUpdate.objects.create(
                    source=source, provider=provider.label, object_pk=str(pk)
                )
        except IntegrityError:  # created concurrently
            PendingUpdate.objects.filter(source=source).update(version=F("version") + 1)
    _schedule_processing()


def _drain_after_commit():
    from search.tasks import process_search_updates

    try:
        process_search_updates.enqueue()
    except Exception:  # a queue outage must not break the edit; the timer catches up
        logger.exception("Impossible de planifier l'indexation de recherche")


def _schedule_processing():
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _drain_after_commit for _sids, func, _robust in connection.run_on_commit
    ):
        return  # already scheduled for this transaction
    transaction.on_commit(_drain_after_commit)


def pending_count():
    return PendingUpdate.objects.count()


# --- Mirror ----------------------------------------------------------------------------------


def entry_row(entry, source):
    return Entry(
        key=entry.key,
        source=source,
        kind=entry.kind,
        title=entry.title[:300],
        slug=str(entry.slug)[:200],
        url=entry.url[:500],
        summary=entry.summary,
        body=entry.body,
        themes=pack(entry.themes),
        publics=pack(entry.publics),
        region=entry.region or "",
        cite=entry.cite or "",
        date=entry.date,
        audience=pack(entry.audience),
        extra=entry.extra,
        # Words only (hyphens and elisions off): suggestions after "Tremblay-en-" or "l'empl".
        title_folded=(" " + " ".join(WORD_RE.findall(normalize(entry.title))) + " ")[:320],
        title_terms=analyzed(entry.title),
        summary_terms=analyzed(entry.summary),
        body_terms=analyzed(entry.body),
    )


UPDATE_FIELDS = [
    "source", "kind", "title", "slug", "url", "summary", "body", "themes", "publics", "region",
    "cite", "date", "audience", "extra", "title_folded", "title_terms", "summary_terms", "body_terms",
    "updated_at",
]  # fmt: skip


def vocabulary_words(rows):
    """{normalised word: (stem, as written)} of these rows' texts (typo tolerance, "did you
    mean"): words of 3 to 40 letters."""
    found = {}
    for row in rows:
        for text in (row.title, row.summary, row.body):
            for written in re.findall(r"\w+", text or ""):
                if not 3 <= len(written) <= 40 or not written.isalpha():
                    continue
                lowered = written.lower()
                word = normalize(lowered)
                if word not in found and WORD_RE.fullmatch(word):
                    found[word] = (stem(word), lowered)
    return found


def add_vocabulary(rows):
    found = vocabulary_words(rows)
    if found:
        Term.objects.bulk_create(
            [Term(word=w, stem=s, display=d) for w, (s, d) in found.items()],
            ignore_conflicts=True,
            batch_size=2000,
        )


def write_mirror(rows_by_source):
    """Replace the mirror's entries of these sources by `rows_by_source` (source -> rows)."""
    sources = list(rows_by_source)
    keys = [row.key for rows in rows_by_source.values() for row in rows]
    Entry.objects.filter(source__in=sources).exclude(key__in=keys).delete()
    rows = [row for rows in rows_by_source.values() for row in rows]
    now = timezone.now()
    for row in rows:
        row.updated_at = now
    if rows:
        # On PostgreSQL a trigger (migration search.0003) computes search_vector on write.
        Entry.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["key"], update_fields=UPDATE_FIELDS
        )
        add_vocabulary(rows)


def compute(provider, pks):
    """source -> (entries, rows) for these pks of `provider` (missing objects -> nothing)."""
    objects = {str(obj.pk): obj for obj in provider.load(pks)}
    computed = {}
    for pk in pks:
        source = provider.source_key(pk)
        obj = objects.get(str(pk))
        entries = provider.entries(obj) if obj is not None else []
        computed[source] = entries
    return computed


# --- Draining --------------------------------------------------------------------------------


def process_pending(batch_size=200, progress=None, force=False):
    """Drain the outbox once (rows present when it starts). Returns (indexed, failed).

    After an Elasticsearch failure, runs triggered by edits skip Elasticsearch for
    ELASTICSEARCH_RETRY_AFTER seconds (the edit must not wait on a dead server): the mirror is
    still updated and the rows stay pending until a forced run (`search_pending --process`, the
    timer) or a later edit."""
    from search.backends import elastic

    backend = elastic.get_backend()
    skip_elastic = backend is not None and not force and elastic.is_marked_down(backend)
    indexed = failed = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            rows = list(
                PendingUpdate.objects.select_for_update(skip_locked=True)
                .filter(pk__gt=last_pk)
                .order_by("pk")[:batch_size]
            )
            if not rows:
                break
            last_pk = rows[-1].pk
            computed = {}
            for label in {row.provider for row in rows}:
                provider = registry.get_provider(label)
                if provider is None:  # app removed: drop its entries
                    computed.update({row.source: [] for row in rows if row.provider == label})
                    continue
                computed.update(
                    compute(provider, [row.object_pk for row in rows if row.provider == label])
                )
            write_mirror(
                {
                    source: [entry_row(entry, source) for entry in entries]
                    for source, entries in computed.items()
                }
            )
            if skip_elastic:  # deferred: the rows stay, their last real error too
                failed += len(rows)
                continue
            error = ""
            if backend is not None:
                try:
                    backend.write(computed)
                    elastic.mark_up(backend)
                except Exception as exc:  # any transport or server error: keep the rows
                    error = f"{type(exc).__name__}: {exc}"[:2000]
                    logger.warning("Indexation Elasticsearch impossible : %s", error)
                    elastic.mark_down(backend)
                    skip_elastic = not force
            if error:
                PendingUpdate.objects.filter(pk__in=[row.pk for row in rows]).update(
                    attempts=F("attempts") + 1, last_attempt_at=timezone.now(), last_error=error
                )
                failed += len(rows)
            else:
                acknowledged = Q()
                for row in rows:
                    acknowledged |= Q(pk=row.pk, version=row.version)
                PendingUpdate.objects.filter(acknowledged).delete()
                indexed += len(rows)
        if progress:
            progress(indexed, failed)
    return indexed, failed
