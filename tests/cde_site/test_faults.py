"""Fault drills that fit in the test suite: a lost PostgreSQL connection surfaces the French
error page, not a stack trace. (Elasticsearch outages: tests/search/test_indexing.py; Redis
outages of the health check: tests/cde_site/test_pages.py.)"""

import pytest
from django.db import connection


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_lost_database_connection_shows_the_french_error_page(client):
    if connection.vendor != "postgresql":
        pytest.skip("exercice prévu pour PostgreSQL")
    client.raise_request_exception = False
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: connection refused
    try:
        response = client.get("/cites/")
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur inattendue" in html and 'lang="fr"' in html
    assert "Traceback" not in html and "OperationalError" not in html
    # Back to normal once the database answers again.
    assert client.get("/cites/").status_code == 200
