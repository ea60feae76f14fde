"""A real OpenID Connect provider on loopback for the ProConnect tests: `oidc-provider-mock`, run
as its own process (nonce required, like ProConnect), driven over HTTP like a browser would."""

import subprocess
import sys
from contextlib import contextmanager

import requests

from tests.utils import free_port, wait_for_http

CLIENT_ID = "cites-emploi-test"
CLIENT_SECRET = "secret-de-test-proconnect"
# The mock only knows the standard scopes; ProConnect's given_name/usual_name come as claims.
SCOPES = ["openid", "email", "profile"]


@contextmanager
def running_provider():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--require-nonce"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_http(
            f"{url}/.well-known/openid-configuration",
            process,
            "Le fournisseur OpenID Connect de test n'a pas démarré.",
        )
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def configure(settings, url, acr_values=()):
    from cde_site.settings.base import proconnect_providers

    settings.SOCIALACCOUNT_PROVIDERS = proconnect_providers(
        f"{url}/.well-known/openid-configuration", CLIENT_ID, CLIENT_SECRET, SCOPES, acr_values
    )


def set_claims(url, sub, **claims):
    response = requests.put(f"{url}/users/{sub}", json=claims, timeout=5)
    response.raise_for_status()
