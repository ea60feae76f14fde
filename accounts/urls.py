from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("profil/photo/", views.photo, name="photo"),
    # Ahead of allauth's own /comptes/email/ (same address, still reversed as "account_email").
    path("email/", views.email, name="email"),
]
