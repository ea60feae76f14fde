"""Every search URL answers every role, with the same privacy as the pages."""

import pytest
from django.urls import reverse

URLS = [
    ("search:search", {"q": "emploi"}),
    ("search:search", {}),
    ("search:api", {"q": "emploi", "type": "fiche"}),
    ("search:suggestions", {"q": "em"}),
]


@pytest.mark.parametrize(("name", "params"), URLS)
def test_search_urls_by_role(role_client, name, params):
    response = role_client.get(reverse(name), params)
    assert response.status_code == 200
    if name != "search:search":
        assert response["Content-Type"].startswith("application/json")


def test_search_is_in_the_main_navigation(client):
    html = client.get(reverse("search:search")).content.decode()
    assert 'aria-current="page"' in html and ">Recherche</a>" in html


def test_post_is_refused(client):
    assert client.post(reverse("search:api")).status_code == 405
