"""The text inside group documents is searchable by the group's members, on Elasticsearch and
on the PostgreSQL fallback: uploaded through the real view, read in the background after
commit, reindexed through the outbox. Non-members never see it (see also
test_search.test_reserved_content_never_leaks)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups import services as group_services
from groups.models import TextStatus
from search import service
from search.indexing import process_pending
from search.models import PendingUpdate
from tests.factories import files as documents
from tests.search.conftest import SECRET_WORD
from tests.search.test_search import run

FILES = {
    "capybara": (
        "etude-mobilite.pdf",
        lambda: documents.make_pdf(
            ["Étude sur la mobilité", "Le capybara des quartiers prioritaires."]
        ),
    ),
    "axolotl": (
        "compte-rendu.docx",
        lambda: documents.make_docx("Compte rendu", "Point sur l'axolotl et l'accès à l'emploi."),
    ),
    "quokka": (
        "notes.odt",
        lambda: documents.make_odt("Notes de séance", "Le quokka, présenté par la mission locale."),
    ),
}


def upload(client, group, name, content):
    response = client.post(
        reverse("groups:documents", args=[group.slug]),
        {"file": SimpleUploadedFile(name, content), "title": "", "folder": "Comités"},
    )
    assert response.status_code == 302
    return group.documents.get(title=name)


def document_hit(response, document):
    return next((h for h in response.hits if h.key == f"document:{document.pk}"), None)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_text_inside_files_is_found_by_members_only(world, client):
    """Real commits: the upload commits, its on_commit schedules the reading (the immediate
    task backend runs it there), whose save commits and drains the outbox. Nothing is called by
    hand."""
    group, member = world["cite"].group, world["member"]
    client.force_login(member)
    uploaded = {word: upload(client, group, name, build()) for word, (name, build) in FILES.items()}
    assert not PendingUpdate.objects.exists()
    for word, document in uploaded.items():
        assert document.versions.get().text_status == TextStatus.DONE
        hit = document_hit(run(member, word), document)
        assert hit is not None, word
        assert f"<mark>{word}</mark>" in hit.snippet.lower(), (word, hit.snippet)
        for outsider in (AnonymousUser(), world["outsider"], world["anct"]):
            response = run(outsider, word)
            assert response.count == 0 and response.hits == []
    payload = client.get(reverse("search:api"), {"q": "capybara"}).json()
    assert payload["count"] == 1 and "<mark>" in payload["results"][0]["snippet"]


def test_the_latest_version_text_replaces_the_previous_one(
    world, client, django_capture_on_commit_callbacks
):
    member = world["member"]
    client.force_login(member)
    # Inside the test's transaction the drain scheduled by the upload has already run when the
    # reading saves: process_pending() plays the worker's next pass.
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(client, world["cite"].group, "cr.docx", documents.make_docx("gnou"))
    process_pending()
    assert document_hit(run(member, "gnou"), document)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            document.get_absolute_url(),
            {
                "file": SimpleUploadedFile("cr-v2.docx", documents.make_docx("wombat")),
                "comment": "",
            },
        )
    process_pending()
    assert document_hit(run(member, "wombat"), document)
    assert document_hit(run(member, "gnou"), document) is None


def test_storing_the_text_reindexes_through_the_outbox(world):
    """The stored text is a DocumentVersion save: search.indexing's watch on DocumentVersion
    queues its Document in the edit's transaction, like any other change."""
    member = world["member"]
    document = group_services.upload_document(
        world["cite"].group,
        member,
        uploaded=SimpleUploadedFile("cr.docx", documents.make_docx("Le tapir du comité")),
    )
    process_pending()
    assert document_hit(run(member, "tapir"), document) is None  # not read yet
    group_services.extract_version_text(document.versions.get().pk)
    assert PendingUpdate.objects.filter(source=f"groups.document:{document.pk}").exists()
    process_pending()
    assert document_hit(run(member, "tapir"), document)


def test_world_file_word_is_found_by_the_member(world):
    hit = document_hit(run(world["member"], SECRET_WORD), world["file_document"])
    assert hit is not None and f"<mark>{SECRET_WORD}</mark>" in hit.snippet.lower()


def test_suggestions_never_come_from_file_text(world):
    """Suggestions complete titles only: a file's words are suggested to no one."""
    for user in (AnonymousUser(), world["outsider"], world["member"]):
        assert service.suggest(user, SECRET_WORD) == []
