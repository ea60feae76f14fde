from django_tasks import task

from search.indexing import process_pending


@task()
def process_search_updates():
    """Drain the search outbox (see search.indexing)."""
    indexed, failed = process_pending()
    return {"indexed": indexed, "failed": failed}
