"""One name for the address field on every account form: « Adresse électronique » (DSFR)."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def labels(html):
    return [
        re.sub(r"<[^>]+>|\s+", " ", label).strip()
        for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
    ]


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_public_account_forms_say_adresse_electronique(client, url_name):
    html = client.get(reverse(url_name)).content.decode()
    assert any(label.startswith("Adresse électronique") for label in labels(html)), labels(html)
    assert not re.search(r"(?i)\be-?mail\b(?![^<]*[\"'])", re.sub(r"<[^>]*>", " ", html))


def test_email_management_page_says_adresse_electronique(client):
    client.force_login(UserFactory())
    html = client.get(reverse("account_email")).content.decode()
    assert any(label.startswith("Adresse électronique") for label in labels(html)), labels(html)
    assert not re.search(r"(?i)\be-?mail\b", re.sub(r"<[^>]*>", " ", html))
