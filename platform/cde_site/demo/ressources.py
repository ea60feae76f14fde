"""Demo library: fiches dispositifs and actions inspirantes for the 8 champs d'action, two
portraits, a testimony and three bulletins (data.py)."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from wagtail.models import Page

from accounts.models import CiteRole, User
from cde_site.demo import data
from cites.models import Cite
from ressources.models import (
    ActionInspirantePage,
    BulletinPage,
    BulletinSending,
    FicheDispositifPage,
    ParcoursBeneficiairePage,
    PortraitCitePage,
    RessourcePage,
    SendingStatus,
)
from ressources.services import follow_fiche, save_ressource, set_members_only
from ressources.setup import ensure_library
from themes.models import PublicCible, Theme

# Issue #18: one fiche near the end of its validity (ANCT's "Fiches à revoir" report and
# reminder), followed by the consultante and the Saint-Omer team; a group document proposed to
# the library (build_library_proposal).
NEAR_EXPIRY_FICHE = "1-jeune-1-mentor"
PARIS = ZoneInfo("Europe/Paris")
BULLETIN_TITLES = {
    312: "Une année charnière pour l'emploi dans les quartiers",
    313: "Mobilité et contraintes familiales",
    314: "Numérique, savoirs de base et santé",
}
PORTRAITS = [
    {
        "slug": "portrait-saint-omer",
        "cite": "saint-omer",
        "title": "Saint-Omer : un réseau serré autour de quartiers à taille humaine",
        "key_lesson": (
            "La proximité entre partenaires permet de trouver une solution pour chaque personne "
            "en quelques jours, à condition de se parler chaque semaine."
        ),
        "team": "Une coordinatrice, une chargée de relations entreprises et dix partenaires.",
    },
    {
        "slug": "portrait-maubeuge",
        "cite": "maubeuge",
        "title": "Maubeuge : aller vers les habitants là où ils sont",
        "key_lesson": (
            "Les actions « hors les murs » (stades, pieds d'immeubles) attirent des personnes "
            "qui ne poussent jamais la porte d'une agence."
        ),
        "team": "Un coordinateur, deux adultes-relais et les conseillers des partenaires.",
    },
]


def _cite_by_name():
    return {cite.name: cite for cite in Cite.objects.all()}


def build_ressources(home):
    library, archive = ensure_library(home)
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    publics = {public.slug: public for public in PublicCible.objects.all()}
    cites = _cite_by_name()
    fiches = {}
    for position, item in enumerate(data.FICHES_DISPOSITIFS):
        page, _ = save_ressource(
            library,
            FicheDispositifPage,
            item["slug"],
            {
                "title": item["title"],
                "summary": item["summary"],
                "body": [("paragraph", item["body"])],
                "how_to": f"<p>{item['how_to']}</p>",
                "porteur": item["porteur"],
                "funding": item["financement"],
                "region": item["scope"],
                "date": datetime.date(2024, 1, 8) + datetime.timedelta(days=7 * position),
                "last_reviewed": datetime.date(2024, 6, 1),
                # Relative to the day the demo is loaded: ANCT's "Fiches à revoir" report and
                # reminder always have one fiche to show.
                "valid_until": (
                    datetime.date.today() + datetime.timedelta(days=12)
                    if item["slug"] == NEAR_EXPIRY_FICHE
                    else None
                ),
            },
            themes=[themes[slug] for slug in item["themes"]],
            publics=[publics[slug] for slug in item["publics_cibles"]],
        )
        fiches[page.slug] = page
    for position, item in enumerate(data.ACTIONS_INSPIRANTES):
        cite = cites.get(item["cite_name"])
        page, _ = save_ressource(
            library,
            ActionInspirantePage,
            item["slug"],
            {
                "title": item["title"],
                "summary": item["summary"],
                "body": [("paragraph", item["body"])],
                "partners": "\n".join(item["partners"]),
                "results": item["results"],
                "cite": cite,
                "territory": "" if cite else item["cite_name"],
                "region": cite.region if cite else "national",
                "date": datetime.date(2023, 9, 4) + datetime.timedelta(days=10 * position),
            },
            themes=[themes[slug] for slug in item["themes"]],
            publics=[publics[slug] for slug in item["publics_cibles"]],
        )
        if page.slug == "club-du-mentorat-chartres-dreux" and "1-jeune-1-mentor" in fiches:
            page.related_fiches.set([fiches["1-jeune-1-mentor"]])
            page.save_revision().publish()
    for item in PORTRAITS:
        cite = Cite.objects.get(slug=item["cite"])
        facts = next(c for c in data.CITES if c["slug"] == item["cite"])
        save_ressource(
            library,
            PortraitCitePage,
            item["slug"],
            {
                "title": item["title"],
                "summary": facts["presentation"],
                "body": [
                    ("paragraph", f"<p>{facts['presentation']}</p>"),
                    (
                        "key_figures",
                        {
                            "title": "Les quartiers",
                            "figures": [
                                {
                                    "value": f"{qpv['population']:,}".replace(",", " "),
                                    "label": qpv["name"],
                                }
                                for qpv in facts["qpvs"][:4]
                            ],
                        },
                    ),
                ],
                "team": item["team"],
                "key_lesson": item["key_lesson"],
                "cite": cite,
                "region": cite.region,
                "date": datetime.date(2024, 5, 14),
            },
            themes=list(cite.themes.all()),
            publics=list(cite.publics_cibles.all()),
        )
    save_ressource(
        library,
        ParcoursBeneficiairePage,
        "parcours-samira-pau",
        {
            "title": "Samira, de la garde d'enfants à l'aide-soignante en formation",
            "summary": (
                "Mère de deux enfants, Samira a trouvé une solution de garde grâce à la cité, "
                "puis une formation qualifiante."
            ),
            "person": "Samira",
            "profile": "34 ans, quartier du Hédas",
            "quote": "Sans place en crèche, je ne pouvais même pas aller aux entretiens.",
            "body": [
                (
                    "paragraph",
                    "<p>Orientée par le centre social, Samira a rencontré la coordinatrice lors "
                    "d'un café des parents. Une place en crèche à vocation d'insertion "
                    "professionnelle a débloqué la suite : immersion, puis entrée en formation.</p>",
                )
            ],
            "outcome": "En formation d'aide-soignante, stage à l'hôpital de Pau.",
            "cite": Cite.objects.filter(slug="pau").first(),
            "region": "75",
            "date": datetime.date(2024, 3, 20),
        },
        themes=[themes["contraintes-familiales"], themes["sante-handicap"]],
        publics=[publics["femmes"]],
        # Public in the demo: the demo test opens every live page anonymously. Editors set
        # "registered professionals only" in Wagtail's privacy settings.
    )
    for item in data.BULLETINS:
        build_bulletin(archive, item)
    build_watched_fiches(fiches)
    build_library_proposal()
    record_publication_history(library)
    mark_issues_sent()
    ensure_issue_in_preparation(archive)
    say_the_archive_is_a_demo(archive)
    return []


DEMO_ARCHIVE_NOTE = (
    " Dans cette démonstration, les numéros archivés sont trois numéros parus au printemps "
    "2024 ; le suivant est en préparation dans l'administration."
)


def say_the_archive_is_a_demo(archive):
    """The archive says "every two weeks" while the demo's latest issue is from April 2024: the
    demo says why (a real deployment's intro, edited by ANCT, is left alone)."""
    if DEMO_ARCHIVE_NOTE.strip() not in archive.intro:
        archive.intro = archive.intro.rstrip() + DEMO_ARCHIVE_NOTE
        archive.save_revision().publish()


def build_watched_fiches(fiches):
    near = fiches.get(NEAR_EXPIRY_FICHE)
    if near is not None:
        for email in (
            f"consultante@{settings.DEMO_EMAIL_DOMAIN}",
            *User.objects.filter(is_demo=True, cite__slug="saint-omer").values_list(
                "email", flat=True
            ),
        ):
            user = User.objects.filter(email=email).first()
            if user is not None:
                follow_fiche(user, near)


def build_library_proposal():
    """The Saint-Omer coordinator proposed the group's "Permanences emploi" table: a draft in
    ANCT's review queue (once: the same version is never proposed twice)."""
    from django.core.exceptions import ValidationError

    from groups import services as group_services
    from groups.models import Document

    document = (
        Document.objects.filter(group__cite__slug="saint-omer", title="Permanences emploi")
        .select_related("group")
        .first()
    )
    author = User.objects.filter(
        is_demo=True, cite__slug="saint-omer", cite_role=CiteRole.COORDINATEUR
    ).first()
    if document is None or author is None or document.latest is None:
        return None
    try:
        return group_services.propose_to_library(
            document,
            document.latest,
            author,
            description=(
                "Le tableau des permanences emploi tenues chaque semaine dans nos quartiers : "
                "lieux, horaires, partenaires présents. Une trame que d'autres cités peuvent "
                "reprendre telle quelle."
            ),
            themes=Theme.objects.filter(slug="reseau-professionnel"),
            # Chosen by the coordinator in the form (fiche dispositif by default): what the
            # cité does each week, so ANCT reviews an action inspirante.
            kind="action",
        )
    except ValidationError:
        return None  # already proposed by an earlier run


def record_publication_history(library):
    """Each ressource first published on its own date, as if the library had grown over months:
    the pages dated after the last bulletin sent are what composing the next one proposes."""
    for page in RessourcePage.objects.child_of(library).live().only("pk", "date"):
        published = datetime.datetime.combine(page.date, datetime.time(9, 0), tzinfo=PARIS)
        Page.objects.filter(pk=page.pk).update(first_published_at=published)


def mark_issues_sent():
    """The demo issues were sent on their date (no subscriber then: nothing to deliver)."""
    for bulletin in BulletinPage.objects.filter(number__in=[b["number"] for b in data.BULLETINS]):
        sent_at = datetime.datetime.combine(bulletin.date, datetime.time(10, 0), tzinfo=PARIS)
        sending, _ = BulletinSending.objects.get_or_create(bulletin=bulletin)
        BulletinSending.objects.filter(pk=sending.pk).update(
            status=SendingStatus.DONE,
            started_at=sent_at,
            finished_at=sent_at + datetime.timedelta(minutes=5),
        )


def ensure_issue_in_preparation(archive):
    """A draft n° 315 for ANCT to compose from the library (left as is when it exists: a demo
    visitor may have composed it already)."""
    number = max(b["number"] for b in data.BULLETINS) + 1
    if BulletinPage.objects.filter(number=number).exists():
        return
    page = BulletinPage(
        number=number,
        slug=str(number),
        title=f"Bulletin n° {number} (en préparation)",
        intro="La sélection de l'équipe nationale pour les équipes projet des cités.",
        live=False,
    )
    archive.add_child(instance=page)
    page.save_revision()


def build_bulletin(archive, item):
    page = BulletinPage.objects.filter(number=item["number"]).first()
    fields = {
        "title": BULLETIN_TITLES.get(item["number"], f"Bulletin n° {item['number']}"),
        "date": item["date"],
        "intro": "La sélection de l'équipe nationale pour les équipes projet des cités.",
        "sections": [
            (
                "section",
                {
                    "title": section["title"],
                    "items": [
                        {
                            "title": entry["title"],
                            "summary": entry["summary"],
                            "page": None,
                            "url": entry["url"],
                            "themes": entry["themes"],
                        }
                        for entry in section["items"]
                    ],
                },
            )
            for section in item["sections"]
        ],
    }
    if page is None:
        page = BulletinPage(number=item["number"], slug=str(item["number"]), **fields)
        archive.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.save_revision().publish()
    set_members_only(page, False)
    return page
