from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_index, name="index"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("questions-sans-reponse/", views.my_questions, name="my_questions"),
    path("<slug:slug>/", views.group_detail, name="detail"),
    path("<slug:slug>/rejoindre/", views.join, name="join"),
    path("<slug:slug>/demander/", views.request_join, name="request_join"),
    path("<slug:slug>/quitter/", views.leave, name="leave"),
    path("<slug:slug>/activite.json", views.activity_json, name="activity_json"),
    path("<slug:slug>/membres/", views.members, name="members"),
    path("<slug:slug>/membres/inviter/", views.invite, name="invite"),
    path(
        "<slug:slug>/membres/suggestions.json",
        views.member_suggestions,
        name="member_suggestions",
    ),
    path("<slug:slug>/membres/courriels/", views.email_mode, name="email_mode"),
    path(
        "<slug:slug>/membres/invitations/<int:pk>/annuler/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("<slug:slug>/membres/demandes/<int:pk>/", views.decide_request, name="decide_request"),
    path("<slug:slug>/membres/<int:user_id>/retirer/", views.remove_member, name="remove_member"),
    path("<slug:slug>/membres/<int:user_id>/role/", views.change_role, name="change_role"),
    path("<slug:slug>/discussions/nouvelle/", views.new_thread, name="new_thread"),
    path("<slug:slug>/discussions/<int:pk>/", views.thread_detail, name="thread"),
    path("<slug:slug>/discussions/<int:pk>/epingler/", views.pin_thread, name="pin_thread"),
    path("<slug:slug>/discussions/<int:pk>/solution/", views.mark_solution, name="mark_solution"),
    path("<slug:slug>/questions/", views.group_questions, name="questions"),
    path("<slug:slug>/brouillon/", views.save_draft, name="save_draft"),
    path("<slug:slug>/pieces-jointes/<int:pk>/", views.attachment, name="attachment"),
    path(
        "<slug:slug>/pieces-jointes/<int:pk>/miniature/",
        views.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
    path("<slug:slug>/messages/<int:pk>/modifier/", views.edit_post, name="edit_post"),
    path("<slug:slug>/messages/<int:pk>/supprimer/", views.delete_post, name="delete_post"),
    path("<slug:slug>/messages/<int:pk>/masquer/", views.hide_post, name="hide_post"),
    path("<slug:slug>/messages/<int:pk>/signaler/", views.report_post, name="report_post"),
    path("<slug:slug>/documents/", views.documents, name="documents"),
    path("<slug:slug>/documents/<int:pk>/", views.document_detail, name="document"),
    path(
        "<slug:slug>/documents/<int:pk>/proposer/",
        views.propose_document,
        name="propose_document",
    ),
    path(
        "<slug:slug>/documents/<int:pk>/telecharger/<int:number>/",
        views.download,
        name="download",
    ),
]
