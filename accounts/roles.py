"""The roles the platform knows, decided in one place.

- ANCT staff: members of the "Équipe ANCT" group (national animation, editors).
- Cité team member: a user attached to a cité, as coordinator or partner.
- Other registered professional: logged in, no cité.
- Anonymous.
"""

from django.contrib.auth.models import Group, Permission

from accounts.models import CiteRole

ANCT_GROUP_NAME = "Équipe ANCT"

# Admin rights ANCT needs over the foundation; later apps add theirs with add_anct_permissions().
ANCT_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("themes", "change_theme"),
    ("themes", "view_theme"),
    ("themes", "change_publiccible"),
    ("themes", "view_publiccible"),
    ("cites", "add_cite"),
    ("cites", "change_cite"),
    ("cites", "view_cite"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def is_anct(user):
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_is_anct"):
        user._is_anct = user.groups.filter(name=ANCT_GROUP_NAME).exists()
    return user._is_anct


def is_cite_member(user, cite=None):
    if not user.is_authenticated or user.cite_id is None:
        return False
    return cite is None or user.cite_id == cite.pk


def is_cite_coordinator(user, cite=None):
    return is_cite_member(user, cite) and user.cite_role == CiteRole.COORDINATEUR


def role_label(user):
    if not user.is_authenticated:
        return "Visiteur"
    if is_anct(user):
        return "Équipe nationale ANCT"
    # Neutral wording (walk 16e): the card must not guess the person's gender.
    if user.cite_id:
        return CITE_ROLE_LABELS.get(user.cite_role, "Membre de l'équipe projet")
    return "Inscription sans cité"


CITE_ROLE_LABELS = {
    "coordinateur": "Coordination de la cité",
    "partenaire": "Partenaire de la cité",
}


def add_anct_permissions(pairs):
    group, _ = Group.objects.get_or_create(name=ANCT_GROUP_NAME)
    for app_label, codename in pairs:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission:
            group.permissions.add(permission)
    return group


def ensure_anct_group(**kwargs):
    """post_migrate: the ANCT group exists with its admin rights on every database."""
    add_anct_permissions(ANCT_PERMISSIONS)


def make_anct_staff(user):
    group = add_anct_permissions(ANCT_PERMISSIONS)
    user.groups.add(group)
    user.__dict__.pop("_is_anct", None)
    return user
