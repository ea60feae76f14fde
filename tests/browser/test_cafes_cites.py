"""Cafés-cités in headless Chromium: two people chat during a live session, one reconnects and
gets what was missed; a Redis outage (private redis-server, killed then restarted) shows on the
page and so does its end; agenda and session pages pass axe.

Websockets need an ASGI server: Daphne runs in a subprocess on a free port against the test
database (the test is transactional, so it sees the committed data)."""

import contextlib
import datetime
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from cafes_cites.models import ChatPresence, Registration, Session, Speaker
from tests.browser.conftest import assert_accessible
from tests.factories import UserFactory, make_anct_user
from tests.private_redis import REDIS_SERVER, PrivateRedis
from tests.utils import free_port

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def _daphne(tmp_path, **env):
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("Le serveur ASGI séparé a besoin de PostgreSQL (DATABASE_URL).")
    port = free_port()
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "cde_site.settings.test",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
        **env,
    }
    log = (tmp_path / "daphne.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "cde_site.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,  # a file, not a pipe nobody reads
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None:
                log.close()
                output = (tmp_path / "daphne.log").read_text()[-2000:]
                pytest.fail(f"Daphne n'a pas démarré : {output}")
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # sockets still closing: no need to wait for them
            process.kill()
            process.wait(timeout=5)
        log.close()


@pytest.fixture
def asgi_server(async_db_cleanup, tmp_path):
    with _daphne(tmp_path) as url:
        yield url


@pytest.fixture
def redis_drill(async_db_cleanup, tmp_path):
    """Daphne on a private redis-server, which the test kills and starts again."""
    if not shutil.which(REDIS_SERVER):
        pytest.skip("redis-server absent")
    redis = PrivateRedis()
    try:
        redis.start()
        env = {"REDIS_URL": redis.url, "CHANNEL_LAYER_PREFIX": f"browserdrill{redis.port}"}
        with _daphne(tmp_path, **env) as url:
            yield url, redis
    finally:
        redis.kill()


def _logged_in_page(browser, base_url, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.set_default_timeout(15_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )
    return context, context.new_page()


def _live_session():
    start = timezone.now() - datetime.timedelta(minutes=5)
    session = Session.objects.create(
        title="Café-cité en direct",
        number=42,
        start=start,
        end=start + datetime.timedelta(hours=1),
        description="<p>Séance de test du chat.</p>",
    )
    Speaker.objects.create(session=session, name="Camille Martin", cite_name="Cité de Pau")
    return session


@contextlib.contextmanager
def _alice_and_bob_in_the_chat(browser, base_url, alice):
    """A live session, `alice` and Bob registered, each on its page with the chat connected."""
    session = _live_session()
    bob = UserFactory(first_name="Bob", last_name="Durand")
    for user in (alice, bob):
        Registration.objects.create(session=session, user=user, status="confirmed")
    url = base_url + session.get_absolute_url()
    alice_context, alice_page = _logged_in_page(browser, base_url, alice)
    bob_context, bob_page = _logged_in_page(browser, base_url, bob)
    try:
        for page in (alice_page, bob_page):
            page.goto(url)
            expect(page.locator("#chat-etat")).to_have_text("Connecté")
        yield alice_page, bob_page
    finally:
        alice_context.close()
        bob_context.close()


def test_two_people_chat_and_one_reconnects(browser, asgi_server):
    alice = make_anct_user(first_name="Alice", last_name="Martin")  # an animateur
    with _alice_and_bob_in_the_chat(browser, asgi_server, alice) as (alice_page, bob_page):
        expect(bob_page.locator("#chat-presence")).to_have_text("2 participants connectés")
        assert_accessible(alice_page)

        # Keyboard only: type, Enter sends.
        alice_page.get_by_label("Votre message").fill("Bonjour à tous <b>!</b>")
        alice_page.get_by_label("Votre message").press("Enter")
        bob_messages = bob_page.locator("#chat-messages li")
        expect(bob_messages).to_have_count(1)
        expect(bob_messages.first).to_contain_text("Bonjour à tous !")  # tags stripped
        # One time format, as the server writes it: « 21 h 55 » (walk 1518e).
        expect(bob_messages.first.locator("time")).to_have_text(
            re.compile(r"^\d{1,2}\s?h\s?\d{2}$")
        )
        expect(bob_page.locator("#chat-annonces")).to_contain_text("Message de Alice Martin")

        # Bob's connection drops; Alice deletes her first message and keeps talking; Bob
        # comes back with after=: the deleted message goes, the new ones come.
        bob_page.locator("[data-chat-url]").dispatch_event("cde-chat-drop")
        expect(bob_page.locator("#chat-etat")).to_contain_text("Déconnecté")
        alice_page.get_by_role("button", name="Supprimer le message de Alice Martin").click()
        confirm = alice_page.get_by_role("dialog", name="Supprimer ce message ?")
        confirm.get_by_role("button", name="Supprimer").click()
        expect(alice_page.locator("#chat-messages li")).to_have_count(0)
        for text in ("Pendant ton absence", "Deuxième message"):
            alice_page.get_by_label("Votre message").fill(text)
            alice_page.get_by_role("button", name="Envoyer").click()
        expect(alice_page.locator("#chat-messages li")).to_have_count(2)
        expect(bob_page.locator("#chat-etat")).to_have_text("Connecté", timeout=20_000)
        expect(bob_messages).to_have_count(2)
        expect(bob_messages.first).to_contain_text("Pendant ton absence")
        expect(bob_messages.nth(1)).to_contain_text("Deuxième message")
        # (While disconnected, as a rule: the first reconnection waits 0.5 to 5 s.)
        expect(bob_page.locator("#chat-annonces")).to_contain_text("supprimé")

        bob_page.get_by_label("Votre message").fill("Je suis revenu")
        bob_page.get_by_label("Votre message").press("Tab")  # keyboard: to the checkbox
        bob_page.keyboard.press("Space")
        expect(bob_page.get_by_label("Question pour les intervenants")).to_be_checked()
        bob_page.keyboard.press("Shift+Tab")
        bob_page.keyboard.press("Enter")
        expect(alice_page.locator("#chat-messages li")).to_have_count(3)
        expect(alice_page.locator("#chat-messages li").last).to_contain_text("Question")
        expect(bob_messages).to_have_count(3)  # no duplicate after the reconnection


def test_a_redis_outage_is_shown_then_its_end(browser, redis_drill):
    """Redis (the channel layer) stops during a café: the page says the live delivery is
    impaired, in DSFR warning style, still accessible; a message sent meanwhile is stored and
    shown; pages reloaded meanwhile (the first socket of the room in the server process
    included) connect in degraded mode with their history; Redis back, the page says so and
    the chat goes on live."""
    base_url, redis = redis_drill
    alice = UserFactory(first_name="Alice", last_name="Martin")
    with _alice_and_bob_in_the_chat(browser, base_url, alice) as (alice_page, bob_page):
        redis.kill()
        for page in (alice_page, bob_page):
            expect(page.locator("#chat-etat")).to_have_text(
                "Direct perturbé : vos messages sont enregistrés, l'affichage peut avoir du retard."
            )
            expect(page.locator("[data-chat-live]")).to_have_attribute("data-chat-live", "degraded")
        assert_accessible(alice_page)  # the warning colour keeps its contrast
        alice_page.get_by_label("Votre message").fill("Envoyé pendant la panne")
        alice_page.get_by_label("Votre message").press("Enter")
        for page in (alice_page, bob_page):
            expect(page.locator("#chat-messages li")).to_have_count(1)
            expect(page.locator("#chat-messages li").first).to_contain_text(
                "Envoyé pendant la panne"
            )

        # Both leave, then come back during the outage: the room has no socket left in the
        # server process, the first one back cannot subscribe and is served all the same, in
        # degraded mode, with its history.
        url = alice_page.url
        alice_page.goto("about:blank")
        bob_page.goto("about:blank")
        deadline = time.monotonic() + 15
        while ChatPresence.objects.exists():  # written by Daphne once the sockets are gone
            assert time.monotonic() < deadline, "Les websockets ne se sont pas fermés."
            time.sleep(0.1)
        for page in (bob_page, alice_page):
            page.goto(url)
            expect(page.locator("#chat-etat")).to_have_text(
                "Direct perturbé : vos messages sont enregistrés, l'affichage peut avoir du retard."
            )
            expect(page.locator("[data-chat-live]")).to_have_attribute("data-chat-live", "degraded")
            expect(page.locator("#chat-messages li")).to_have_count(1)
            expect(page.locator("#chat-messages li").first).to_contain_text(
                "Envoyé pendant la panne"
            )
        bob_page.get_by_label("Votre message").fill("Revenu pendant la panne")
        bob_page.get_by_label("Votre message").press("Enter")
        for page in (alice_page, bob_page):
            expect(page.locator("#chat-messages li")).to_have_count(2)

        redis.start()
        for page in (alice_page, bob_page):
            expect(page.locator("#chat-etat")).to_have_text("Connecté")
            expect(page.locator("#chat-annonces")).to_contain_text("Direct rétabli")
        bob_page.get_by_label("Votre message").fill("Après la panne")
        bob_page.get_by_label("Votre message").press("Enter")
        expect(alice_page.locator("#chat-messages li")).to_have_count(3)
        expect(alice_page.locator("#chat-messages li").last).to_contain_text("Après la panne")


def test_agenda_and_session_pages_are_accessible(browser, asgi_server):
    session = _live_session()
    Session.objects.create(
        title="Séance passée",
        start=timezone.now() - datetime.timedelta(days=20),
        end=timezone.now() - datetime.timedelta(days=20) + datetime.timedelta(hours=1),
        compte_rendu="<p>Compte-rendu.</p>",
        replay_url="https://replay.example/1",
    )
    upcoming = Session.objects.create(
        title="Séance à venir",
        start=timezone.now() + datetime.timedelta(days=3),
        end=timezone.now() + datetime.timedelta(days=3, hours=1),
    )
    user = UserFactory()
    context, page = _logged_in_page(browser, asgi_server, user)
    try:
        page.goto(asgi_server + "/cafes-cites/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Agenda des cafés-cités")
        assert_accessible(page)
        page.get_by_role("link", name="Café-cité #42 — Café-cité en direct").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Café-cité #42 — Café-cité en direct"
        )
        expect(page.locator("#chat-etat")).to_contain_text("Connecté")
        assert_accessible(page)
        page.get_by_role("button", name="S'inscrire").click()
        expect(page.get_by_text("Votre inscription est confirmée")).to_be_visible()
        assert_accessible(page)
        # The agenda's badge is a noun, the same for everyone (walk 1518e).
        page.goto(asgi_server + "/cafes-cites/")
        expect(page.get_by_text("Inscription confirmée")).to_be_visible()
        page.goto(asgi_server + "/cafes-cites/")
        page.get_by_role("link", name="Séance passée").click()
        expect(page.get_by_role("link", name="Voir le replay")).to_be_visible()
        # A future session's chat, closed (read-only), counts nobody connected: the reader
        # alone was shown as « 1 participant connecté » (walk 1518e).
        page.goto(asgi_server + upcoming.get_absolute_url())
        expect(page.locator("#chat-etat")).to_contain_text("lecture seule")
        expect(page.locator("#chat-presence")).to_have_text("")
        assert_accessible(page)
    finally:
        context.close()
    assert session.pk
