"""Idempotent set-up of the host site's page tree (real installs and the demo alike)."""

from wagtail.models import GroupPagePermission, Page, Site

from accounts.roles import add_anct_permissions
from cde_site.models import ContentPage, HomePage
from ressources.setup import ensure_library

ACCESSIBILITY_SLUG = "accessibilite"
ACCESSIBILITY_INTRO = (
    "L'Agence nationale de la cohésion des territoires (ANCT) s'engage à rendre ses services "
    "numériques accessibles, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005. "
    "Cette déclaration d'accessibilité s'applique à la plateforme des cités de l'emploi."
)
# The statement written by earlier versions of setup_site: replaced by the RGAA model as long as
# nobody edited it (an edited statement is the editors' and stays as it is).
PREVIOUS_ACCESSIBILITY_PARAGRAPHS = [
    "<h2>État de conformité</h2><p>La plateforme des cités de l'emploi est "
    "<strong>partiellement conforme</strong> avec le référentiel général d'amélioration de "
    "l'accessibilité (RGAA) version 4.1 : l'audit complet n'a pas encore été réalisé. Chaque "
    "page est vérifiée automatiquement (axe-core) avant sa mise en ligne.</p>",
    "<h2>Retour d'information et contact</h2><p>Si vous n'arrivez pas à accéder à un "
    "contenu ou à un service, contactez l'équipe nationale des cités de l'emploi pour être "
    "orienté vers une alternative accessible ou obtenir le contenu sous une autre forme.</p>",
    "<h2>Voies de recours</h2><p>Si vous constatez un défaut d'accessibilité vous "
    "empêchant d'accéder à un contenu, que vous nous l'avez signalé et que vous n'avez pas "
    "obtenu de réponse satisfaisante, vous pouvez écrire au Défenseur des droits ou "
    "contacter son délégué dans votre région.</p>",
]


def accessibility_paragraphs():
    """The statement in the RGAA model (numerique.gouv.fr): compliance status as audited — "non
    conforme" while no audit has been done —, test results, non-accessible content, how it was
    established, contact and remedies. Status and contact come from the settings, so that the
    footer's "Accessibilité : …" mention and the statement never disagree."""
    from django.conf import settings
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.html import escape

    status = escape(settings.ACCESSIBILITY_STATUS)
    contact = escape(settings.ACCESSIBILITY_CONTACT_EMAIL)
    today = date_format(timezone.localdate(), "j F Y")
    return [
        "<h2>État de conformité</h2><p>La plateforme des cités de l'emploi est "
        f"<strong>{status}</strong> avec le référentiel général d'amélioration de "
        "l'accessibilité (RGAA), version 4.1.2. La plateforme n'a encore fait l'objet d'aucun "
        "audit de conformité : en l'absence d'audit, elle est déclarée non conforme.</p>",
        "<h2>Résultats des tests</h2><p>Aucun audit n'ayant été réalisé, aucun taux de "
        "conformité ne peut être publié. Chaque page est vérifiée automatiquement (axe-core, "
        "validateur HTML Nu) et au clavier avant sa mise en ligne.</p>",
        "<h2>Contenus non accessibles</h2>"
        "<h3>Non-conformités</h3><p>La liste des non-conformités sera établie par l'audit. Les "
        "défauts signalés par les utilisateurs ou relevés par les vérifications automatiques "
        "sont corrigés au fil de l'eau.</p>"
        "<h3>Dérogations pour charge disproportionnée</h3><p>Aucune.</p>"
        "<h3>Contenus non soumis à l'obligation d'accessibilité</h3><ul>"
        "<li>les documents déposés par les membres dans les groupes (fichiers PDF, de "
        "traitement de texte ou de tableur), contenus de tiers que l'ANCT ne produit pas ;</li>"
        "<li>les services de visioconférence tiers qui accueillent les cafés-cités.</li></ul>",
        "<h2>Établissement de cette déclaration</h2>"
        f"<p>Cette déclaration a été établie le {today}.</p>"
        "<h3>Technologies utilisées pour la réalisation de la plateforme</h3>"
        "<ul><li>HTML5</li><li>CSS</li><li>JavaScript</li><li>WAI-ARIA</li>"
        "<li>Système de design de l'État (DSFR)</li></ul>"
        "<h3>Environnement de test</h3><p>Les vérifications automatiques sont faites avec le "
        "navigateur Chromium, aux largeurs d'écran de 1280 et de 390 pixels. Aucune "
        "vérification de restitution avec un lecteur d'écran n'a encore été menée.</p>"
        "<h3>Outils pour évaluer l'accessibilité</h3><ul><li>axe-core</li>"
        "<li>validateur HTML Nu (W3C)</li><li>navigation au clavier</li></ul>"
        "<h3>Pages de la plateforme vérifiées</h3><ul><li>l'accueil</li><li>l'annuaire des "
        "cités et une fiche de cité</li><li>l'agenda des cafés-cités et une séance</li>"
        "<li>la bibliothèque de ressources</li><li>la recherche</li><li>la connexion et le "
        "profil</li><li>les groupes, une discussion et les documents d'un groupe</li>"
        "<li>la présente déclaration</li></ul>",
        "<h2>Retour d'information et contact</h2><p>Si vous n'arrivez pas à accéder à un "
        "contenu ou à un service, contactez le responsable de la plateforme pour être orienté "
        "vers une alternative accessible ou obtenir le contenu sous une autre forme : "
        f'<a href="mailto:{contact}">{contact}</a>.</p>',
        "<h2>Voies de recours</h2><p>Si vous constatez un défaut d'accessibilité vous "
        "empêchant d'accéder à un contenu ou à une fonctionnalité de la plateforme, que vous "
        "nous l'avez signalé et que vous n'avez pas obtenu de réponse de notre part, vous êtes "
        "en droit de faire parvenir vos doléances ou une demande de saisine au Défenseur des "
        "droits. Plusieurs moyens sont à votre disposition :</p><ul>"
        '<li>écrire un message au Défenseur des droits : <a href="https://formulaire.'
        'defenseurdesdroits.fr/">formulaire.defenseurdesdroits.fr</a> ;</li>'
        "<li>contacter le délégué du Défenseur des droits dans votre région : "
        '<a href="https://www.defenseurdesdroits.fr/carte-des-delegues">'
        "defenseurdesdroits.fr/carte-des-delegues</a> ;</li>"
        "<li>appeler le 09 69 39 00 00 ;</li>"
        "<li>envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur "
        "des droits, Libre réponse 71120, 75342 Paris CEDEX 07.</li></ul>",
    ]


HOME_TITLE = "Le réseau des cités de l'emploi"
HOME_INTRO = (
    "Coordonnateurs, partenaires et équipe nationale de l'ANCT : un espace pour échanger, "
    "partager vos outils et vous inspirer des actions menées dans les quartiers prioritaires."
)

# (slug, title, intro, paragraphs)
LEGAL_PAGES = [
    (
        "accessibilite",
        "Déclaration d'accessibilité",
        ACCESSIBILITY_INTRO,
        None,  # accessibility_paragraphs(): built from the settings at creation
    ),
    (
        "mentions-legales",
        "Mentions légales",
        "Informations sur l'éditeur et l'hébergement de la plateforme.",
        [
            "<h2>Éditeur</h2><p>Agence nationale de la cohésion des territoires (ANCT), "
            "20 avenue de Ségur, 75007 Paris.</p>",
            "<h2>Directeur de la publication</h2><p>Le directeur général de l'ANCT.</p>",
            # Followed by the host and source code sections (legal_sections(), settings).
        ],
    ),
    (
        "donnees-personnelles",
        "Données personnelles",
        "Quelles données la plateforme conserve, pourquoi et comment exercer vos droits.",
        None,  # privacy_paragraphs(): the contact address comes from the settings
    ),
]

# The privacy page as earlier setup_site runs wrote it: brought up to date by
# ensure_privacy_statement unless editors changed it since.
PREVIOUS_PRIVACY_PARAGRAPHS = [
    "<h2>Données traitées</h2><p>Nom, prénom, adresse électronique, organisation, "
    "fonction, cité de rattachement et contributions dans les groupes. Ces données servent "
    "uniquement à l'animation du réseau des cités de l'emploi.</p>",
    "<h2>Vos droits</h2><p>Depuis la page « Mes données » de votre profil, vous "
    "téléchargez à tout moment toutes les données que la plateforme conserve à votre sujet "
    "et vous pouvez supprimer votre compte. Vous rectifiez vos informations depuis votre "
    "profil. Pour toute autre demande, écrivez à l'équipe nationale.</p>",
]


def _contact_link():
    from django.conf import settings
    from django.utils.html import escape

    contact = escape(settings.CONTACT_EMAIL)
    return f'<a href="mailto:{contact}">{contact}</a>'


def _setting(name, default=""):
    from django.conf import settings

    return getattr(settings, name, default)


HOST_HEADING = "<h2>Hébergement</h2>"
SOURCE_HEADING = "<h2>Code source</h2>"
RECIPIENTS_HEADING = "<h2>Destinataires</h2>"
RIGHTS_HEADING = "<h2>Vos droits</h2>"


def host_section():
    """The host of the instance (LCEN), from LEGAL_HOST_*; not configured: said plainly."""
    from django.utils.html import escape

    name = _setting("LEGAL_HOST_NAME")
    if not name:
        return (
            f"{HOST_HEADING}<p>L'hébergeur de cette instance n'a pas encore été publié ici. "
            f"Pour connaître son nom et ses coordonnées, écrivez à {_contact_link()}.</p>"
        )
    details = [escape(name)]
    if _setting("LEGAL_HOST_ADDRESS"):
        details.append(escape(_setting("LEGAL_HOST_ADDRESS")))
    if _setting("LEGAL_HOST_PHONE"):
        details.append(f"téléphone : {escape(_setting('LEGAL_HOST_PHONE'))}")
    return f"{HOST_HEADING}<p>{', '.join(details)}.</p>"


def source_section():
    from django.utils.html import escape

    licence = escape(_setting("SOURCE_CODE_LICENSE", "MIT") or "MIT")
    url = _setting("SOURCE_CODE_URL")
    if url:
        url = escape(url)
        return (
            f"{SOURCE_HEADING}<p>Le code source de la plateforme est libre, publié sous licence "
            f'{licence} : <a href="{url}">{url}</a>.</p>'
        )
    return (
        f"{SOURCE_HEADING}<p>Le code source de la plateforme est libre, sous licence {licence}. "
        f"Son dépôt n'a pas encore été publié ici : pour l'obtenir, écrivez à "
        f"{_contact_link()}.</p>"
    )


def legal_sections():
    """The sections of the legal notices drawn from the settings (heading, HTML)."""
    return [(HOST_HEADING, host_section()), (SOURCE_HEADING, source_section())]


def recipients_section():
    """Article 13 GDPR: who receives the data, the DPO, the host and processors."""
    from django.utils.html import escape

    dpo = _setting("PRIVACY_DPO_CONTACT")
    if dpo:
        target = escape(dpo if "@" not in dpo or dpo.startswith("mailto:") else f"mailto:{dpo}")
        label = escape(dpo.removeprefix("mailto:"))
        dpo_text = (
            "<p>Vous pouvez joindre le délégué à la protection des données de l'ANCT : "
            f'<a href="{target}">{label}</a>.</p>'
        )
    else:
        dpo_text = (
            "<p>Les coordonnées du délégué à la protection des données de l'ANCT n'ont pas "
            f"encore été publiées ici : écrivez à {_contact_link()}, votre demande lui sera "
            "transmise.</p>"
        )
    processors = _setting("PRIVACY_PROCESSORS", []) or []
    if processors:
        items = "".join(f"<li>{escape(item)}</li>" for item in processors)
        processors_text = (
            "<p>Les prestataires techniques suivants traitent les données pour le compte de "
            f"l'ANCT, sur ses instructions :</p><ul>{items}</ul>"
        )
    else:
        processors_text = (
            "<p>Des prestataires techniques traitent les données pour le compte de l'ANCT, sur "
            "ses instructions : l'hébergeur de la plateforme (voir les mentions légales), le "
            "service d'envoi des courriels et, le cas échéant, le service de stockage des "
            "fichiers. Leur liste nominative n'a pas encore été publiée ici : elle vous est "
            f"communiquée sur demande à {_contact_link()}.</p>"
        )
    return (
        f"{RECIPIENTS_HEADING}<ul>"
        "<li>Les membres des groupes auxquels vous participez voient vos prénom, nom, "
        "organisation et fonction, et ce que vous y publiez ; votre téléphone et votre photo ne "
        "sont montrés qu'à vous.</li>"
        "<li>Les participants d'un café-cité voient votre nom et vos messages dans son chat.</li>"
        "<li>L'équipe de votre cité (coordination) voit les réponses aux questionnaires de "
        "pilotage de la cité.</li>"
        "<li>L'équipe nationale des cités de l'emploi (ANCT), qui administre la plateforme, "
        "a accès aux comptes et aux contenus pour l'animation, la modération et le support.</li>"
        "</ul><p>Vos données ne sont ni vendues ni cédées, et ne sont pas utilisées à des fins "
        "commerciales.</p>"
        f"<h2>Délégué à la protection des données</h2>{dpo_text}"
        f"<h2>Hébergeur et sous-traitants</h2>{processors_text}"
    )


def rights_section():
    return (
        f'{RIGHTS_HEADING}<p>Depuis la page <a href="/comptes/mes-donnees/">« Mes données »</a> '
        "de votre compte, vous téléchargez à tout moment toutes les données que la plateforme "
        "conserve à votre sujet et vous pouvez supprimer votre compte. Vous rectifiez vos "
        "informations depuis votre profil. Pour toute autre demande (accès, rectification, "
        f"effacement, opposition, limitation), écrivez à {_contact_link()}.</p>"
    )


def _rights_section_before_walk16g():
    """« Vos droits » as setup_site wrote it until walk 16g (no link to « Mes données »):
    brought up to date by ensure_settings_sections; edited since, left to its editors."""
    return (
        "<h2>Vos droits</h2><p>Depuis la page « Mes données » de votre profil, vous "
        "téléchargez à tout moment toutes les données que la plateforme conserve à votre sujet "
        "et vous pouvez supprimer votre compte. Vous rectifiez vos informations depuis votre "
        "profil. Pour toute autre demande (accès, rectification, effacement, opposition, "
        f"limitation), écrivez à {_contact_link()}.</p>"
    )


def privacy_paragraphs():
    """Controller, purposes and legal basis, data, rights with the contact address (CONTACT_EMAIL)
    and the CNIL complaint; the retention section is added by ensure_privacy_retention."""
    from django.conf import settings
    from django.utils.html import escape

    contact = escape(settings.CONTACT_EMAIL)
    mailto = f'<a href="mailto:{contact}">{contact}</a>'
    return [
        "<h2>Responsable du traitement</h2><p>Agence nationale de la cohésion des territoires "
        "(ANCT), 20 avenue de Ségur, 75007 Paris. Contact pour vos données personnelles : "
        f"{mailto}.</p>",
        "<h2>Finalités et base légale</h2><p>La plateforme sert à l'animation du réseau des "
        "cités de l'emploi : comptes, groupes d'échange, cafés-cités, bibliothèque de "
        "ressources et suivi des cités. Ce traitement relève de la mission d'intérêt public de "
        "l'ANCT (article 6-1-e du RGPD). L'abonnement au bulletin de veille repose sur votre "
        "consentement (article 6-1-a), que vous retirez à tout moment par le lien de "
        "désabonnement de chaque bulletin.</p>",
        "<h2>Données traitées</h2><p>Nom, prénom, adresse électronique, organisation, "
        "fonction, téléphone et photo facultatifs, cité de rattachement et contributions dans "
        "les groupes ; pour la sécurité des comptes, les sessions de connexion (adresse IP, "
        "navigateur) et les échecs de connexion ; pour le bulletin, l'adresse des abonnés et "
        "leurs champs d'action.</p>",
        recipients_section(),
        rights_section(),
        "<h2>Réclamation</h2><p>Si, après nous avoir contactés, vous estimez que vos droits ne "
        "sont pas respectés, vous pouvez adresser une réclamation à la Commission nationale de "
        "l'informatique et des libertés (CNIL) : "
        '<a href="https://www.cnil.fr/fr/plaintes">cnil.fr/fr/plaintes</a>.</p>',
    ]


def ensure_home_page():
    """The site's root page is our HomePage; Wagtail's placeholder page is replaced once."""
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title=HOME_TITLE, slug="accueil", intro=HOME_INTRO)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Cités de l'emploi",
        )
    elif site.root_page_id != home.pk:
        placeholder = site.root_page.specific
        site.root_page = home
        site.site_name = "Cités de l'emploi"
        site.save()
        if type(placeholder) is Page and not placeholder.get_children().exists():
            placeholder.delete()
    return HomePage.objects.get(pk=home.pk)


def ensure_legal_pages(home):
    pages = []
    for slug, title, intro, paragraphs in LEGAL_PAGES:
        page = ContentPage.objects.child_of(home).filter(slug=slug).first()
        if page is None:
            if paragraphs is None:
                paragraphs = (
                    privacy_paragraphs() if slug == PRIVACY_SLUG else accessibility_paragraphs()
                )
            page = ContentPage(
                title=title,
                slug=slug,
                intro=intro,
                show_in_footer=True,
                body=[("paragraph", paragraph) for paragraph in paragraphs],
            )
            home.add_child(instance=page)
            page.save_revision().publish()
        pages.append(page)
    return pages


PRIVACY_SLUG = "donnees-personnelles"
RETENTION_HEADING = "<h2>Durées de conservation</h2>"


def retention_paragraph():
    from django.utils.html import conditional_escape

    from rgpd.retention import retention_rules

    items = "".join(f"<li>{conditional_escape(rule)}</li>" for rule in retention_rules())
    return f"{RETENTION_HEADING}<ul>{items}</ul>"


def ensure_accessibility_statement(home):
    """Bring an accessibility statement still as written by an earlier setup_site to the RGAA
    model; a statement edited since is left to its editors."""
    page = ContentPage.objects.child_of(home).filter(slug=ACCESSIBILITY_SLUG).first()
    if page is None:
        return None
    sources = [block.value.source for block in page.body if block.block_type == "paragraph"]
    if sources != PREVIOUS_ACCESSIBILITY_PARAGRAPHS or len(sources) != len(page.body):
        return page
    page.intro = ACCESSIBILITY_INTRO
    page.body = [("paragraph", paragraph) for paragraph in accessibility_paragraphs()]
    page.save_revision().publish()
    return page


def ensure_privacy_statement(home):
    """Bring a privacy page still as written by an earlier setup_site (before the controller,
    legal basis, contact and CNIL were stated) to privacy_paragraphs(), keeping its retention
    section; a page edited since is left to its editors."""
    from wagtail.rich_text import RichText

    page = ContentPage.objects.child_of(home).filter(slug=PRIVACY_SLUG).first()
    if page is None:
        return None
    sources = [block.value.source for block in page.body if block.block_type == "paragraph"]
    if len(sources) != len(page.body):
        return page
    kept = [source for source in sources if source.startswith(RETENTION_HEADING)]
    if [source for source in sources if source not in kept] != PREVIOUS_PRIVACY_PARAGRAPHS:
        return page
    page.body = [("paragraph", RichText(source)) for source in [*privacy_paragraphs(), *kept]]
    page.save_revision().publish()
    return page


def ensure_privacy_retention(home):
    """The "Durées de conservation" section of the privacy page states the retention settings in
    force (RGPD_*): rewritten (and published) whenever they differ from what the page says. Run
    on every deployment through setup_site; editors keep the rest of the page."""
    from wagtail.rich_text import RichText

    page = ContentPage.objects.child_of(home).filter(slug=PRIVACY_SLUG).first()
    if page is None:
        return None
    wanted = retention_paragraph()
    blocks = [(block.block_type, block.value) for block in page.body]
    index = next(
        (
            i
            for i, (kind, value) in enumerate(blocks)
            if kind == "paragraph" and value.source.startswith(RETENTION_HEADING)
        ),
        None,
    )
    if index is not None and blocks[index][1].source == wanted:
        return page
    if index is None:
        blocks.append(("paragraph", RichText(wanted)))
    else:
        blocks[index] = ("paragraph", RichText(wanted))
    page.body = blocks
    page.save_revision().publish()
    return page


def _replace_section(blocks, heading, wanted, before=None, only_if=None):
    """Put `wanted` in place of the paragraph block starting with `heading` (added before the
    one starting with `before`, else at the end); `only_if`: replace only a block whose source
    is one of these. Returns whether `blocks` changed."""
    from wagtail.rich_text import RichText

    def find(start):
        return next(
            (
                i
                for i, (kind, value) in enumerate(blocks)
                if kind == "paragraph" and value.source.startswith(start)
            ),
            None,
        )

    index = find(heading)
    if index is None:
        position = find(before) if before else None
        blocks.insert(
            len(blocks) if position is None else position, ("paragraph", RichText(wanted))
        )
        return True
    source = blocks[index][1].source
    if source == wanted or (only_if is not None and source not in only_if):
        return False
    blocks[index] = ("paragraph", RichText(wanted))
    return True


def ensure_settings_sections(home):
    """The sections of the legal notices and the privacy page drawn from the settings (host,
    source code, recipients, DPO, processors): rewritten (and published) whenever they differ
    from the settings in force, like the retention section. Editors keep the rest."""
    changed_pages = []
    legal = ContentPage.objects.child_of(home).filter(slug="mentions-legales").first()
    if legal is not None:
        blocks = [(block.block_type, block.value) for block in legal.body]
        changed = False
        for heading, wanted in legal_sections():
            changed |= _replace_section(blocks, heading, wanted)
        if changed:
            legal.body = blocks
            legal.save_revision().publish()
            changed_pages.append(legal)
    privacy = ContentPage.objects.child_of(home).filter(slug=PRIVACY_SLUG).first()
    if privacy is not None:
        blocks = [(block.block_type, block.value) for block in privacy.body]
        changed = _replace_section(
            blocks, RECIPIENTS_HEADING, recipients_section(), before=RIGHTS_HEADING
        )
        changed |= _replace_section(
            blocks, RIGHTS_HEADING, rights_section(), only_if=[_rights_section_before_walk16g()]
        )
        if changed:
            privacy.body = blocks
            privacy.save_revision().publish()
            changed_pages.append(privacy)
    return changed_pages


def ensure_anct_page_permissions(home):
    group = add_anct_permissions([])
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=home,
            permission__codename=codename,
            defaults={"permission": _page_permission(codename)},
        )
    return group


def _page_permission(codename):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def setup_site():
    home = ensure_home_page()
    ensure_legal_pages(home)
    ensure_accessibility_statement(home)
    ensure_privacy_statement(home)
    ensure_privacy_retention(home)
    ensure_settings_sections(home)
    ensure_anct_page_permissions(home)
    # The library and its bulletin archive, so that `import_ressources` works right after
    # `migrate` + `setup_site` on a fresh database.
    ensure_library(home)
    return home
