"""The « Mon compte » side menu on each of its pages, and the sessions page: this session first,
browsers named as people know them."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.user_agents import describe
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

MENU = [
    ("Mon profil", "accounts:profile"),
    ("Adresses électroniques", "account_email"),
    ("Mot de passe", "account_change_password"),
    ("Mes sessions", "usersessions_list"),
    ("Mes données", "rgpd:my_data"),
]

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


def log_in(user, user_agent):
    client = Client(HTTP_USER_AGENT=user_agent)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def menu_links(html):
    menu = re.search(r'<nav class="fr-sidemenu".*?</nav>', html, re.S).group(0)
    return re.findall(
        r'<a class="fr-sidemenu__link"\s+href="([^"]+)"\s*(aria-current="page")?', menu
    )


@pytest.mark.parametrize("current", [name for _, name in MENU])
def test_every_account_page_has_the_same_menu_with_the_current_page_marked(client, current):
    client.force_login(UserFactory())
    html = client.get(reverse(current)).content.decode()
    links = menu_links(html)
    assert [url for url, _ in links] == [reverse(name) for _, name in MENU]
    assert [url for url, marked in links if marked] == [reverse(current)]
    for label, _ in MENU:
        assert f">{label}</a>" in html


def test_sessions_page_lists_this_session_first_with_readable_browsers():
    user = UserFactory()
    log_in(user, CHROME_ANDROID)
    client = log_in(user, FIREFOX_WINDOWS)  # the newer one, but an older one could be current too
    log_in(user, "curl/8.5.0")
    html = client.get(reverse("usersessions_list")).content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:]  # after the header row
    cells = [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in rows]
    assert len(rows) == 3
    assert "Cette session" in " ".join(cells[0])
    assert "Firefox sur Windows" in " ".join(cells[0])
    assert "Cette session" not in " ".join(cells[1] + cells[2])
    text = " ".join(" ".join(c) for c in cells)
    assert "Chrome sur Android" in text and "Navigateur inconnu" in text
    assert f'title="{FIREFOX_WINDOWS}"' in html  # the raw string is still at hand


@pytest.mark.parametrize(
    "user_agent, expected",
    [
        (FIREFOX_WINDOWS, "Firefox sur Windows"),
        (CHROME_ANDROID, "Chrome sur Android"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Safari/605.1.15",
            "Safari sur macOS",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
            "Chrome sur iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68",
            "Edge sur Windows",
        ),
        (
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox sur Linux",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet sur Android",
        ),
        ("curl/8.5.0", "Navigateur inconnu"),
        ("", "Navigateur inconnu"),
    ],
)
def test_describe_user_agent(user_agent, expected):
    assert describe(user_agent) == expected


def test_profile_has_the_same_breadcrumb_as_my_data(client):
    client.force_login(UserFactory())
    html = client.get(reverse("accounts:profile")).content.decode()
    crumbs = html[html.index('class="fr-breadcrumb__list"') :]
    crumbs = crumbs[: crumbs.index("</ol>")]
    assert 'aria-current="page">Mon profil</a>' in crumbs and ">Accueil</a>" in crumbs
