"""Headless Chromium (Playwright) fixtures and the axe-core accessibility check."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db import connections
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests.

    Between sync calls, Playwright marks its event loop as running in the main thread. Django
    then (1) refuses ORM calls there, hence DJANGO_ALLOW_ASYNC_UNSAFE, and (2) looks database
    connections up per context instead of per thread, which would hand the test a second
    connection, without the serialized rollback data and never closed: keep the thread's own.
    Package scope, not session, so that the async tests collected later get a clean thread.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium est absent ({CHROMIUM}) : tests navigateur ignorés.")
    thread_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as monkeypatch, sync_playwright() as playwright:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in thread_connections.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            for alias in thread_connections:  # still the per-context entries here
                del connections[alias]


@pytest.fixture
def page(request, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        results = Path(settings.VAR_DIR) / "test-results"
        results.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(results / f"{name}.png"), full_page=True)
    context.close()


def assert_accessible(page, exclude=None, disabled_rules=()):
    """Fail on any serious or critical axe-core violation, listing rule, impact and target.
    `exclude`: CSS selectors left out; `disabled_rules`: axe rule ids not run (violations of
    Wagtail's own admin markup, not ours); each with its reason at the call site."""
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    options = {"resultTypes": ["violations"]}
    if disabled_rules:
        options["rules"] = {rule: {"enabled": False} for rule in disabled_rules}
    violations = Axe().run(page, context=context, options=options).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    lines = [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} élément(s)) : {v['nodes'][0]['target']}"
        for v in blocking
    ]
    assert not blocking, f"Violations d'accessibilité sur {page.url} :\n" + "\n".join(lines)
