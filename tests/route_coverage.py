"""Every URL pattern and websocket route is requested by some test (Zulip's "Some URLs are
untested!" gate, zerver/lib/test_helpers.py).

The test client and the websocket communicator record what they request (the route name and the
role_client role); when the whole suite ran (no file, -k or --lf selection), the run fails if a
route of the platform's apps was never requested, and lists them. A targeted run only records
(ROUTE_COVERAGE=1 checks it anyway).

Under pytest-xdist each worker only sees its own requests: a worker hands what it recorded to
the controller at its session end (xdist's workeroutput), and the controller, which runs no test
itself, checks the union in its own pytest_sessionfinish (after every worker went down).
"""

import os

from django.urls import URLPattern, URLResolver


def platform_namespaces():
    """The URL namespaces of the platform's own apps: every installed app of this repository
    (not a dependency's), so that a new app's routes are checked without editing a list."""
    from pathlib import Path

    from django.apps import apps

    root = Path(__file__).resolve().parents[1]
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(root) and ".venv" not in Path(config.path).parts
    }


# Host routes (no namespace) that belong to the platform.
HOST_NAMES = {"health", "home"}

requested = {}  # route name (or websocket pattern) -> set of roles that requested it


def _record(name, role):
    requested.setdefault(name, set()).add(role or "?")


def platform_route_names():
    from django.urls import get_resolver

    names = set()
    platform = platform_namespaces()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    continue  # Wagtail's admin (viewsets of the apps included): Wagtail's own
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                top = namespace.split(":")[0]
                if top in platform or (not namespace and pattern.name in HOST_NAMES):
                    names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def websocket_routes():
    from cde_site.routing import websocket_urlpatterns

    return {str(route.pattern) for route in websocket_urlpatterns}


def pytest_configure(config):
    from channels.testing import WebsocketCommunicator
    from django.test import Client

    original_request = Client.request

    def request(self, **request):
        response = original_request(self, **request)
        match = getattr(response, "resolver_match", None)
        if match is not None and match.view_name:
            _record(match.view_name, getattr(self, "role", None))
        return response

    Client.request = request
    original_init = WebsocketCommunicator.__init__

    def init(self, application, path, *args, **kwargs):
        from cde_site.routing import websocket_urlpatterns

        for route in websocket_urlpatterns:
            if route.pattern.match(path.split("?")[0].lstrip("/")):
                _record(str(route.pattern), None)
        original_init(self, application, path, *args, **kwargs)

    WebsocketCommunicator.__init__ = init
    if config.pluginmanager.hasplugin("xdist") and not _is_worker(config):
        config.pluginmanager.register(_WorkerRoutes(), "route_coverage_workers")


def _is_worker(config):
    return hasattr(config, "workerinput")


class _WorkerRoutes:
    """Controller side of an xdist run: gathers the routes each worker requested. A plugin of
    its own, registered only when xdist is loaded (its hook is unknown to pytest otherwise)."""

    def pytest_testnodedown(self, node, error):
        for name, roles in getattr(node, "workeroutput", {}).get("route_coverage", {}).items():
            for role in roles:
                _record(name, role)


def _whole_suite(session):
    config = session.config
    if os.environ.get("ROUTE_COVERAGE") == "1":  # force the check on a partial run
        return session.testsfailed == 0
    selected = config.getoption("keyword") or config.getoption("lf", False)
    explicit = [arg for arg in config.args if arg not in config.getini("testpaths")]
    return not selected and not explicit and session.testsfailed == 0


def pytest_sessionfinish(session, exitstatus):
    if _is_worker(session.config):  # the controller checks the union of the workers' requests
        session.config.workeroutput["route_coverage"] = {
            name: sorted(roles) for name, roles in requested.items()
        }
        return
    if not _whole_suite(session) or exitstatus != 0:
        return
    missing = sorted((platform_route_names() | websocket_routes()) - set(requested))
    if missing:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("ERROR: Some URLs are untested! Request each in a role test:", red=True)
        for name in missing:
            reporter.write_line(f"  {name}")
        session.exitstatus = 1
