from django import template
from django.urls import reverse

from accounts import user_agents
from accounts.registry import profile_links

register = template.Library()

# (label, url name, other url names that mark the same entry as current)
ACCOUNT_MENU = [
    ("Mon profil", "accounts:profile", ()),
    ("Adresses électroniques", "account_email", ("accounts:email",)),
    ("Mot de passe", "account_change_password", ("account_set_password",)),
    ("Mes sessions", "usersessions_list", ()),
]


@register.inclusion_tag("accounts/includes/account_menu.html", takes_context=True)
def account_menu(context, menu_id="menu-compte"):
    """The « Mon compte » side menu, the same on every page it lists, the current one marked
    (aria-current). Apps built on accounts/ add theirs through accounts.registry."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else None
    path = request.path if request else None
    entries = [
        {
            "label": label,
            "url": reverse(name),
            "current": current == name or current in aliases,
        }
        for label, name, aliases in ACCOUNT_MENU
    ]
    entries += [
        {"label": label, "url": url, "current": url == path} for label, url in profile_links()
    ]
    return {"entries": entries, "menu_id": menu_id}


@register.filter
def current_session_first(sessions):
    """The session of this very browser first, then the others, newest first."""
    sessions = sorted(sessions, key=lambda session: session.created_at, reverse=True)
    return sorted(sessions, key=lambda session: not session.is_current())


@register.filter
def device(user_agent):
    return user_agents.describe(user_agent)
