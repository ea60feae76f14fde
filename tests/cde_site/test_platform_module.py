"""platform/ is a folder, not a package: the standard library's `platform` must stay importable."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_stdlib_platform_in_test_process():
    import platform

    assert platform.system()
    assert Path(platform.__file__).parent != ROOT / "platform"


def test_stdlib_platform_after_django_setup_in_project_environment():
    code = (
        "import sys; sys.path[:0] = ['.', 'platform'];"
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'cde_site.settings.test';"
        "import django; django.setup();"
        "import platform; print(platform.system(), platform.python_version())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    system, version = result.stdout.split()
    assert system == "Linux"
    assert version.startswith("3.11")


def test_platform_folder_has_no_init():
    assert not (ROOT / "platform" / "__init__.py").exists()
