"""Rebuild the search index without downtime, resumably.

Phase 1 recomputes every entry of the database mirror (search.Entry) from the apps' content,
provider by provider, in primary-key order. Phase 2 (when Elasticsearch is configured) creates
a new physical index, bulk-loads it from the mirror, then swaps the alias atomically and drops
the old index; searches keep using the old index until the swap, and edits made meanwhile are
written to both. Progress is saved after every batch: run the command again to resume an
interrupted rebuild (or pass --restart).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from search import indexing, registry
from search.backends import elastic
from search.models import Entry, IndexRebuild
from search.progress import Progress

BATCH = 500


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche (reprend une reconstruction interrompue)."

    def add_arguments(self, parser):
        parser.add_argument("--restart", action="store_true", help="Repartir de zéro.")
        parser.add_argument("--batch-size", type=int, default=BATCH)
        parser.add_argument(
            "--elastic-only",
            action="store_true",
            help="Recharger Elasticsearch depuis les entrées déjà calculées (phase 2 seulement).",
        )

    def handle(self, *args, restart=False, batch_size=BATCH, elastic_only=False, **options):
        state = IndexRebuild.objects.filter(finished_at__isnull=True).order_by("-pk").first()
        if state and restart:
            self._drop_partial(state)
            state.delete()
            state = None
        if state:
            self.stdout.write(
                f"Reprise de la reconstruction du {state.started_at:%d/%m/%Y %H:%M} "
                f"({state.get_phase_display().lower()}, {state.done} éléments déjà traités)."
            )
        else:
            state = IndexRebuild.objects.create(
                phase=IndexRebuild.Phase.ELASTIC if elastic_only else IndexRebuild.Phase.MIRROR
            )
        if state.phase == IndexRebuild.Phase.MIRROR:
            self.rebuild_mirror(state, batch_size)
        backend = elastic.get_backend()
        if backend is not None:
            self.load_elastic(state, backend, batch_size)
        else:
            self.stdout.write("Pas d'Elasticsearch configuré : la recherche utilise la base.")
        state.phase = IndexRebuild.Phase.DONE
        state.finished_at = timezone.now()
        state.save()
        self.stdout.write(
            self.style.SUCCESS(f"Index reconstruit : {Entry.objects.count()} entrées.")
        )

    def _drop_partial(self, state):
        backend = elastic.get_backend()
        if backend and state.index_name:
            backend.client.options(ignore_status=404).indices.delete(index=state.index_name)

    def rebuild_mirror(self, state, batch_size):
        providers = sorted(registry.providers(), key=lambda p: p.label)
        labels = [p.label for p in providers]
        if state.provider and state.provider not in labels:
            raise CommandError(f"Fournisseur inconnu dans l'état sauvegardé : {state.provider}")
        start = labels.index(state.provider) if state.provider else 0
        if state.done == 0 and not state.provider:
            state.provider = labels[0] if labels else ""
            state.save(update_fields=["provider"])
        for provider in providers[start:]:
            if state.provider != provider.label:
                state.provider, state.last_pk = provider.label, ""
                state.save(update_fields=["provider", "last_pk"])
            queryset = provider.queryset()
            total = queryset.count()
            progress = Progress(self.stdout, f"Entrées « {provider.label} »", total)
            done = queryset.filter(pk__lte=state.last_pk).count() if state.last_pk else 0
            remaining = queryset.filter(pk__gt=state.last_pk) if state.last_pk else queryset
            pks = list(remaining.values_list("pk", flat=True))
            for offset in range(0, len(pks), batch_size):
                batch = pks[offset : offset + batch_size]
                with transaction.atomic():
                    computed = indexing.compute(provider, batch)
                    indexing.write_mirror(
                        {
                            source: [indexing.entry_row(e, source) for e in entries]
                            for source, entries in computed.items()
                        }
                    )
                    state.last_pk = str(batch[-1])
                    state.done += len(batch)
                    state.save(update_fields=["last_pk", "done"])
                done += len(batch)
                progress.update(done)
            progress.finish(done)
            # Entries of objects that no longer exist (or of a removed provider).
            live_sources = {provider.source_key(pk) for pk in queryset.values_list("pk", flat=True)}
            stale = Entry.objects.filter(source__startswith=f"{provider.label}:").exclude(
                source__in=live_sources
            )
            stale.delete()
        # Entries of providers that are gone (an app uninstalled).
        known = Q(pk__in=[])
        for label in labels:
            known |= Q(source__startswith=f"{label}:")
        Entry.objects.exclude(known).delete()
        state.phase, state.last_pk, state.provider = IndexRebuild.Phase.ELASTIC, "", ""
        state.save(update_fields=["phase", "last_pk", "provider"])

    def load_elastic(self, state, backend, batch_size):
        if not state.index_name:
            state.index_name = backend.create_index(backend.new_index_name())
            state.last_pk = ""
            state.save(update_fields=["index_name", "last_pk"])
        rows = Entry.objects.order_by("pk").defer(
            "search_vector", "title_terms", "summary_terms", "body_terms"
        )
        total = rows.count()
        start = int(state.last_pk or 0)
        done = rows.filter(pk__lte=start).count()
        progress = Progress(self.stdout, "Chargement d'Elasticsearch", total)
        while True:
            batch = list(rows.filter(pk__gt=start)[:batch_size])
            if not batch:
                break
            backend.load_rows(batch, state.index_name)
            start = batch[-1].pk
            done += len(batch)
            state.last_pk = str(start)
            state.save(update_fields=["last_pk"])
            progress.update(done)
        progress.finish(done)
        backend.client.indices.refresh(index=state.index_name)
        backend.swap_alias(state.index_name)
        self.stdout.write(f"Alias « {backend.alias} » → {state.index_name}")
