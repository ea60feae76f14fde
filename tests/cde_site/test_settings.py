"""12-factor settings: what the environment says, and a production module that passes --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_secret_key_required_when_debug_off():
    result = run_manage("check", env={"DJANGO_SETTINGS_MODULE": "cde_site.settings.base"})
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_production_settings_pass_check_deploy_without_warning():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "cde_site.settings.production",
            "SECRET_KEY": "a-long-random-production-secret-" + "x9Z!" * 12,
            "ALLOWED_HOSTS": "cites-emploi.example.gouv.fr",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_redis_url_selects_redis_channel_layer_and_cache(settings):
    from django.conf import settings as live

    if os.environ.get("REDIS_URL"):
        assert live.CHANNEL_LAYERS["default"]["BACKEND"].startswith("channels_redis")
        assert live.CACHES["default"]["BACKEND"].endswith("RedisCache")
    else:
        assert live.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer")


def test_database_url_is_used():
    from django.db import connection

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql"
