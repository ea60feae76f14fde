from django.urls import path

from cites import views

app_name = "cites"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<slug:slug>/", views.cite_detail, name="detail"),
]
