"""Shared set-up for search tests: backends on real servers and a small world of content."""

import datetime
import signal

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cafes_cites.models import Session, Speaker
from cde_site.setup import setup_site
from groups import services as group_services
from groups.models import Access, Role
from ressources.models import ActionInspirantePage, BulletinPage, FicheDispositifPage
from ressources.setup import ensure_library
from search.backends import elastic
from search.indexing import process_pending
from search.models import SynonymGroup
from search.pipeline import clear_thesaurus_cache
from search.thesaurus import load_groups
from tests.factories import CiteFactory, UserFactory, make_anct_user
from tests.factories.files import make_docx
from tests.factories.ressources import make_ressource
from themes.models import Theme

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECRET_WORD = "okapi"  # only in the text of a reserved group's file


def use_elasticsearch(settings, url):
    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_REFRESH = True
    # osmem-server's light_french stemmer indexes empty tokens; Snowball French works there.
    settings.ELASTICSEARCH_FRENCH_STEMMER = "snowball"
    settings.ELASTICSEARCH_REPLICAS = 0
    settings.ELASTICSEARCH_RETRY_AFTER = 0
    settings.ELASTICSEARCH_TIMEOUT = 2
    elastic.reset()


@pytest.fixture(params=["elasticsearch", "postgresql"])
def engine(request, settings):
    """Each behavioural test runs on an Elasticsearch-API server (osmem-server, a fresh clone
    per test) and on the PostgreSQL fallback."""
    if request.param == "elasticsearch":
        clone = request.getfixturevalue("osmem_server").clone()
        use_elasticsearch(settings, clone.url)
        yield request.param
        clone.close()
    else:
        settings.ELASTICSEARCH_URL = ""
        elastic.reset()
        yield request.param
    elastic.reset()


def theme(slug):
    return Theme.objects.get(slug=slug)


def load_thesaurus():
    """The thesaurus file, as the data migration loads it (transactional tests flush every
    table, migration data included)."""
    load_groups(SynonymGroup)
    clear_thesaurus_cache()


@pytest.fixture
def thesaurus(db):
    load_thesaurus()


def build_world(settings, tmp_path):
    load_thesaurus()
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    home = setup_site()
    library, archive = ensure_library(home)
    cite = CiteFactory(name="Cité de l'emploi de Saint-Omer", short_name="Saint-Omer", region="32")
    other = CiteFactory(name="Cité de l'emploi de Pau", short_name="Pau", region="75")
    member = UserFactory(cite=cite, coordinator=True, first_name="Mina", last_name="Membre")
    outsider = UserFactory(cite=other, coordinator=True)
    group_services.add_member(cite.group, member, role=Role.ANIMATEUR)
    w = {
        "home": home,
        "library": library,
        "archive": archive,
        "cite": cite,
        "other": other,
        "member": member,
        "outsider": outsider,
        "anct": make_anct_user(),
    }
    w["fiche"] = make_ressource(
        library,
        FicheDispositifPage,
        "permis-citoyen",
        title="Le permis de conduire citoyen",
        summary="Financer le permis de conduire, premier levier de mobilité des jeunes des quartiers.",
        porteur="Région",
        themes=["mobilite"],
        date=datetime.date(2024, 3, 1),
    )
    w["action"] = make_ressource(
        library,
        ActionInspirantePage,
        "creche-insertion",
        title="Des crèches à vocation d'insertion professionnelle",
        summary="Une place en crèche pour les parents qui reprennent l'accès à l'emploi.",
        themes=["contraintes-familiales"],
        region="32",
        cite=cite,
        date=datetime.date(2023, 5, 10),
    )
    w["mobility_action"] = make_ressource(
        library,
        ActionInspirantePage,
        "plateforme-mobilite",
        title="Une plateforme de mobilité solidaire",
        summary="Location de scooters et conseil en mobilité pour aller au travail.",
        themes=["mobilite"],
        region="75",
        cite=other,
        date=datetime.date(2025, 1, 15),
    )
    bulletin = BulletinPage(
        title="Numéro 314",
        slug="314",
        number=314,
        date=datetime.date(2025, 2, 1),
        sections=[
            (
                "section",
                {
                    "title": "Santé",
                    "items": [
                        {
                            "title": "Accès aux soins dans les quartiers",
                            "summary": "Une étude sur le renoncement aux soins.",
                            "page": None,
                            "url": "https://example.org/soins",
                            "themes": ["sante-handicap"],
                        }
                    ],
                },
            )
        ],
    )
    archive.add_child(instance=bulletin)
    bulletin.save_revision().publish()
    w["bulletin"] = bulletin
    start = timezone.now() + datetime.timedelta(days=10)
    session = Session.objects.create(
        number=21,
        title="Illettrisme : repérer et orienter",
        description="<p>Les savoirs de base au cœur des parcours.</p>",
        start=start,
        end=start + datetime.timedelta(hours=1),
    )
    session.themes.set([theme("savoirs-de-base")])
    Speaker.objects.create(session=session, name="Léa Intervenante", cite_name="Saint-Omer")
    w["session"] = session
    w["thread"] = group_services.create_thread(
        cite.group,
        member,
        title="Comité confidentiel sur la mobilité",
        body="<p>Le budget zanzibar du comité <script>alert(1)</script></p>",
    )
    w["document"] = group_services.upload_document(
        cite.group,
        member,
        uploaded=SimpleUploadedFile("bilan.pdf", PDF),
        title="Bilan zanzibar réservé",
    )
    # A word found only inside a file (read as after an upload; on_commit does not run here).
    w["file_document"] = group_services.upload_document(
        cite.group,
        member,
        uploaded=SimpleUploadedFile("compte-rendu.docx", make_docx(f"Le projet {SECRET_WORD}.")),
        title="Compte rendu de réunion",
    )
    group_services.extract_version_text(w["file_document"].versions.get().pk)
    w["open_group"] = group_services.create_group(
        name="Mobilité vers l'emploi",
        access=Access.OPEN,
        description="Échanges sur la mobilité.",
        themes=[theme("mobilite")],
        animateurs=[member],
    )
    w["staff_group"] = AuthGroup.objects.create(name="Rédaction")
    process_pending()
    return w


@pytest.fixture
def world(engine, settings, tmp_path):
    return build_world(settings, tmp_path)


def pause(process):
    process.send_signal(signal.SIGSTOP)


def resume(process):
    process.send_signal(signal.SIGCONT)
