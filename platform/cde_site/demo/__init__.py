"""Demo content: a believable network built from the ANCT seed documents (see data.py).

Every builder is idempotent: objects are looked up by a stable key (slug, e-mail) and updated
in place, so `manage.py load_demo` can run any number of times. Later apps add their builders
to BUILDERS.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from accounts.models import CiteRole, User
from accounts.roles import make_anct_staff
from cde_site.demo import data
from cde_site.setup import setup_site
from cites.models import QPV, Cite, RoadmapAxis
from themes.models import PublicCible, Theme

DEMO_PASSWORD = "cites-emploi-demo"  # noqa: S105 - demo accounts only work with DEBUG on
# Cités whose demo team (coordinator + partner) gets accounts.
CITES_WITH_TEAMS = ["saint-omer", "grenoble-alpes-metropole", "est-ensemble", "maubeuge", "pau"]


@dataclass
class DemoLogin:
    email: str
    role: str


def build_home(home):
    facts = data.PROGRAMME_FACTS
    home.intro = facts["intro"]
    home.body = [
        (
            "key_figures",
            {"title": "Le programme en chiffres", "figures": facts["chiffres"]},
        ),
        (
            "paragraph",
            "<h2>Comment fonctionne une cité de l'emploi</h2><ul>"
            + "".join(f"<li>{principle}</li>" for principle in facts["principes"])
            + "</ul>",
        ),
        ("callout", {"title": "L'animation nationale", "text": facts["anct"]}),
    ]
    home.save_revision().publish()


def build_cites():
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    publics = {public.slug: public for public in PublicCible.objects.all()}
    cites = []
    for item in data.CITES:
        coordinator = item["coordinator"]
        cite, _ = Cite.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "code": item["code"],
                "name": item["name"],
                "short_name": item["short_name"],
                "region": item["region"],
                "departement_code": item["departement_code"],
                "departement": item["departement"],
                "structure_porteuse": item["structure_porteuse"],
                "copilote_prefecture": item["copilote_prefecture"],
                "copilote_collectivite": item["copilote_collectivite"],
                "wave": item["wave"],
                "labellisation_date": item["labellisation_date"],
                "presentation": f"<p>{item['presentation']}</p>",
                "coordinator_name": f"{coordinator['first_name']} {coordinator['last_name']}",
                "coordinator_email": coordinator["email"],
                "coordinator_phone": coordinator["phone"],
                "is_published": True,
            },
        )
        cite.themes.set([themes[slug] for slug in item["themes"]])
        cite.publics_cibles.set([publics[slug] for slug in item["publics_cibles"]])
        cite.save()
        QPV.objects.filter(cite=cite).delete()
        QPV.objects.bulk_create(
            QPV(cite=cite, sort_order=position, **qpv) for position, qpv in enumerate(item["qpvs"])
        )
        RoadmapAxis.objects.filter(cite=cite).delete()
        RoadmapAxis.objects.bulk_create(
            RoadmapAxis(cite=cite, sort_order=position, title=title)
            for position, title in enumerate(item["axes"])
        )
        cites.append(cite)
    return cites


def _demo_user(email, **fields):
    user, _ = User.objects.update_or_create(email=email, defaults={**fields, "is_demo": True})
    user.set_password(DEMO_PASSWORD)
    user.save()
    # A demo account's only address is its login: shown « non vérifiée », with « Renvoyer le
    # courriel de vérification », it looked broken to the people discovering the demo.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def build_users():
    logins = []
    anct = _demo_user(
        f"anct@{settings.DEMO_EMAIL_DOMAIN}",
        first_name="Claire",
        last_name="Moreau",
        organisation="ANCT",
        fonction="Cheffe de projet national cités de l'emploi",
    )
    make_anct_staff(anct)
    logins.append(DemoLogin(anct.email, "Équipe nationale ANCT (accès à l'administration)"))
    by_slug = {item["slug"]: item for item in data.CITES}
    for slug in CITES_WITH_TEAMS:
        item = by_slug[slug]
        cite = Cite.objects.get(slug=slug)
        for key, role in (("coordinator", CiteRole.COORDINATEUR), ("partner", CiteRole.PARTENAIRE)):
            person = item[key]
            user = _demo_user(
                person["email"],
                first_name=person["first_name"],
                last_name=person["last_name"],
                fonction=person["fonction"],
                phone=person["phone"],
                organisation=person.get("organisation", item["structure_porteuse"]),
                cite=cite,
                cite_role=role,
            )
            logins.append(DemoLogin(user.email, f"{role.label}, {cite.short_name}"))
    independent = _demo_user(
        f"consultante@{settings.DEMO_EMAIL_DOMAIN}",
        first_name="Sophie",
        last_name="Bernard",
        organisation="Cabinet d'études indépendant",
        fonction="Consultante insertion",
    )
    logins.append(DemoLogin(independent.email, "Professionnelle inscrite, sans cité"))
    return logins


# Builders of later apps, called in order after the foundation: (label, "module.function").
# Each takes the home page and returns a list of DemoLogin (usually empty).
APP_BUILDERS = [
    "cde_site.demo.groups.build",
    "cde_site.demo.cafes_cites.build_cafes_cites",
    "cde_site.demo.ressources.build_ressources",
    "cde_site.demo.pilotage.build_pilotage",
]


@transaction.atomic
def set_default_site_address():
    """The Wagtail default Site takes the demo's address from SITE_URL (`make demo` exports
    http://HOST:PORT): links built outside a request (receive_email, background tasks) and
    Wagtail's own root_url then point to the server actually run."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from wagtail.models import Site

    address = urlsplit(settings.SITE_URL)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or not address.hostname:
        return
    port = address.port or (443 if address.scheme == "https" else 80)
    if (site.hostname, site.port) != (address.hostname, port):
        site.hostname, site.port = address.hostname, port
        site.save(update_fields=["hostname", "port"])


def load_demo():
    from importlib import import_module

    home = setup_site()
    set_default_site_address()
    build_home(home)
    build_cites()
    logins = build_users()
    for path in APP_BUILDERS:
        module_name, function_name = path.rsplit(".", 1)
        logins += getattr(import_module(module_name), function_name)(home) or []
    return logins
