from django.urls import path

from accounts.proconnect import views

urlpatterns = [
    path("proconnect/login/", views.login, name="proconnect_login"),
    path("proconnect/login/callback/", views.callback, name="proconnect_callback"),
]
