"""Absolute links in e-mails and .ics files: SITE_URL, or in the demo the address served; Wagtail's
workflow e-mails in French with the same address."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from cafes_cites import ics
from commons import urls
from groups import services
from groups.models import Access
from tests.factories import UserFactory
from themes.models import Theme


@pytest.fixture
def library():
    from cde_site.setup import setup_site
    from ressources.setup import ensure_library

    home = setup_site()
    return ensure_library(home)[0]


@pytest.fixture
def forget_served_address():
    yield
    urls._served["origin"] = ""


def invitation_mail(django_capture_on_commit_callbacks):
    animateur = UserFactory()
    group = services.create_group(name="Mobilité", access=Access.OPEN, animateurs=[animateur])
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(group, "invitee@example.org", actor=animateur)
    return invitation, mail.outbox[-1].body


def test_links_use_site_url(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://cites.example.org"
    invitation, body = invitation_mail(django_capture_on_commit_callbacks)
    assert f"https://cites.example.org{invitation.get_absolute_url()}" in body
    assert ":8000" not in body


def test_demo_links_follow_the_address_served(
    client, settings, forget_served_address, django_capture_on_commit_callbacks
):
    """`runserver 127.0.0.1:8123` without SITE_URL: e-mails and .ics point to port 8123."""
    settings.SITE_URL = ""
    settings.DEBUG = True
    client.get("/", HTTP_HOST="127.0.0.1:8123")
    invitation, body = invitation_mail(django_capture_on_commit_callbacks)
    assert f"http://127.0.0.1:8123{invitation.get_absolute_url()}" in body
    assert settings.WAGTAILADMIN_BASE_URL == "http://127.0.0.1:8123"
    from tests.factories.cafes_cites import make_session

    event = ics.session_event(make_session(), stamp=datetime.datetime.now(datetime.UTC))
    assert str(event["url"]).startswith("http://127.0.0.1:8123/")


def test_production_never_takes_links_from_the_host_header(
    client, settings, forget_served_address, django_capture_on_commit_callbacks
):
    settings.SITE_URL = ""
    settings.DEBUG = False
    client.get("/", HTTP_HOST="127.0.0.1:8123")
    _, body = invitation_mail(django_capture_on_commit_callbacks)
    assert "8123" not in body


def test_workflow_emails_are_french_with_the_site_address(
    client,
    settings,
    library,
    member,
    anct_user,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = settings.WAGTAILADMIN_BASE_URL = "https://cites.example.org"
    client.force_login(member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ressources:propose"),
            {
                "title": "Un petit-déjeuner des employeurs",
                "summary": "Chaque mois, dix employeurs rencontrent des habitants.",
                "description": "Premier paragraphe.",
                "themes": [Theme.objects.get(slug="reseau-professionnel").pk],
                "start_date": "15/03/2024",
            },
        )
    assert response.status_code == 302
    sent = [m for m in mail.outbox if anct_user.email in m.to]
    assert sent, [m.subject for m in mail.outbox]
    for message in sent:
        assert message.body.startswith(f"Bonjour {anct_user.first_name},")
        assert "Salut" not in message.body and "Hello" not in message.body
        assert "https://cites.example.org/admin/pages/" in message.body
        assert "localhost" not in message.body
        assert "relecture" in (message.subject + message.body).lower()
        # Walk 16e: the same prefix and signature as the platform's other e-mails.
        assert message.subject.startswith("[Cités de l'emploi] "), message.subject
        assert "L'équipe nationale des cités de l'emploi (ANCT)" in message.body
        assert "Cités de l'emploi — https://cites.example.org" in message.body


def test_commands_outside_requests_use_the_default_site_address(
    settings, forget_served_address, django_capture_on_commit_callbacks
):
    """receive_email and background tasks serve no request: without SITE_URL, links use the
    Wagtail default Site's root_url (set by load_demo from `make demo`'s SITE_URL)."""
    from wagtail.models import Site

    settings.SITE_URL = ""
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("localhost", 80)  # the placeholder: not an address
    assert urls.site_url() == urls.DEFAULT_SITE_URL
    site.hostname, site.port = "192.168.1.20", 9000
    site.save()
    assert urls.site_url() == "http://192.168.1.20:9000"
    invitation, body = invitation_mail(django_capture_on_commit_callbacks)
    assert f"http://192.168.1.20:9000{invitation.get_absolute_url()}" in body
    assert ":8000" not in body
    settings.SITE_URL = "https://cites.example.org"  # SITE_URL, when set, decides
    assert urls.site_url() == "https://cites.example.org"


def test_load_demo_sets_the_default_site_from_site_url(settings):
    """`make demo PORT=9000` exports SITE_URL=http://127.0.0.1:9000; load_demo records it."""
    from wagtail.models import Site

    from cde_site.demo import set_default_site_address
    from cde_site.setup import setup_site

    setup_site()
    settings.SITE_URL = "http://127.0.0.1:9000"
    set_default_site_address()
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == "http://127.0.0.1:9000"
    settings.SITE_URL = ""
    assert urls.site_url() == "http://127.0.0.1:9000"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [({}, "http://127.0.0.1:9100"), ({"SITE_URL": "https://a.example.fr"}, "https://a.example.fr")],
)
def test_make_demo_exports_site_url_from_host_and_port(tmp_path, environment, expected):
    """The demo target's SITE_URL, as its prerequisites and runserver see it (UV=true, -o migrate: no
    command actually runs)."""
    import subprocess
    from pathlib import Path

    makefile = Path(__file__).resolve().parents[2] / "Makefile"
    show = 'demo: show-url\nshow-url: ; @echo "SITE_URL=$$SITE_URL"'
    command = [
        "/usr/bin/make",
        "-s",
        "-f",
        str(makefile),
        f"--eval={show}",
        "-o",
        "migrate",
        "demo",
    ]
    result = subprocess.run(
        [*command, "PORT=9100", "UV=true"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", **environment},
        check=False,
    )
    assert f"SITE_URL={expected}\n" in result.stdout, result.stderr
