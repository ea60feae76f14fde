from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("tout-lire/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("courriels-de-demo/", views.outbox, name="outbox"),
    path("courriels-de-demo/<int:pk>/", views.outbox_email, name="outbox_email"),
    path("courriels-de-demo/<int:pk>/html/", views.outbox_email_html, name="outbox_email_html"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
