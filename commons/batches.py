"""Deleting many rows without one long transaction: retention rules run on large tables."""


def delete_in_batches(queryset, batch_size, progress=None, label=""):
    """Delete what `queryset` selects, `batch_size` primary keys at a time, so that an
    interrupted run has kept what it did and the next one resumes with what is left. Calls
    `progress(label, done, total)` after each batch; returns how many rows were deleted."""
    model = queryset.model
    total = queryset.count()
    done = 0
    while pks := list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size]):
        model.objects.filter(pk__in=pks).delete()
        done += len(pks)
        if progress:
            progress(label, done, total)
    return done
