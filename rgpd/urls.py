from django.urls import path

from rgpd import views

app_name = "rgpd"

urlpatterns = [
    path("", views.my_data, name="my_data"),
    path("export/", views.export, name="export"),
    path("supprimer-mon-compte/", views.delete_account, name="delete_account"),
]
