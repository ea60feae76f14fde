from django.urls import path

from pilotage import views

app_name = "pilotage"

urlpatterns = [
    path("pilotage/", views.index, name="index"),
    path("pilotage/cites/<slug:slug>/", views.cite_history, name="cite"),
    path(
        "pilotage/cites/<slug:slug>/<str:code>/etape-<int:step>/",
        views.questionnaire,
        name="questionnaire",
    ),
    path("pilotage/cites/<slug:slug>/<str:code>/transmettre/", views.submit, name="submit"),
    path("pilotage/national/", views.dashboard, name="dashboard"),
    path("pilotage/national/indicateurs/<slug:code>/", views.indicator_detail, name="indicator"),
    path("pilotage/national/activite/", views.activity, name="activity"),
    path(
        "pilotage/national/campagnes/<str:code>/<slug:action>/",
        views.campaign_action,
        name="campaign_action",
    ),
    path("pilotage/national/export/<slug:what>.<slug:fmt>", views.export, name="export"),
    path("chiffres-cles/", views.key_figures, name="key_figures"),
    path("api/v1/pilotage/chiffres-cles/", views.api_key_figures, name="api_key_figures"),
]
