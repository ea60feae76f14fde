"""Demo groups: each demo cité's reserved group, the national Opérateurs group and two working
groups, with threads, replies and documents. Idempotent (looked up by slug and title)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import CiteRole, User
from accounts.roles import ANCT_GROUP_NAME
from cites.models import Cite
from groups import services
from groups.models import Access, Document, Group, Role, Thread
from themes.models import Theme

# (title, opening message, replies) — written from the vadémécum's concerns, in our own words.
CITE_THREADS = [
    (
        "Comité technique du mois : ordre du jour",
        "<p>Bonjour à toutes et à tous,</p><p>Je vous propose de faire le point sur la cohorte "
        "(entrées, sorties positives, abandons) et sur les <strong>actions d'aller-vers</strong> "
        "prévues ce trimestre. Ajoutez vos sujets en réponse.</p>",
        [
            "Pouvons-nous ajouter un point sur les solutions de garde pour les mères isolées "
            "de la cohorte ? Trois personnes ont dû refuser une formation faute de solution.",
            # {organisation}: the replier's own (a PLIE coordinator once wrote "Côté France
            # Travail" here, next to the cité's France Travail partner).
            "Côté {organisation}, nous pourrons présenter les dernières entrées en PMSMP.",
        ],
    ),
    (
        "Partage : liste des permanences emploi dans les quartiers",
        "<p>Vous trouverez dans les documents la liste à jour des permanences. Merci de me "
        "signaler tout changement d'horaire.</p>",
        ["Merci ! La permanence du mardi change de salle à partir du mois prochain."],
    ),
]

NATIONAL_THREADS = [
    (
        "Café-cité : vos idées de thèmes pour les prochaines sessions",
        "<p>L'équipe nationale prépare le calendrier des prochains cafés-cités. Quels sujets "
        "voulez-vous voir traités ? Mobilité, numérique, santé mentale, relations entreprises…</p>",
        [
            "La santé mentale des publics accompagnés revient souvent dans nos comités.",
            "Un retour d'expérience sur les clauses sociales serait utile pour plusieurs cités.",
        ],
    ),
]

WORKING_GROUPS = [
    (
        "Garde d'enfant et emploi",
        "contraintes-familiales",
        Access.OPEN,
        "Solutions de garde souples pour les parents en parcours d'insertion : crèches AVIP, "
        "horaires atypiques, relais petite enfance.",
        [
            (
                "Crèches à vocation d'insertion professionnelle : retours d'expérience",
                "<p>Quelles cités ont conventionné avec des crèches AVIP ? Combien de places, et "
                "comment orientez-vous les parents ?</p>",
                ["Chez nous, deux crèches réservent 10 % de leurs places aux parents en parcours."],
            )
        ],
    ),
    (
        "Mobilité vers l'emploi",
        "mobilite",
        Access.ON_REQUEST,
        "Permis, vélo, transport à la demande, plateformes de mobilité : partager les solutions "
        "qui lèvent le frein de la mobilité.",
        [
            (
                "Location de vélos à assistance électrique pour les nouveaux embauchés",
                "<p>Nous étudions une flotte de vélos prêtés pendant les trois premiers mois "
                "d'un emploi. Des expériences à partager ?</p>",
                [],
            )
        ],
    ),
]


def text_pdf(lines):
    """A one-page PDF whose text the search extracts (Helvetica, WinAnsi, a valid xref): the
    demo's document page once said « Texte extrait pour la recherche : non (fichier
    illisible…) » for an empty page."""

    def esc(t):
        return t.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 12 Tf", "14 TL", "72 770 Td"]
    for line in lines:
        ops.append(f"({esc(line)}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("cp1252")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length " + str(len(stream)).encode() + b">>stream\n" + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj".encode() + body + b"endobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


ROADMAP_PDF = text_pdf(
    [
        "Feuille de route 2026 de la cité de l'emploi",
        "Axe 1 : mobilité vers l'emploi (permis, vélos, transport à la demande).",
        "Axe 2 : solutions de garde pour les parents en parcours d'insertion.",
        "Axe 3 : aller-vers dans les quartiers prioritaires, avec les partenaires.",
    ]
)
CSV_BYTES = (
    b"Quartier;Jour;Horaire;Lieu\nCentre;Mardi;9h-12h;Maison de quartier\n"
    b"Nord;Jeudi;14h-17h;Centre social\n"
)


def _thread(group, author, title, body, replies, repliers):
    if Thread.objects.filter(group=group, title=title).exists():
        return
    thread = services.create_thread(group, author, title=title, body=body)
    for text, replier in zip(replies, repliers, strict=False):
        organisation = replier.organisation or "notre structure"
        services.reply(thread, replier, body=text.replace("{organisation}", organisation))


def _document(group, user, title, folder, name, content):
    if Document.objects.filter(group=group, title=title).exists():
        return
    services.upload_document(
        group, user, uploaded=SimpleUploadedFile(name, content), title=title, folder=folder
    )


def build(home):
    for cite in Cite.objects.all():
        services.ensure_cite_group(cite)
    national = services.ensure_national_group()
    anct = User.objects.filter(is_demo=True, groups__name=ANCT_GROUP_NAME).first()
    coordinators = list(User.objects.filter(is_demo=True, cite_role=CiteRole.COORDINATEUR))
    partners = list(User.objects.filter(is_demo=True, cite_role=CiteRole.PARTENAIRE))
    if anct:
        services.add_member(national, anct, role=Role.ANIMATEUR)
    for coordinator in coordinators:
        services.add_member(national, coordinator)
        group = coordinator.cite.group
        services.add_member(group, coordinator, role=Role.ANIMATEUR)
        team = [p for p in partners if p.cite_id == coordinator.cite_id]
        for partner in team:
            services.add_member(group, partner)
        for title, body, replies in CITE_THREADS:
            _thread(group, coordinator, title, body, replies, [*team, coordinator])
        _document(
            group,
            coordinator,
            "Feuille de route 2026",
            "Pilotage",
            "feuille-de-route.pdf",
            ROADMAP_PDF,
        )
        _document(group, coordinator, "Permanences emploi", "Outils", "permanences.csv", CSV_BYTES)
    if anct:
        for title, body, replies in NATIONAL_THREADS:
            _thread(national, anct, title, body, replies, coordinators)
    independent = User.objects.filter(is_demo=True, cite__isnull=True, groups__isnull=True).first()
    for name, theme_slug, access, description, threads in WORKING_GROUPS:
        group = Group.objects.filter(name=name).first() or services.create_group(
            name=name,
            access=access,
            description=description,
            themes=[Theme.objects.get(slug=theme_slug)],
            animateurs=[anct] if anct else [],
        )
        members = coordinators[:3] + ([independent] if independent else [])
        for user in members:
            services.add_member(group, user)
        for title, body, replies in threads:
            _thread(group, anct or members[0], title, body, replies, members)
    return []
