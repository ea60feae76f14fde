import pytest

from tests.factories import CiteFactory, UserFactory, make_anct_user

# Fails a whole-suite run when a URL pattern or websocket route was never requested.
pytest_plugins = ["tests.route_coverage"]


@pytest.fixture(autouse=True)
def _db_for_all(db):
    """Every test may touch the database (les-emplois' convention). The default Site's address
    is read once per process (commons.urls): a rolled-back test must not leave its own, nor a
    DEBUG test the address it was served at."""
    from commons.urls import forget_default_site, forget_served_origin

    forget_default_site()
    forget_served_origin()


@pytest.fixture(scope="class")
def demo_content(django_db_setup, django_db_blocker):
    """The demo content (manage.py load_demo), built once for a class of tests that only read it
    (or whose changes are rolled back): like Django's TestCase.setUpTestData, it is written in a
    transaction that each test's own transaction nests in as a savepoint, rolled back after each
    test, and the whole is rolled back after the class. Building it per test cost each test
    several seconds; class scope keeps it away from the module's other tests."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):  # load_demo refuses to run otherwise
            call_command("load_demo")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def cite():
    return CiteFactory()


@pytest.fixture
def other_cite():
    return CiteFactory()


@pytest.fixture
def member(cite):
    """A cité team member (coordinator) of `cite`."""
    return UserFactory(cite=cite, coordinator=True)


@pytest.fixture
def non_member(other_cite):
    """A coordinator of another cité."""
    return UserFactory(cite=other_cite, coordinator=True)


@pytest.fixture
def professional():
    """A registered professional attached to no cité."""
    return UserFactory()


@pytest.fixture
def anct_user():
    return make_anct_user()


ROLES = ["anonymous", "professional", "member", "non_member", "anct_user"]


@pytest.fixture(params=ROLES)
def role_client(request, client):
    """A test client logged in as each role in turn (anonymous: not logged in)."""
    role = request.param
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    client.role = role
    return client


def _terminate_other_sessions():
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def async_db_cleanup():
    """ASGI requests run views in per-request executor threads whose connections outlive the
    test; end them (from the main thread, sparing its own) so the test database can be dropped."""
    yield
    _terminate_other_sessions()


@pytest.fixture(scope="session")
def oidc_provider():
    """URL of a local OpenID Connect provider process (tests/oidc.py), shared by the session."""
    from tests.oidc import running_provider

    with running_provider() as url:
        yield url


@pytest.fixture
def proconnect(settings, oidc_provider):
    """ProConnect configured against the local provider; yields the provider's URL."""
    from tests.oidc import configure

    configure(settings, oidc_provider)
    return oidc_provider
