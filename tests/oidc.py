"""A real OpenID Connect provider on loopback for the ProConnect tests: `oidc-provider-mock`, run
as its own process (nonce required, like ProConnect), driven over HTTP like a browser would."""

import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import requests

CLIENT_ID = "cites-emploi-test"
CLIENT_SECRET = "secret-de-test-proconnect"
# The mock only knows the standard scopes; ProConnect's given_name/usual_name come as claims.
SCOPES = ["openid", "email", "profile"]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_provider():
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--require-nonce"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"{url}/.well-known/openid-configuration", timeout=1)
                break
            except requests.ConnectionError as error:
                if process.poll() is not None or time.monotonic() > deadline:
                    message = "Le fournisseur OpenID Connect de test n'a pas démarré."
                    raise RuntimeError(message) from error
                time.sleep(0.1)
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
