from django.urls import path

from cafes_cites import views

app_name = "cafes_cites"

urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("calendrier.ics", views.feed_all, name="feed"),
    path("calendrier/<str:token>.ics", views.feed_mine, name="my_feed"),
    path("calendrier/nouveau-lien/", views.regenerate_feed_token, name="regenerate_token"),
    path("seance/<int:pk>/", views.session_detail, name="session"),
    path("seance/<int:pk>/cafe-cite.ics", views.session_ics, name="session_ics"),
    path("seance/<int:pk>/inscription/", views.register_view, name="register"),
    path(
        "seance/<int:pk>/questions/<int:message_id>/discussion/",
        views.promote_question,
        name="promote_question",
    ),
    path("seance/<int:pk>/desinscription/", views.unregister_view, name="unregister"),
]
