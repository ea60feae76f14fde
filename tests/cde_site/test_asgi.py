"""The site is served over ASGI: HTTP through Django, websockets routed by Channels."""

import pytest
from channels.testing import HttpCommunicator, WebsocketCommunicator

from cde_site.asgi import application


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_http_over_asgi_serves_the_directory(async_db_cleanup):
    communicator = HttpCommunicator(
        application, "GET", "/cites/", headers=[(b"host", b"localhost")]
    )
    response = await communicator.get_response()
    assert response["status"] == 200
    assert "Annuaire des cités".encode() in response["body"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_websocket_with_foreign_origin_is_refused(async_db_cleanup):
    communicator = WebsocketCommunicator(
        application,
        "/ws/inconnu/",
        headers=[(b"origin", b"https://evil.example"), (b"host", b"localhost")],
    )
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()
