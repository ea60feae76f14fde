from django.urls import path

from espace import views

app_name = "espace"

urlpatterns = [
    path("", views.home, name="home"),
    path("preferences/", views.preferences, name="preferences"),
]
