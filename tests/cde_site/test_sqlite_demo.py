"""The demo's SQLite database under concurrent writers: transactions wait for the write lock
instead of failing with "database is locked" (settings: WAL, IMMEDIATE, busy timeout)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys, threading, time
sys.path[:0] = [ROOT, ROOT + "/platform"]
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS counter (n integer)")
connection.close()
both_read = threading.Barrier(2)
errors = []

def writer(n):
    # Read then write in one transaction, as a request that indexes what it saved does.
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM counter")
                try:
                    both_read.wait(timeout=2)
                except threading.BrokenBarrierError:
                    pass  # the other writer waits for the lock: no overlap to wait for
                cursor.execute("INSERT INTO counter VALUES (%s)", [n])
                time.sleep(0.3)
    except Exception as error:
        errors.append(str(error))
    finally:
        connection.close()

threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM counter")
    rows = cursor.fetchone()[0]
    cursor.execute("PRAGMA journal_mode")
    mode = cursor.fetchone()[0]
print(json.dumps({"errors": errors, "rows": rows, "journal_mode": mode}))
"""


def run_writers(tmp_path, **env):
    database = tmp_path / "demo.sqlite3"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cde_site.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", f"ROOT = {str(ROOT)!r}\n{SCRIPT}"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_concurrent_writers_wait_for_each_other(tmp_path):
    outcome = run_writers(tmp_path)
    assert outcome == {"errors": [], "rows": 2, "journal_mode": "wal"}


def test_sqlite_defaults_fail_the_same_writers(tmp_path):
    """The same two writers with SQLite's defaults: one fails at once (what the demo showed)."""
    outcome = run_writers(
        tmp_path, SQLITE_TRANSACTION_MODE="DEFERRED", SQLITE_JOURNAL_MODE="delete"
    )
    assert outcome["errors"] == ["database is locked"]
    assert outcome["rows"] == 1
