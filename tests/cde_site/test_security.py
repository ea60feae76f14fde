"""Security: ProConnect login, login lockout, Content-Security-Policy, sessions, posting limits,
uploads and the XSS corpus through every rich-text input (rendering in Chromium:
tests/browser/test_xss.py)."""

import base64
import contextlib
import json
import re
import time
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from commons.html import plain_text_to_html, sanitize_html
from commons.uploads import IMAGE_KINDS, safe_filename, validate_upload
from groups import services as group_services
from groups.models import Post, Role, Thread
from tests.factories import PASSWORD, CiteFactory, UserFactory
from tests.oidc import set_claims
from tests.utils import page_text, production_settings

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS_FILE = ROOT / "tests" / "xss_payloads.txt"


def load_payloads():
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("# ")]


PAYLOADS = load_payloads()


def login(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- ProConnect ---------------------------------------------------------------------------------


def start_proconnect(client, next_url=None):
    """Click "S'identifier avec ProConnect": the authorisation URL at the provider."""
    url = reverse("proconnect_login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def authorize_at_provider(authorize_url, sub, *, deny=False):
    """What the agent does on ProConnect's page: returns the callback path and query."""
    data = {"action": "deny"} if deny else {"sub": sub}
    response = requests.post(authorize_url, data=data, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    callback = urlsplit(response.headers["Location"])
    return urlunsplit(("", "", callback.path, callback.query, ""))


def with_query(url, **params):
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def test_proconnect_button_hidden_when_not_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    html = page_text(client.get(reverse("account_login")))
    assert "ProConnect" not in html
    assert client.post(reverse("proconnect_login")).status_code == 404


def test_proconnect_button_on_login_page(client, proconnect):
    html = page_text(client.get(reverse("account_login")))
    assert 'class="fr-connect cde-connect--proconnect"' in html
    assert "S'identifier avec" in html
    assert f'action="{reverse("proconnect_login")}?process=login"' in html
    # E-mail and password stay for the other professionals.
    assert 'name="password"' in html


def test_proconnect_authorisation_request_carries_state_nonce_and_pkce(client, proconnect):
    authorize_url = start_proconnect(client)
    assert authorize_url.startswith(proconnect + "/oauth2/authorize?")
    query = parse_qs(urlsplit(authorize_url).query)
    assert len(query["state"][0]) >= 12
    assert len(query["nonce"][0]) >= 32
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://testserver/comptes/proconnect/login/callback/"]
    # A second attempt gets fresh values.
    again = parse_qs(urlsplit(start_proconnect(client)).query)
    assert again["state"] != query["state"] and again["nonce"] != query["nonce"]


def test_proconnect_links_existing_account_by_verified_email(client, proconnect):
    agent = UserFactory(email="agent.etat@prefecture.gouv.fr", first_name="Alix")
    EmailAddress.objects.create(user=agent, email=agent.email, verified=True, primary=True)
    set_claims(
        proconnect,
        "agent-1",
        email="Agent.Etat@prefecture.gouv.fr",
        email_verified=True,
        given_name="Alix",
        family_name="Préfet",
    )
    callback = authorize_at_provider(start_proconnect(client, next_url="/groupes/"), "agent-1")
    response = client.get(callback)
    assert response.status_code == 302
    assert response["Location"] == "/groupes/"
    assert logged_in_user_id(client) == str(agent.pk)
    account = SocialAccount.objects.get(provider="proconnect")
    assert (account.user, account.uid) == (agent, "agent-1")
    agent.refresh_from_db()
    assert agent.has_usable_password()  # verified address: the local password stays
    assert User.objects.count() == 1
    # Next time the ProConnect subject alone finds the account.
    client.logout()
    client.get(authorize_at_provider(start_proconnect(client), "agent-1"))
    assert logged_in_user_id(client) == str(agent.pk)


def test_proconnect_on_an_unverified_local_address_wipes_the_local_password(client, proconnect):
    """Someone may have registered the agent's address beforehand: the agent gets the account,
    the password chosen by whoever registered it stops working."""
    squatted = UserFactory(email="agent9@interieur.gouv.fr")
    set_claims(proconnect, "agent-9", email=squatted.email, email_verified=True)
    client.get(authorize_at_provider(start_proconnect(client), "agent-9"))
    assert logged_in_user_id(client) == str(squatted.pk)
    squatted.refresh_from_db()
    assert not squatted.has_usable_password()


def test_proconnect_ignores_a_foreign_next_url(client, proconnect):
    set_claims(proconnect, "agent-8", email="agent8@interieur.gouv.fr", email_verified=True)
    authorize_url = start_proconnect(client, next_url="https://pirate.example/")
    response = client.get(authorize_at_provider(authorize_url, "agent-8"))
    assert response.status_code == 302
    assert "pirate.example" not in response["Location"]
    assert logged_in_user_id(client) is not None


def test_proconnect_first_login_creates_agent_account(client, proconnect):
    set_claims(
        proconnect,
        "agent-2",
        email="nouvel.agent@travail.gouv.fr",
        given_name="Nour",
        usual_name="Agent",
    )
    response = client.get(authorize_at_provider(start_proconnect(client), "agent-2"))
    assert response.status_code == 302
    user = User.objects.get(email="nouvel.agent@travail.gouv.fr")
    assert (user.first_name, user.last_name) == ("Nour", "Agent")
    assert logged_in_user_id(client) == str(user.pk)
    assert not user.has_usable_password()


def test_proconnect_refused_at_provider_logs_nobody_in(client, proconnect):
    callback = authorize_at_provider(start_proconnect(client), "", deny=True)
    assert "error=access_denied" in callback
    response = client.get(callback, follow=True)
    assert re.search("Connexion (annulée|refusée)", page_text(response))
    assert logged_in_user_id(client) is None
    assert not SocialAccount.objects.exists()


def test_proconnect_unverified_email_does_not_open_existing_account(client, proconnect):
    victim = UserFactory(email="victime@example.org")
    EmailAddress.objects.create(user=victim, email=victim.email, verified=True, primary=True)
    set_claims(proconnect, "intrus", email="victime@example.org", email_verified=False)
    client.get(authorize_at_provider(start_proconnect(client), "intrus"), follow=True)
    assert logged_in_user_id(client) != str(victim.pk)
    assert not SocialAccount.objects.filter(user=victim).exists()


def test_proconnect_tampered_state_is_refused(client, proconnect):
    set_claims(proconnect, "agent-3", email="agent3@interieur.gouv.fr", email_verified=True)
    callback = authorize_at_provider(start_proconnect(client), "agent-3")
    response = client.get(with_query(callback, state="etat-forge"))
    assert response.status_code == 401
    assert "Connexion refusée" in page_text(response)
    assert logged_in_user_id(client) is None


def test_proconnect_callback_in_another_browser_is_refused(client, proconnect):
    """Login CSRF: a code obtained by an attacker cannot be planted in a victim's browser."""
    set_claims(proconnect, "agent-4", email="agent4@interieur.gouv.fr", email_verified=True)
    callback = authorize_at_provider(start_proconnect(client), "agent-4")
    victim = Client()
    response = victim.get(callback)
    assert response.status_code == 401
    assert victim.session.get("_auth_user_id") is None
    assert not User.objects.filter(email="agent4@interieur.gouv.fr").exists()


def test_proconnect_id_token_with_another_nonce_is_refused(client, proconnect):
    """An ID token issued for another authorisation request (replay) fails the nonce check."""
    set_claims(proconnect, "agent-5", email="agent5@interieur.gouv.fr", email_verified=True)
    authorize_url = with_query(start_proconnect(client), nonce="n" * 43)
    response = client.get(authorize_at_provider(authorize_url, "agent-5"))
    assert response.status_code == 401
    assert "Connexion refusée" in page_text(response)
    assert logged_in_user_id(client) is None
    assert not User.objects.filter(email="agent5@interieur.gouv.fr").exists()


def test_proconnect_state_is_single_use(client, proconnect):
    set_claims(proconnect, "agent-6", email="agent6@interieur.gouv.fr", email_verified=True)
    callback = authorize_at_provider(start_proconnect(client), "agent-6")
    assert client.get(callback).status_code == 302
    client.logout()
    assert client.get(callback).status_code == 401
    assert logged_in_user_id(client) is None


@pytest.fixture
def proconnect_eidas1(settings, oidc_provider):
    """ProConnect with PROCONNECT_ACR_VALUES=eidas1."""
    from tests.oidc import configure

    configure(settings, oidc_provider, acr_values=["eidas1"])
    return oidc_provider


def test_proconnect_asks_for_the_configured_acr_values(client, proconnect_eidas1):
    query = parse_qs(urlsplit(start_proconnect(client)).query)
    assert query["acr_values"] == ["eidas1"]
    # A weaker level slipped into the login URL does not replace the configured one.
    forged = client.post(reverse("proconnect_login") + "?auth_params=acr_values%3Deidas0")
    assert parse_qs(urlsplit(forged["Location"]).query)["acr_values"] == ["eidas1"]


def test_proconnect_no_acr_values_asked_when_not_configured(client, proconnect):
    assert "acr_values" not in parse_qs(urlsplit(start_proconnect(client)).query)


def test_proconnect_login_with_the_required_acr(client, proconnect_eidas1):
    set_claims(proconnect_eidas1, "agent-acr", email="acr@interieur.gouv.fr", acr="eidas1")
    response = client.get(authorize_at_provider(start_proconnect(client), "agent-acr"))
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(User.objects.get(email="acr@interieur.gouv.fr").pk)


@pytest.mark.parametrize("acr", ["eidas0", None])
def test_proconnect_login_below_the_required_acr_is_refused(client, proconnect_eidas1, acr):
    claims = {"email": "faible@interieur.gouv.fr", **({"acr": acr} if acr else {})}
    set_claims(proconnect_eidas1, f"agent-faible-{acr}", **claims)
    response = client.get(
        authorize_at_provider(start_proconnect(client), f"agent-faible-{acr}"), follow=True
    )
    assert response.status_code == 401
    text = page_text(response)
    assert "Connexion refusée" in text
    assert "n'offre pas le niveau de sécurité demandé par la plateforme" in text
    assert logged_in_user_id(client) is None
    assert not User.objects.filter(email="faible@interieur.gouv.fr").exists()
    assert not SocialAccount.objects.exists()


def test_logout_also_ends_the_proconnect_session(client, proconnect):
    set_claims(proconnect, "agent-7", email="agent7@interieur.gouv.fr", email_verified=True)
    client.get(authorize_at_provider(start_proconnect(client), "agent-7"))
    assert logged_in_user_id(client) is not None
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(proconnect + "/oauth2/end_session?")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/"]
    assert query["id_token_hint"][0].count(".") == 2 and query["state"]
    assert logged_in_user_id(client) is None
    # The provider accepts it and sends the agent back to the platform.
    confirm = requests.post(
        f"{proconnect}/oauth2/end_session/confirm",
        data={"redirect_uri": query["post_logout_redirect_uri"][0]},
        allow_redirects=False,
        timeout=5,
    )
    assert confirm.headers["Location"] == "http://testserver/"


def test_logout_of_a_password_session_stays_local(client):
    user = UserFactory()
    login(client, user.email)
    assert client.post(reverse("account_logout"))["Location"] == "/"


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def signing_key(oidc_provider):
    """An RSA key published (through the JWKS cache) at the local provider's JWKS address."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    from accounts.proconnect import jws

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.public_key().public_numbers()
    jwk = {
        "kty": "RSA",
        "kid": "cle-de-test",
        "n": _b64(numbers.n.to_bytes(256, "big")),
        "e": _b64(numbers.e.to_bytes(3, "big")),
    }
    url = f"{oidc_provider}/jwks"
    cache.set(f"proconnect:jwks:{url}", [jwk], jws.JWKS_CACHE_SECONDS)
    yield key, url
    cache.delete(f"proconnect:jwks:{url}")


def make_token(key, claims, header=None):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    header = header or {"alg": "RS256", "kid": "cle-de-test", "typ": "JWT"}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}"


CLAIMS = {"iss": "https://fournisseur.example", "aud": "client", "sub": "agent", "nonce": "n"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t, k: t, None),
        (lambda t, k: t.rsplit(".", 1)[0] + "." + _b64(b"x" * 256), "Signature"),
        (
            lambda t, k: ".".join(
                [
                    t.split(".")[0],
                    _b64(json.dumps({**CLAIMS, "sub": "admin"}).encode()),
                    t.split(".")[2],
                ]
            ),
            "Signature",
        ),
        (lambda t, k: make_token(k, {**CLAIMS, "aud": "autre"}), "autre application"),
        (lambda t, k: make_token(k, {**CLAIMS, "iss": "https://pirate.example"}), "Émetteur"),
        (lambda t, k: make_token(k, {**CLAIMS, "exp": time.time() - 3600}), "expiré"),
        (
            lambda t, k: _b64(b'{"alg":"none"}') + "." + t.split(".")[1] + ".",
            "Algorithme refusé",
        ),
        (lambda t, k: make_token(k, CLAIMS, {"alg": "HS256", "kid": "cle-de-test"}), "Algorithme"),
        (lambda t, k: make_token(k, CLAIMS, {"alg": "RS256", "kid": "inconnue"}), "Aucune clé"),
    ],
)
def test_id_token_verification(signing_key, change, message):
    from accounts.proconnect import jws

    key, url = signing_key
    token = change(make_token(key, {**CLAIMS, "exp": time.time() + 60}), key)
    options = {"jwks_url": url, "issuer": CLAIMS["iss"], "audience": "client"}
    if message is None:
        assert jws.verify(token, **options)["sub"] == "agent"
    else:
        with pytest.raises(jws.InvalidToken, match=message):
            jws.verify(token, **options)


# --- Login lockout (django-axes) ----------------------------------------------------------------


@pytest.fixture
def lockout(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    return settings


def test_lockout_after_failure_limit_refuses_even_the_right_password(client, lockout):
    user = UserFactory(email="cible@example.org")
    for _ in range(lockout.AXES_FAILURE_LIMIT - 1):
        response = login(client, user.email, "mauvais-mot-de-passe")
        assert response.status_code == 200
        assert "Connexion temporairement bloquée" not in page_text(response)
    # Case variations are the same login.
    login(client, "CIBLE@example.org", "mauvais-mot-de-passe")
    response = login(client, user.email, "encore-faux")  # N+1th attempt
    assert response.status_code == 429
    html = page_text(response)
    assert "Connexion temporairement bloquée" in html
    assert "15 minutes" in html
    assert "Réessayez dans 15 minutes." in html
    assert 'href="/comptes/password/reset/">Mot de passe oublié ?</a>' in html
    assert 'class="fr-alert fr-alert--error' in html

    response = login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert logged_in_user_id(client) is None
    # The lockout is per address and IP address: the same person from elsewhere is not blocked.
    assert login(Client(), user.email, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_lockout_page_counts_down_from_the_last_failure(client, lockout):
    """Walk 16e: eight minutes into the lock, the page still said « dans 15 minutes »."""
    user = UserFactory()
    for _ in range(lockout.AXES_FAILURE_LIMIT):
        login(client, user.email, "faux")
    AccessAttempt.objects.filter(username=user.email).update(
        attempt_time=timezone.now() - timedelta(minutes=8)
    )
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 429
    html = page_text(response)
    assert "bloquées pendant 15 minutes après le dernier essai" in html
    assert "Réessayez dans 7 minutes." in html
    # Retrying during the lock did not restart it.
    assert "Réessayez dans 7 minutes." in page_text(login(client, user.email, PASSWORD))


def test_lockout_ends_after_cooloff(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    user = UserFactory()
    for _ in range(3):
        login(client, user.email, "faux")
    assert login(client, user.email, PASSWORD).status_code == 429
    time.sleep(2.5)
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)
    assert not AccessAttempt.objects.filter(username=user.email).exists()  # reset on success


def test_lockout_also_guards_the_admin_login(client, lockout):
    """Wagtail's admin logs in through the same page (WAGTAILADMIN_LOGIN_URL)."""
    staff = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(lockout.AXES_FAILURE_LIMIT + 1):
        login(client, staff.email, "faux")
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": staff.email, "password": PASSWORD},
    )
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302


def test_client_ip_behind_trusted_proxies(rf, settings):
    from accounts.security import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the forged first entry is ignored


# --- Settings from the environment, production hardening ---------------------------------------


def test_security_settings_come_from_environment_and_production_is_hardened():
    values = production_settings(
        "{'limit': s.AXES_FAILURE_LIMIT, 'cooloff': s.AXES_COOLOFF_TIME,"
        "'params': s.AXES_LOCKOUT_PARAMETERS, 'rate': [s.GROUP_POST_RATE_COUNT,"
        " s.GROUP_POST_RATE_SECONDS], 'proconnect': s.SOCIALACCOUNT_PROVIDERS,"
        "'hsts': s.SECURE_HSTS_SECONDS, 'ssl': s.SECURE_SSL_REDIRECT,"
        "'cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY],"
        "'names': [s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME],"
        "'scope': [s.SESSION_COOKIE_DOMAIN, s.SESSION_COOKIE_PATH, s.CSRF_COOKIE_DOMAIN,"
        " s.CSRF_COOKIE_PATH],"
        "'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES']}",
        LOGIN_FAILURE_LIMIT="7",
        LOGIN_COOLOFF_MINUTES="30",
        LOGIN_LOCKOUT_PARAMETERS="username",
        GROUP_POST_RATE_COUNT="4",
        GROUP_POST_RATE_SECONDS="60",
        PROCONNECT_DISCOVERY_URL="https://auth.example.gouv.fr/.well-known/openid-configuration",
        PROCONNECT_CLIENT_ID="client",
        PROCONNECT_CLIENT_SECRET="secret",
        PROCONNECT_ACR_VALUES="eidas1, eidas2",
        PROCONNECT_SCOPES="openid,email,siret",
    )
    assert values["limit"] == 7
    assert values["cooloff"] == 0.5  # hours
    assert values["params"] == [["username"]]
    assert values["rate"] == [4, 60]
    app = values["proconnect"]["proconnect"]["APPS"][0]
    assert (app["client_id"], app["secret"]) == ("client", "secret")
    assert app["settings"]["acr_values"] == ["eidas1", "eidas2"]
    assert app["settings"]["scope"] == ["openid", "email", "siret"]
    assert values["hsts"] >= 31536000 and values["ssl"] is True
    assert values["cookies"] == [True, True, True]
    # The __Host- prefix: Secure (above), Path=/ and no Domain, or browsers drop the cookie.
    assert values["names"] == ["__Host-sessionid", "__Host-csrftoken"]
    assert values["scope"] == [None, "/", None, "/"]
    assert "'unsafe-inline'" not in values["csp"]["script-src"]


# --- Content-Security-Policy --------------------------------------------------------------------


def parse_csp(header):
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def test_site_pages_send_a_strict_csp(client):
    response = client.get(reverse("account_login"))
    csp = parse_csp(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]


def test_admin_has_its_own_policy(client, anct_user):
    client.force_login(anct_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    csp = parse_csp(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in csp["script-src"]
    assert csp["object-src"] == ["'none'"]
    # The site itself stays strict for the same user.
    site = parse_csp(client.get(reverse("accounts:profile"))["Content-Security-Policy"])
    assert site["script-src"] == ["'self'"]


def test_form_action_allows_proconnect_when_configured(client, proconnect):
    csp = parse_csp(client.get(reverse("account_login"))["Content-Security-Policy"])
    assert csp["form-action"] == ["'self'", proconnect]


class _InlineScriptFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self.problems.append("<script> en ligne")
        if any("javascript:" in (value or "") for value in attrs.values()):
            self.problems.append(f"<{tag}> javascript:")


def _project_templates():
    skip = {".venv", "var", "node_modules", ".git"}
    for path in ROOT.rglob("templates/**/*.html"):
        if skip.intersection(path.relative_to(ROOT).parts) or "email" in path.parts:
            continue
        yield path


def test_no_template_has_inline_script_or_event_handler():
    """CSP without 'unsafe-inline': every script lives in a static file."""
    problems = {}
    for path in _project_templates():
        finder = _InlineScriptFinder()
        finder.feed(re.sub(r"{%.*?%}|{{.*?}}", "", path.read_text(encoding="utf-8"), flags=re.S))
        if finder.problems:
            problems[str(path.relative_to(ROOT))] = finder.problems
    assert not problems


# --- Sessions -----------------------------------------------------------------------------------


def session_client(user):
    client = Client()
    assert login(client, user.email).status_code == 302
    return client


def is_authenticated(client):
    return client.get(reverse("accounts:profile")).status_code == 200


def test_logout_ends_the_session_on_the_server(client):
    user = UserFactory()
    login(client, user.email)
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert not is_authenticated(replay)


def test_password_change_keeps_this_session_and_ends_the_other_ones(client):
    user = UserFactory()
    other_device = session_client(user)
    assert is_authenticated(other_device)
    login(client, user.email)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "nouveau-secret-2026!",
            "password2": "nouveau-secret-2026!",
        },
    )
    assert response.status_code == 302
    # Not back to the form just submitted, nor to the login page: « Mes sessions ».
    assert response["Location"] == reverse("usersessions_list")
    assert not is_authenticated(other_device)
    # The other session is deleted on the server, not only voided by the next request.
    other_key = other_device.cookies[settings.SESSION_COOKIE_NAME].value
    assert not Session.objects.filter(session_key=other_key).exists()
    # The session the change was made from stays open, with one focused message.
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page_text(page)
    assert (
        "Mot de passe modifié. Vos autres sessions ont été fermées ; celle-ci reste ouverte."
        in text
    )
    assert "déconnecté" not in text and "Connectez-vous" not in text
    assert "data-cde-success-message" in page.content.decode()
    fresh = Client()
    assert login(fresh, user.email, "nouveau-secret-2026!").status_code == 302


def test_deactivated_account_loses_its_open_sessions():
    user = UserFactory()
    browser = session_client(user)
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert is_authenticated(browser)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not Session.objects.filter(session_key=key).exists()
    response = browser.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert browser.get("/admin/").status_code == 302
    # Reactivating the account does not bring the old session back.
    user.is_active = True
    user.save(update_fields=["is_active"])
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert not is_authenticated(replay)


def test_sessions_page_ends_the_other_sessions(client):
    user = UserFactory()
    other_device = session_client(user)
    login(client, user.email)
    html = page_text(client.get(reverse("usersessions_list")))
    assert "Mes sessions" in html and "Déconnecter les autres sessions" in html
    assert client.post(reverse("usersessions_list")).status_code == 302
    assert not is_authenticated(other_device)
    assert is_authenticated(client)


# --- Posting limits in groups -------------------------------------------------------------------


@pytest.fixture
def discussion(settings, tmp_path):
    settings.GROUP_POST_RATE_COUNT = 3
    settings.GROUP_POST_RATE_SECONDS = 300
    cite = CiteFactory()
    author = UserFactory(cite=cite, coordinator=True)
    other = UserFactory(cite=cite, partner=True)
    group_services.add_member(cite.group, author, role=Role.ANIMATEUR)
    group_services.add_member(cite.group, other)
    thread = group_services.create_thread(cite.group, author, title="Sujet", body="Premier")
    return {"group": cite.group, "thread": thread, "author": author, "other": other}


def test_posting_rate_limit_refuses_with_french_error_and_stores_nothing(client, discussion):
    group, thread, author = discussion["group"], discussion["thread"], discussion["author"]
    client.force_login(author)
    thread_url = reverse("groups:thread", args=[group.slug, thread.pk])
    for n in range(2):  # the opening post counts: 3 messages in all
        assert client.post(thread_url, {"body": f"Réponse {n}"}).status_code == 302
    posts, threads = Post.objects.count(), Thread.objects.count()

    response = client.post(thread_url, {"body": "Une de trop"})
    assert response.status_code == 200
    assert "patientez un peu avant de publier à nouveau" in page_text(response)
    response = client.post(
        reverse("groups:new_thread", args=[group.slug]), {"title": "Nouveau", "body": "Texte"}
    )
    assert response.status_code == 200
    assert "patientez un peu avant de publier à nouveau" in page_text(response)
    assert (Post.objects.count(), Thread.objects.count()) == (posts, threads)

    # The limit is per person: the others keep posting.
    client.force_login(discussion["other"])
    assert client.post(thread_url, {"body": "Moi je peux"}).status_code == 302


def test_long_names_do_not_break_posting(discussion):
    """Names are user input too: 150 + 150 characters still fit the notification titles."""
    from notifications.models import Notification

    author = discussion["other"]
    author.first_name, author.last_name = "<b>" * 50, "x" * 150
    author.save()
    group_services.reply(discussion["thread"], author, body="Réponse")
    titles = Notification.objects.values_list("title", flat=True)
    assert titles and all(len(title) <= 255 for title in titles)


def test_posting_rate_limit_window_slides(discussion, settings):
    author, thread = discussion["author"], discussion["thread"]
    for n in range(2):
        group_services.reply(thread, author, body=f"Réponse {n}")
    with pytest.raises(ValidationError):
        group_services.reply(thread, author, body="Refusée")
    Post.objects.filter(author=author).update(created_at=thread.created_at - timedelta(minutes=6))
    assert group_services.reply(thread, author, body="Acceptée de nouveau")


# --- Uploads are judged by their content --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", b"<html><script>alert(1)</script></html>"),
        ("notes.txt", b"<script>window.__xss=1</script>"),
        ("image.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("page.html", b"<!doctype html><p>bonjour</p>"),
        ("photo.jpg", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),  # a PNG named .jpg
        ("script.pdf.exe", b"MZ\x90\x00" + b"\x00" * 60),
    ],
)
def test_uploads_are_refused_on_content(name, content):
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile(name, content), max_bytes=10_000)
    assert re.search(r"n'est pas accepté|ne correspond pas", " ".join(error.value.messages))


def test_upload_names_cannot_escape_or_inject():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\..\\win.ini") == "win.ini"
    assert safe_filename("<img src=x onerror=alert(1)>.pdf") == "img src=x onerror=alert(1).pdf"
    assert "<" not in safe_filename("<script>.pdf")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    assert validate_upload(SimpleUploadedFile("a.png", png), max_bytes=100).key == "png"
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("a.gif", png), allowed=IMAGE_KINDS, max_bytes=100)


def test_profile_photo_must_really_be_an_image(client):
    user = UserFactory()
    client.force_login(user)
    fake = SimpleUploadedFile("photo.png", b"<svg onload=alert(1)></svg>", "image/png")
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "A", "last_name": "B", "photo": fake},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.photo


# --- XSS corpus through the sanitiser and every rich-text input ---------------------------------


class _Tags(HTMLParser):
    """Tags and attributes of sanitised HTML, as a browser's parser would see them."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_harmless(html):
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in {
            "a",
            "abbr",
            "b",
            "blockquote",
            "br",
            "code",
            "em",
            "h2",
            "h3",
            "h4",
            "hr",
            "i",
            "li",
            "ol",
            "p",
            "pre",
            "s",
            "strong",
            "sub",
            "sup",
            "u",
            "ul",
        }, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name in {"href", "title", "rel", "target"}, (tag, name)
            if name == "href":
                assert urlsplit(value.strip()).scheme in {"http", "https", "mailto", "tel", ""}


def test_corpus_has_about_forty_payloads():
    assert len(PAYLOADS) >= 40


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitizer_neutralises_payload(payload):
    assert_harmless(sanitize_html(payload))
    assert_harmless(plain_text_to_html(payload))
    with contextlib.suppress(ValidationError):  # nothing left once cleaned: refused
        assert_harmless(group_services.clean_body(payload))


def test_payloads_posted_in_group_are_stored_harmless(client, discussion, settings):
    settings.GROUP_POST_RATE_COUNT = 0
    group, thread, author = discussion["group"], discussion["thread"], discussion["author"]
    client.force_login(author)
    url = reverse("groups:thread", args=[group.slug, thread.pk])
    for payload in PAYLOADS:
        client.post(url, {"body": payload})
    for post in Post.objects.filter(thread=thread):
        assert_harmless(post.body_html)
    response = client.get(url)
    body = response.content.decode().split('id="contenu"', 1)[1]
    for payload in PAYLOADS:
        if "<" in payload:  # markup never comes back verbatim (bare text may)
            assert payload not in body


def test_payloads_in_profile_fields_are_escaped(client):
    user = UserFactory()
    client.force_login(user)
    payload = '"><script>window.__xss=1</script><img src=x onerror=alert(1)>'
    fields = {"organisation": payload, "fonction": payload, "phone": "<svg onload=x>"}
    # Names refuse « < » and « > » outright (a name is shown everywhere).
    refused = client.post(
        reverse("accounts:profile"),
        {"first_name": payload[:150], "last_name": payload[:150], **fields},
    )
    assert refused.status_code == 200
    assert "ne sont pas acceptés" in page_text(refused)
    # Organisation and function too, and the phone must be a phone number (walk 16g #19): the
    # form comes back with the values escaped.
    response = client.post(
        reverse("accounts:profile"), {"first_name": "Léa", "last_name": "Moreau", **fields}
    )
    assert response.status_code == 200
    assert "Saisissez un numéro de téléphone" in page_text(response)
    html = response.content.decode()
    assert "<script>window.__xss" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html


@pytest.mark.parametrize("role", ["professional", "member"])
def test_admin_refuses_a_logged_in_person_without_rights_in_french(client, role, request):
    """Wagtail would redirect her to the site's login page, which sends a logged-in person back
    to /admin/: a redirect loop. She gets a 403 page that says why."""
    client.force_login(request.getfixturevalue(role))
    for path in ("/admin/", "/admin/pages/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "L'administration est réservée" in page_text(response)


def test_admin_still_opens_for_anct_and_asks_anonymous_to_log_in(client, anct_user):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/comptes/login/" in response["Location"]
    client.force_login(anct_user)
    assert client.get("/admin/").status_code == 200
