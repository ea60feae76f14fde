"""Walk 16e F10: each group sub-page's <title> starts with its h1 (the group's name), the
unanswered-questions page's title is its h1, and an unknown folder is a 404."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.groups.test_groups import PDF, setting_media, world  # noqa: F401

pytestmark = pytest.mark.django_db


def _title_and_h1(response):
    text = response.content.decode()
    title = html.unescape(re.search(r"<title>(.*?)</title>", text, re.S).group(1).strip())
    h1 = html.unescape(
        re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S).group(1)).strip()
    )
    return title, h1


def test_group_sub_page_titles_start_with_the_h1(client, world):  # noqa: F811
    group, document = world["group"], world["document"]
    client.force_login(world["member"])
    for url in (
        reverse("groups:members", args=[group.slug]),
        reverse("groups:document", args=[group.slug, document.pk]),
        reverse("groups:questions", args=[group.slug]),
    ):
        title, h1 = _title_and_h1(client.get(url))
        assert title.startswith(f"{h1} — "), (url, title, h1)
    title, _ = _title_and_h1(client.get(reverse("groups:document", args=[group.slug, document.pk])))
    assert title.startswith(f"{group.name} — Document « Bilan réservé »")
    title, h1 = _title_and_h1(client.get(reverse("groups:my_questions")))
    assert h1 == "Questions sans solution dans mes groupes"
    assert title.startswith(f"{h1} — ")


def test_unknown_folder_is_a_404(client, world):  # noqa: F811
    from groups import services

    group = world["group"]
    services.upload_document(
        group,
        world["animateur"],
        uploaded=SimpleUploadedFile("cr.pdf", PDF),
        title="Compte rendu",
        folder="Comités",
    )
    client.force_login(world["member"])
    url = reverse("groups:documents", args=[group.slug])
    assert client.get(url, {"dossier": "99999"}).status_code == 404
    response = client.get(url, {"dossier": "Comités"})
    assert response.status_code == 200
    assert "Compte rendu" in response.content.decode()


def test_a_list_page_past_the_last_is_a_404_not_page_1_again(client):
    """Walk 16e F10: « ?page=2 » of a one-page list showed page 1 under the title « page 2 »."""
    url = reverse("cafes_cites:agenda")
    assert client.get(url).status_code == 200
    assert client.get(url, {"page": "1"}).status_code == 200
    assert client.get(url, {"page": "2"}).status_code == 404
    assert client.get(url, {"page": "abc"}).status_code == 404
