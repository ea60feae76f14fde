"""Each app drops into another Wagtail site (README, "Brancher les applications"): a minimal site
with the host, `themes`, `cites`, `accounts` and one app at a time (plus the apps below it), none
of the apps' own settings, SQLite. In a subprocess per site: `check` passes and every URL of its
apps answers below 500 for anonymous and logged-in visitors (tests/minimal_site/smoke.py);
/comptes/profil/ included, so a site without rgpd/ or notifications/ does not 500."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "site", ["base", "groups", "cafes_cites", "ressources", "pilotage", "rgpd"]
)
def test_minimal_site_passes_check_and_serves_its_urls(site, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/minimal_site/smoke.py",
            f"--ds=tests.minimal_site.settings_{site}",
            # Tables straight from the models: the site's URLs, not the migrations, are tested.
            "--nomigrations",
            "-p",
            "no:cacheprovider",
            "-q",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "passed" in result.stdout
