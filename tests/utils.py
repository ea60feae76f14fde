import html


def page_text(response):
    """Response body with HTML entities decoded, for readable assertions on French text."""
    return html.unescape(response.content.decode())


def comparable(response, path):
    """Body without what legitimately differs between two 404s: the CSRF token and the page's
    own address (in the login link's ?next=)."""
    import re

    text = page_text(response).replace(path, "<path>")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def production_settings(expression, **env):
    """The JSON value of `expression` (over `s`, django.conf.settings) in a fresh process with
    the production settings and the given environment variables."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    clean.update(DJANGO_SETTINGS_MODULE="cde_site.settings.production", SECRET_KEY="x" * 60)
    code = f"import json; from django.conf import settings as s; print(json.dumps({expression}))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        env={**clean, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url, process, message, timeout=60):
    """Wait until `url` answers (any status), or fail with `message` if `process` exits."""
    import time

    import requests

    deadline = time.monotonic() + timeout
    while True:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(message) from error
            time.sleep(0.1)


def clear_cache():
    """Empty this test process's cache. Django's RedisCache.clear() is FLUSHDB, which would also
    empty the keys of the other pytest-xdist workers sharing the Redis database (their
    KEY_PREFIX differs, cde_site.settings.test): delete only the keys under our prefix."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]  # the backend itself (django.core.cache.cache is a proxy)
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)  # the redis-py client of Django's backend
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*"))
    if keys:
        client.delete(*keys)
