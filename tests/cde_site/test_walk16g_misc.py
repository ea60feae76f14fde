"""Walk 16g details #13 to #16, through the real middleware, views and PostgreSQL."""

import pytest

from tests.factories import UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def test_unknown_notification_is_the_sites_404(client):
    """#13: it went back to the list without a word."""
    client.force_login(UserFactory())
    response = client.get("/notifications/99999/")
    assert response.status_code == 404
    assert "Page non trouvée" in page_text(response)


def test_admin_refusal_says_who_to_write_to_once(client, settings):
    """#14: two sentences said the same thing."""
    client.force_login(UserFactory())
    text = page_text(client.get("/admin/"))
    assert "Pour toute demande" not in text
    assert text.count("écrivez à l'équipe nationale") == 1
    assert f"mailto:{settings.CONTACT_EMAIL}" in text
