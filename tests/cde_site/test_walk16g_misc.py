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
