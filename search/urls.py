from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("recherche/", views.search_page, name="search"),
    path("api/v1/recherche/", views.api_search, name="api"),
    path("api/v1/recherche/suggestions/", views.api_suggestions, name="suggestions"),
]
