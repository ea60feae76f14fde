from django.urls import path

from ressources import views

app_name = "ressources"

urlpatterns = [
    path("", views.library, name="index"),
    path("flux/", views.LibraryFeed(), name="feed"),
    path("proposer-une-action/", views.propose_action, name="propose"),
    path("pour-ma-cite/<slug:slug>/", views.cite_suggestions, name="cite_suggestions"),
    path("pour-ma-cite/<slug:slug>/avis/", views.suggestion_feedback, name="suggestion_feedback"),
    path("fiches/<int:page_id>/suivre/", views.follow_fiche, name="follow"),
    path("fiches/<int:page_id>/ne-plus-suivre/", views.unfollow_fiche, name="unfollow"),
    path("propositions/<int:proposal_id>/type/", views.change_proposal_kind, name="proposal_kind"),
    path("veille/", views.bulletins, name="bulletins"),
    path("veille/flux/", views.BulletinFeed(), name="bulletin_feed"),
    path("veille/abonnement/", views.subscribe, name="subscribe"),
    path("veille/abonnement/<str:token>/", views.confirm, name="confirm"),
    path("veille/desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("veille/envois/", views.sendings, name="sendings"),
    path("veille/envois/<int:bulletin_id>/", views.sending_detail, name="sending"),
    path("veille/envois/<int:bulletin_id>/lancer/", views.start_sending, name="start_sending"),
    path("veille/composer/<int:bulletin_id>/", views.compose_bulletin, name="compose"),
]
