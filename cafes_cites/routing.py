from django.urls import path

from cafes_cites.chat.consumer import ChatConsumer

websocket_urlpatterns = [
    # Keep in step with Session.chat_path.
    path("ws/cafes-cites/<int:pk>/chat/", ChatConsumer.as_asgi()),
]
