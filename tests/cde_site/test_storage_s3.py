"""Uploaded files on S3-compatible object storage (django-storages), against a real S3 server on
loopback (moto's server, tests/s3.py): the files land in the bucket, private ones stay behind the
platform's permission checks (streamed, or a short-lived presigned URL handed out after the
check), uploads are still judged by their content."""

import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from groups import services as group_services
from groups.models import Document, DocumentVersion, Role, TextStatus
from rgpd.services import erase_account
from tests import s3
from tests.factories import CiteFactory, UserFactory
from tests.factories.files import make_docx
from tests.utils import page_text, production_settings

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture(scope="session")
def s3_server():
    with s3.running_server() as url:
        yield url


@pytest.fixture
def bucket(settings, monkeypatch, s3_server, tmp_path):
    """A fresh bucket, and the platform's storages configured from the S3_* variables."""
    from cde_site.settings.base import media_storages

    name = f"cites-emploi-{uuid.uuid4().hex[:10]}"
    s3.client(s3_server).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": s3.REGION}
    )
    for key, value in s3.environment(s3_server, name).items():
        monkeypatch.setenv(key, value)
    settings.STORAGES = {**settings.STORAGES, **media_storages()}
    # Nothing may land on disk any more.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield name
    assert not (tmp_path / "media").exists() and not (tmp_path / "private").exists()


@pytest.fixture
def group_world():
    cite = CiteFactory()
    member = UserFactory(cite=cite, coordinator=True)
    group_services.add_member(cite.group, member, role=Role.ANIMATEUR)
    return {"group": cite.group, "member": member, "outsider": UserFactory(coordinator=True)}


def upload(client, group, name, content):
    return client.post(
        reverse("groups:documents", args=[group.slug]),
        {"file": SimpleUploadedFile(name, content), "title": "Bilan", "folder": ""},
    )


def assert_private_object(server, bucket, key):
    grants = s3.client(server).get_object_acl(Bucket=bucket, Key=key)["Grants"]
    assert grants and all(g["Grantee"].get("URI") != ALL_USERS for g in grants)


def test_s3_settings_come_from_the_environment():
    storages = production_settings(
        "{k: s.STORAGES[k] for k in ('default', 'private')}",
        S3_BUCKET_NAME="medias",
        S3_PRIVATE_BUCKET_NAME="prive",
        S3_ENDPOINT_URL="https://s3.fr-par.scw.cloud",
        S3_REGION_NAME="fr-par",
        S3_ACCESS_KEY_ID="cle",
        S3_SECRET_ACCESS_KEY="secret",
        S3_ADDRESSING_STYLE="virtual",
        S3_PRIVATE_URL_SECONDS="30",
    )
    default, private = storages["default"]["OPTIONS"], storages["private"]["OPTIONS"]
    assert storages["private"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (default["bucket_name"], default["location"]) == ("medias", "media")
    assert (private["bucket_name"], private["location"]) == ("prive", "private")
    assert private["endpoint_url"] == "https://s3.fr-par.scw.cloud"
    assert (private["region_name"], private["addressing_style"]) == ("fr-par", "virtual")
    assert (private["access_key"], private["secret_key"]) == ("cle", "secret")
    assert private["default_acl"] is None and private["querystring_auth"] is True
    assert private["querystring_expire"] == 30 and default["querystring_expire"] == 3600


def test_group_document_lives_in_the_bucket_and_only_members_read_it(
    client, bucket, s3_server, group_world
):
    group, member = group_world["group"], group_world["member"]
    client.force_login(member)
    assert upload(client, group, "bilan 2026.pdf", PDF).status_code == 302
    version = DocumentVersion.objects.get(document__group=group)
    key = f"private/{version.file.name}"
    assert key.startswith(f"private/groupes/{group.pk}/")
    assert s3.keys(s3_server, bucket) == [key]
    assert_private_object(s3_server, bucket, key)

    url = version.get_download_url()
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "bilan 2026.pdf" in download["Content-Disposition"]
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in download["Cache-Control"]
    # The documents page links to the checked view, never to the bucket.
    assert (
        s3_server not in client.get(reverse("groups:documents", args=[group.slug])).content.decode()
    )

    client.force_login(group_world["outsider"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("account_login"))


def test_document_text_is_read_from_the_bucket(
    client, bucket, s3_server, group_world, django_capture_on_commit_callbacks
):
    client.force_login(group_world["member"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, group_world["group"], "cr.docx", make_docx("Le tatou du comité"))
    version = DocumentVersion.objects.get()
    assert (version.text_status, version.text) == (TextStatus.DONE, "Le tatou du comité")


def test_private_download_can_redirect_to_a_short_lived_presigned_url(
    client, bucket, s3_server, group_world, settings
):
    settings.PRIVATE_MEDIA_REDIRECT = True
    group = group_world["group"]
    client.force_login(group_world["member"])
    upload(client, group, "compte rendu.pdf", PDF)
    url = DocumentVersion.objects.get().get_download_url()

    response = client.get(url)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{s3_server}/{bucket}/private/groupes/")
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]
    assert "no-store" in response["Cache-Control"]
    fetched = requests.get(location, timeout=10)
    assert fetched.status_code == 200 and fetched.content == PDF
    assert fetched.headers["Content-Type"] == "application/pdf"
    assert fetched.headers["Content-Disposition"] == 'attachment; filename="compte rendu.pdf"'

    # The permission check comes first: no URL for a non-member.
    client.force_login(group_world["outsider"])
    assert client.get(url).status_code == 404


def test_bad_upload_on_s3_is_refused_and_stores_nothing(client, bucket, s3_server, group_world):
    group = group_world["group"]
    client.force_login(group_world["member"])
    response = upload(client, group, "rapport.pdf", b"<html><script>alert(1)</script></html>")
    assert response.status_code == 200
    assert "n'a pas été déposé" in page_text(response)
    assert not Document.objects.exists()
    assert s3.keys(s3_server, bucket) == []


def test_profile_photo_in_the_bucket_is_served_to_its_owner_and_erased_with_the_account(
    client, bucket, s3_server, django_capture_on_commit_callbacks
):
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "navy").save(buffer, "PNG")
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Ana",
            "last_name": "Photo",
            "photo": SimpleUploadedFile("moi.png", buffer.getvalue(), "image/png"),
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    key = f"private/{user.photo.name}"
    assert s3.keys(s3_server, bucket) == [key]
    assert_private_object(s3_server, bucket, key)
    photo = client.get(reverse("accounts:photo"))
    assert photo.status_code == 200 and b"".join(photo.streaming_content) == buffer.getvalue()

    with django_capture_on_commit_callbacks(execute=True):
        erase_account(user)
    assert s3.keys(s3_server, bucket) == []
