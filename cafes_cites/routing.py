from django.urls import path

from cafes_cites.consumers import ChatConsumer

websocket_urlpatterns = [
    # Keep in step with Session.chat_path.
    path("ws/cafes-cites/<int:pk>/chat/", ChatConsumer.as_asgi()),
]
