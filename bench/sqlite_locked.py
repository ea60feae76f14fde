"""The demo on SQLite under concurrent writes: how many requests end in a 500 ("database is
locked"), with SQLite's defaults (rollback journal, deferred transactions) and with the
platform's settings (WAL journal, immediate transactions, busy timeout: settings
SQLITE_JOURNAL_MODE and SQLITE_TRANSACTION_MODE).

Each run starts a demo server (`manage.py runserver`, Daphne, as `make demo`) on a copy of a
loaded demo database; the demo accounts log in, then post group replies (each indexed for
search in the request, like the demo's background tasks) all at once.

Usage (after `make demo`'s migrate and load_demo on that file):
    .venv/bin/python bench/sqlite_locked.py --database var/demo.sqlite3 --port 8102
Options: --replies 3 (per account)  --rounds 2
"""

import argparse
import concurrent.futures
import http.client
import http.cookiejar
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from tests.utils import wait_for_http  # noqa: E402

PASSWORD = "cites-emploi-demo"  # noqa: S105 - the demo accounts' shared password


def accounts_and_threads(database):
    """(e-mail, reply URL) of every demo account that belongs to a group with a thread."""
    rows = sqlite3.connect(database).execute(
        "SELECT u.email, g.slug, MIN(t.id) FROM accounts_user u "
        "JOIN groups_membership m ON m.user_id = u.id JOIN groups_group g ON g.id = m.group_id "
        "JOIN groups_thread t ON t.group_id = g.id "
        "WHERE u.email LIKE '%@demo.cites-emploi.fr' GROUP BY u.email"
    )
    return [(email, f"/groupes/{slug}/discussions/{pk}/") for email, slug, pk in rows]


class Session:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self):
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path):
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.status, response.read().decode()

    def post(self, path, data):
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(  # noqa: S310 - the loopback demo server
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (OSError, http.client.HTTPException):  # the server dropped the request
            return 0

    def login(self, email):
        self.get("/comptes/login/")
        self.post("/comptes/login/", {"login": email, "password": PASSWORD})


def run(database, port, replies, env_extra):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "1",
        "GROUP_POST_RATE_COUNT": "0",
        **env_extra,
    }
    env.pop("REDIS_URL", None)
    log = open(ROOT / "var" / "bench-sqlite-locked.log", "w+")  # noqa: SIM115 (read after the run)
    server = subprocess.Popen(  # noqa: S603 - fixed command, loopback
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/", server, "runserver did not start", timeout=300)
        sessions = []
        for email, url in accounts_and_threads(database):
            session = Session(base)
            session.login(email)
            sessions.append((session, url))

        def write(session, url, n):
            return session.post(url, {"body": f"Réponse concurrente {n} de la mesure."})

        statuses = []
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(sessions) * 2) as pool:
            futures = [
                pool.submit(write, session, url, n)
                for n in range(replies)
                for session, url in sessions
            ]
            statuses = [future.result() for future in futures]
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.seek(0)
        stderr = log.read()
        log.close()
    locked = len(re.findall(r"state=FAILED", stderr))
    return statuses, elapsed, locked


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=str(ROOT / "var" / "demo.sqlite3"))
    parser.add_argument("--port", type=int, default=8102)
    parser.add_argument("--replies", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    variants = [
        (
            "SQLite par défaut (journal rollback, transactions différées)",
            {
                "SQLITE_JOURNAL_MODE": "delete",
                "SQLITE_TRANSACTION_MODE": "DEFERRED",
            },
        ),
        ("Réglages de la plateforme (WAL, transactions immédiates)", {}),
    ]
    for round_ in range(args.rounds):
        for label, env_extra in variants:
            with tempfile.TemporaryDirectory() as tmp:
                copy = Path(tmp) / "demo.sqlite3"
                shutil.copy(args.database, copy)
                statuses, elapsed, locked = run(copy, args.port, args.replies, env_extra)
            errors = sum(1 for s in statuses if s >= 500)
            dropped = statuses.count(0)
            print(
                f"[{round_ + 1}] {label} : {len(statuses)} requêtes en {elapsed:.1f} s, "
                f"{errors} erreur(s) 500, {dropped} sans réponse, "
                f"{locked} tâche(s) d'indexation en échec (« database is locked »)",
                flush=True,
            )


if __name__ == "__main__":
    main()
