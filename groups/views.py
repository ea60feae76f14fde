from contextlib import suppress
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter as get_account_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from commons.french import of_name, sort_key, without_accents
from commons.storage import private_file_response
from groups import permissions, services
from groups.forms import (
    DocumentUploadForm,
    EditPostForm,
    EmailModeForm,
    InviteForm,
    JoinRequestForm,
    LibraryProposalForm,
    ReplyForm,
    ReportForm,
    RoleForm,
    ThreadForm,
    VersionUploadForm,
)
from groups.models import DocumentVersion, Invitation, JoinRequest, Membership, Post, Role
from groups.registry import library_destination, library_kinds, library_status


def _errors(error):
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def _group_context(request, group, tab):
    membership = permissions.get_membership(request.user, group)
    return {
        "group": group,
        "tab": tab,
        "membership": membership,
        "can_manage": permissions.can_manage_group(request.user, group),
        "can_post": permissions.can_post(request.user, group),
        "member_count": group.memberships.count(),
        "breadcrumb": [
            {"label": "Groupes", "url": reverse("groups:index")},
            {"label": group.name},
        ],
    }


@login_required
def group_index(request):
    user = request.user
    # Filtered through a subquery: filtering on memberships__user would join the same
    # memberships the count reads, and every card would say "1 membre".
    mine = (
        permissions.visible_groups_for(user)
        .filter(pk__in=Membership.objects.filter(user=user).values("group"))
        .annotate(members=Count("memberships", distinct=True))
        .order_by("kind", "name")
    )
    others = (
        permissions.visible_groups_for(user)
        .exclude(memberships__user=user)
        .annotate(members=Count("memberships", distinct=True))
        .prefetch_related("themes")
        .order_by("name")
    )
    pending = set(
        JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).values_list(
            "group_id", flat=True
        )
    )
    return render(
        request,
        "groups/index.html",
        {"my_groups": mine, "other_groups": others, "pending_ids": pending},
    )


@login_required
def group_detail(request, slug):
    group = permissions.get_group_for_user_or_404(request.user, slug)
    context = _group_context(request, group, "activite")
    if not permissions.can_view_group(request.user, group):
        context["join_form"] = JoinRequestForm()
        context["has_pending_request"] = JoinRequest.objects.filter(
            group=group, user=request.user, status=JoinRequest.Status.PENDING
        ).exists()
        context["can_join"] = permissions.can_join_directly(request.user, group)
        context["can_request"] = permissions.can_request_to_join(request.user, group)
        return render(request, "groups/about.html", context)
    threads = (
        group.threads.select_related("author")
        .annotate(replies=Count("posts", filter=Q(posts__is_opening=False, posts__deleted_at=None)))
        .order_by("-is_pinned", "-last_activity_at")
    )
    page = Paginator(threads, 20).get_page(request.GET.get("page"))
    services.mark_group_seen(group, request.user)
    context.update(
        {
            "page_obj": page,
            "activities": group.activities.select_related("actor")[:12],
            "recent_documents": group.documents.order_by("-updated_at")[:5],
        }
    )
    return render(request, "groups/detail.html", context)


@login_required
@require_POST
def join(request, slug):
    group = permissions.get_group_for_user_or_404(request.user, slug)
    try:
        services.join_group(group, request.user)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, _errors(error) or "Vous ne pouvez pas rejoindre ce groupe.")
    else:
        messages.success(request, f"Bienvenue dans le groupe « {group.name} ».")
    return redirect(group)


@login_required
@require_POST
def request_join(request, slug):
    group = permissions.get_group_for_user_or_404(request.user, slug)
    form = JoinRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_to_join(group, request.user, form.cleaned_data["message"])
        except (PermissionDenied, ValidationError) as error:
            messages.error(
                request, _errors(error) or "Vous ne pouvez pas demander à rejoindre ce groupe."
            )
        else:
            messages.success(request, "Votre demande a été transmise aux animateurs du groupe.")
    return redirect(group)


@login_required
@require_POST
def leave(request, slug):
    group = permissions.get_member_group_or_404(request.user, slug)
    try:
        services.leave_group(group, request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(group)
    messages.success(request, f"Vous avez quitté le groupe « {group.name} ».")
    return redirect("groups:index")


@login_required
def members(request, slug):
    group = permissions.get_member_group_or_404(request.user, slug)
    context = _group_context(request, group, "membres")
    context["memberships"] = group.memberships.select_related("user", "user__cite").order_by(
        "-role", "user__last_name", "user__first_name"
    )
    context["preferences_path"] = settings.NOTIFICATIONS_PREFERENCES_PATH
    if context["can_manage"]:
        context["invite_form"] = InviteForm()
        context["invitations"] = group.invitations.pending().select_related("invited_by")
        context["join_requests"] = group.join_requests.filter(
            status=JoinRequest.Status.PENDING
        ).select_related("user")
        context["roles"] = Role.choices
    return render(request, "groups/members.html", context)


def _manager_group_or_404(request, slug):
    group = permissions.get_member_group_or_404(request.user, slug)
    if not permissions.can_manage_group(request.user, group):
        raise Http404(permissions.NOT_FOUND)
    return group


@login_required
@require_POST
def invite(request, slug):
    group = _manager_group_or_404(request, slug)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Saisissez une adresse électronique valide.")
    else:
        try:
            invitation = services.invite(group, form.cleaned_data["email"], actor=request.user)
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, f"Invitation envoyée à {invitation.email}.")
    return redirect("groups:members", slug=group.slug)


@login_required
@require_POST
def revoke_invitation(request, slug, pk):
    group = _manager_group_or_404(request, slug)
    invitation = get_object_or_404(Invitation, pk=pk, group=group)
    services.revoke_invitation(invitation, actor=request.user)
    messages.success(request, f"L'invitation de {invitation.email} est annulée.")
    return redirect("groups:members", slug=group.slug)


@login_required
@require_POST
def decide_request(request, slug, pk):
    group = _manager_group_or_404(request, slug)
    join_request = get_object_or_404(JoinRequest, pk=pk, group=group)
    approve = request.POST.get("decision") == "accepter"
    try:
        services.decide_join_request(join_request, approve=approve, actor=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, "Demande acceptée." if approve else "Demande refusée.")
    return redirect("groups:members", slug=group.slug)


@login_required
@require_http_methods(["GET", "POST"])
def remove_member(request, slug, user_id):
    """GET: the confirmation page (a removal cuts the person off at once and cannot be undone
    from here, so the Membres page's button asks first); POST: the removal."""
    group = _manager_group_or_404(request, slug)
    user = get_object_or_404(User, pk=user_id)
    if request.method == "GET":
        membership = get_object_or_404(Membership, group=group, user=user)
        if user == request.user:
            raise Http404(permissions.NOT_FOUND)
        return render(
            request,
            "groups/member_remove.html",
            {**_group_context(request, group, "membres"), "removed": membership},
        )
    try:
        removed = services.remove_member(group, user, actor=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        if removed:
            messages.success(request, f"{user.display_name} ne fait plus partie du groupe.")
    return redirect("groups:members", slug=group.slug)


@login_required
@require_POST
def change_role(request, slug, user_id):
    group = _manager_group_or_404(request, slug)
    user = get_object_or_404(User, pk=user_id, memberships__group=group)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.set_role(group, user, form.cleaned_data["role"], actor=request.user)
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, f"Rôle {of_name(user.display_name)} mis à jour.")
    return redirect("groups:members", slug=group.slug)


@login_required
@require_POST
def email_mode(request, slug):
    group = permissions.get_member_group_or_404(request.user, slug)
    form = EmailModeForm(request.POST)
    if form.is_valid():
        services.set_email_mode(group, request.user, form.cleaned_data["email_mode"])
        messages.success(request, "Vos préférences de courriel sont enregistrées.")
    return redirect("groups:members", slug=group.slug)


def invitation(request, token):
    """Works for people without an account: the page leads to sign-up (the invited address
    prefilled) or login, then back here to accept. Only the invited address's account may
    accept; another account gets the reason and nothing changes."""
    try:
        invitation = services.check_invitation(token)
    except services.InvitationError as error:
        return render(request, "groups/invitation.html", {"error": _errors(error)}, status=410)
    context = {"invitation": invitation}
    if request.user.is_authenticated:
        try:
            services.check_invitation_recipient(invitation, request.user)
        except services.InvitationError as error:
            context["wrong_account"] = _errors(error)
            return render(request, "groups/invitation.html", context, status=403)
    else:
        # Following the link sent to the address proves it: allauth then creates the account
        # with that address verified, without a confirmation e-mail.
        get_account_adapter(request).stash_verified_email(request, invitation.email)
        context["signup_query"] = urlencode({"email": invitation.email, "next": request.path})
    if request.method == "POST" and request.user.is_authenticated:
        try:
            services.accept_invitation(token, request.user)
        except ValidationError as error:
            return render(request, "groups/invitation.html", {"error": _errors(error)}, status=410)
        messages.success(request, f"Bienvenue dans le groupe « {invitation.group.name} ».")
        return redirect(invitation.group)
    return render(request, "groups/invitation.html", context)


@login_required
def new_thread(request, slug):
    group = permissions.get_member_group_or_404(request.user, slug)
    if not permissions.can_post(request.user, group):
        raise Http404(permissions.NOT_FOUND)
    if request.method == "POST" and request.POST.get("abandonner"):
        return _discard_thread_draft(request, group)
    draft = services.get_draft(request.user, group)
    initial = (
        {"title": draft.title, "body": draft.body, "is_question": draft.is_question}
        if draft
        else {}
    )
    form = ThreadForm(request.POST or None, request.FILES or None, group=group, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.create_thread(
                group,
                request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                is_question=form.cleaned_data["is_question"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            _add_post_error(form, error)
        else:
            messages.success(request, "Votre discussion est publiée.")
            return redirect(thread.posts.get(is_opening=True).get_absolute_url())
    context = _group_context(request, group, "activite")
    context.update({"form": form, "draft": draft, "draft_thread": None})
    return _never_cached(render(request, "groups/thread_form.html", context))


def _discard_thread_draft(request, group, thread=None):
    """Giving a new discussion or a reply up is asked twice, on a page of its own (works without
    JavaScript): what was typed is saved first, so that "Reprendre la rédaction" finds it. With
    nothing typed and no draft there is nothing to give up: back to the form."""
    back = f"{thread.get_absolute_url()}#repondre" if thread else None
    if request.POST.get("confirmer"):
        services.discard_draft(request.user, group, thread)
        messages.success(request, "Votre brouillon est abandonné.")
        return redirect(back or group)
    typed = any(request.POST.get(name, "").strip() for name in ("title", "body"))
    if not typed and services.get_draft(request.user, group, thread) is None:
        return redirect(back or reverse("groups:new_thread", kwargs={"slug": group.slug}))
    # Too long to keep: the draft saved before stays.
    with suppress(ValidationError):
        services.save_draft(
            request.user,
            group,
            thread=thread,
            title="" if thread else request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            is_question=False if thread else bool(request.POST.get("is_question")),
        )
    context = _group_context(request, group, "activite")
    context.update({"thread": thread, "back": back})
    return _never_cached(render(request, "groups/thread_discard.html", context))


def _never_cached(response):
    """A page that shows a draft is asked to the server each time, the Back button included: a
    copy from the browser's cache would show an older draft, which typing would then save over
    the newer one."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def _refuse_post_unless_writable(request, group):
    """Pages members read in an archived group: writing there answers the 404 of any URL one
    may not use."""
    if request.method == "POST" and not permissions.can_post(request.user, group):
        raise Http404(permissions.NOT_FOUND)


def _add_post_error(form, error):
    """A refused attachment is reported on the file field, anything else on the message."""
    form.add_error("files" if isinstance(error, services.AttachmentError) else "body", error)


@login_required
def thread_detail(request, slug, pk):
    group, thread = permissions.get_thread_for_user_or_404(request.user, slug, pk)
    _refuse_post_unless_writable(request, group)
    if request.method == "POST" and request.POST.get("abandonner"):
        return _discard_thread_draft(request, group, thread)
    draft = services.get_draft(request.user, group, thread)
    form = ReplyForm(
        request.POST or None,
        request.FILES or None,
        group=group,
        initial={"body": draft.body} if draft else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            post = services.reply(
                thread,
                request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            _add_post_error(form, error)
        else:
            messages.success(request, "Votre réponse est publiée.")
            return redirect(post.get_absolute_url())
    services.mark_group_seen(group, request.user)
    context = _group_context(request, group, "activite")
    posts = list(
        thread.posts.select_related("author", "author__cite").prefetch_related("attachments")
    )
    if thread.solution_id:
        # The solution is shown first, right under the question.
        posts.sort(key=lambda p: (not p.is_opening, p.pk != thread.solution_id))
    context.update(
        {
            "thread": thread,
            "posts": posts,
            "form": form,
            "draft": draft,
            "draft_thread": thread,
            "can_mark_solution": permissions.can_mark_solution(request.user, thread),
        }
    )
    return _never_cached(render(request, "groups/thread.html", context))


@login_required
@require_POST
def mark_solution(request, slug, pk):
    _, thread = permissions.get_thread_for_user_or_404(request.user, slug, pk)
    if not permissions.can_mark_solution(request.user, thread):
        raise Http404(permissions.NOT_FOUND)
    post = None
    if request.POST.get("post"):
        post = thread.posts.filter(pk=request.POST["post"]).first()
        if post is None:
            raise Http404(permissions.NOT_FOUND)
    try:
        services.mark_solution(thread, post, request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request,
            "Réponse marquée comme solution." if post else "La question est de nouveau ouverte.",
        )
    # Back to the answer (or the question reopened), where writing.js puts the focus.
    return redirect((post or thread.posts.get(is_opening=True)).get_absolute_url())


def _questions_page(request, groups):
    return Paginator(
        services.unresolved_questions(groups).annotate(
            replies=Count("posts", filter=Q(posts__is_opening=False, posts__deleted_at=None))
        ),
        20,
    ).get_page(request.GET.get("page"))


@login_required
def group_questions(request, slug):
    group = permissions.get_member_group_or_404(request.user, slug)
    context = _group_context(request, group, "questions")
    context["page_obj"] = _questions_page(request, [group])
    return render(request, "groups/questions.html", context)


@login_required
def my_questions(request):
    groups = permissions.visible_groups_for(request.user).filter(memberships__user=request.user)
    return render(
        request,
        "groups/my_questions.html",
        {
            "page_obj": _questions_page(request, groups),
            "breadcrumb": [
                {"label": "Groupes", "url": reverse("groups:index")},
                {"label": "Questions sans solution"},
            ],
        },
    )


@login_required
def member_suggestions(request, slug):
    """The group's members for the editor's @ suggestions: members only, like the member list."""
    group = permissions.get_member_group_or_404(request.user, slug)
    query = " ".join(request.GET.get("q", "").split())[:60]
    # Never oneself: one does not mention oneself.
    # Accents and case ignored (« @Ines » finds Inès, « @elodie » Élodie): compared in Python, a
    # group's members are a few hundred at most.
    words = [without_accents(word).casefold() for word in query.split()]
    memberships = [
        m
        for m in Membership.objects.filter(group=group)
        .exclude(user=request.user)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
        if all(
            any(
                without_accents(name).casefold().find(word) >= 0
                for name in (m.user.first_name, m.user.last_name)
            )
            for word in words
        )
    ]
    memberships = sorted(memberships, key=lambda m: sort_key(m.user.display_name))[:8]
    response = JsonResponse(
        {
            "members": [
                {
                    "id": m.user_id,
                    "name": m.user.display_name,
                    "detail": m.user.organisation or "",
                    "url": services.mention_url(group, m.user),
                }
                for m in memberships
            ]
        }
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_POST
def save_draft(request, slug):
    """Autosave of the editor (fetch): 204 when saved, a French message otherwise."""
    group = permissions.get_member_group_or_404(request.user, slug)
    thread = None
    if request.POST.get("thread"):
        _, thread = permissions.get_thread_for_user_or_404(
            request.user, slug, request.POST["thread"]
        )
    try:
        services.save_draft(
            request.user,
            group,
            thread=thread,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            is_question=bool(request.POST.get("is_question")),
        )
    except PermissionDenied:  # an archived group: like any page one may not write to
        return JsonResponse({"error": permissions.NOT_FOUND}, status=404)
    except ValidationError as error:
        return JsonResponse({"error": _errors(error)}, status=400)
    # The time in Paris, as the page prints it, whatever the browser's time zone.
    now = timezone.localtime()
    response = JsonResponse({"saved": True, "time": f"{now.hour} h {now.minute:02d}"})
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
def attachment(request, slug, pk):
    _, attachment = permissions.get_attachment_for_user_or_404(request.user, slug, pk)
    return private_file_response(
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
    )


@login_required
def attachment_thumbnail(request, slug, pk):
    _, attachment = permissions.get_attachment_for_user_or_404(request.user, slug, pk)
    if not attachment.thumbnail:
        raise Http404(permissions.NOT_FOUND)
    return private_file_response(
        attachment.thumbnail,
        filename="miniature.jpg",
        content_type="image/jpeg",
        as_attachment=False,
    )


@login_required
@require_POST
def pin_thread(request, slug, pk):
    group, thread = permissions.get_thread_for_user_or_404(request.user, slug, pk)
    if not permissions.can_manage_group(request.user, group):
        raise Http404(permissions.NOT_FOUND)
    pinned = request.POST.get("pinned") == "1"
    services.pin_thread(thread, request.user, pinned=pinned)
    messages.success(request, "Discussion épinglée." if pinned else "Discussion désépinglée.")
    return redirect(thread)


def _post_for_user_or_404(request, slug, pk):
    group = permissions.get_member_group_or_404(request.user, slug)
    post = (
        Post.objects.select_related("thread", "thread__group")
        .filter(pk=pk, thread__group=group)
        .first()
    )
    if post is None:
        raise Http404(permissions.NOT_FOUND)
    return group, post


def _own_post_or_404(request, slug, pk):
    """Someone else's post (or a deleted one) answers like a post that does not exist."""
    group, post = _post_for_user_or_404(request, slug, pk)
    if not permissions.can_edit_post(request.user, post):
        raise Http404(permissions.NOT_FOUND)
    return group, post


@login_required
def edit_post(request, slug, pk):
    group, post = _own_post_or_404(request, slug, pk)
    thread = post.thread
    initial = {"body": post.body_html, "title": thread.title, "is_question": thread.is_question}
    form = EditPostForm(
        request.POST or None, request.FILES or None, group=group, post=post, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(
                post,
                request.user,
                body=form.cleaned_data["body"],
                title=form.cleaned_data.get("title"),
                is_question=form.cleaned_data.get("is_question") if post.is_opening else None,
                add_files=form.cleaned_data["files"],
                remove=form.cleaned_data.get("remove", ()),
            )
        except ValidationError as error:
            _add_post_error(form, error)
        else:
            messages.success(request, "Message modifié.")
            return redirect(post.get_absolute_url())
    context = _group_context(request, group, "activite")
    context.update({"form": form, "post": post, "thread": thread})
    return render(request, "groups/post_edit.html", context)


@login_required
def delete_post(request, slug, pk):
    """Asks first (a page, so it works without JavaScript); only the confirmation's POST
    deletes, a bare POST is sent to the question."""
    group, post = _own_post_or_404(request, slug, pk)
    if request.method == "POST" and request.POST.get("confirmer") == "1":
        services.delete_post(post, request.user)
        messages.success(request, "Message supprimé.")
        return redirect(post.get_absolute_url())
    if request.method == "POST":
        return redirect("groups:delete_post", slug=group.slug, pk=post.pk)
    context = _group_context(request, group, "activite")
    context.update({"post": post, "thread": post.thread})
    return render(request, "groups/post_delete.html", context)


@login_required
@require_POST
def hide_post(request, slug, pk):
    _, post = _post_for_user_or_404(request, slug, pk)
    if not permissions.can_moderate_post(request.user, post):
        raise Http404(permissions.NOT_FOUND)
    hidden = request.POST.get("hidden") == "1"
    services.hide_post(post, request.user, hidden=hidden)
    messages.success(request, "Message masqué." if hidden else "Message de nouveau visible.")
    return redirect(post.get_absolute_url())


@login_required
def report_post(request, slug, pk):
    group, post = _post_for_user_or_404(request, slug, pk)
    # One's own message is not reported (the button is not shown): the same 404 as a message
    # that does not exist, so that no animateur gets a report from its author.
    if post.author_id == request.user.pk:
        raise Http404(permissions.NOT_FOUND)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.report_post(post, request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "Merci : les animateurs du groupe ont été prévenus.")
        return redirect(post.get_absolute_url())
    context = _group_context(request, group, "activite")
    context.update({"form": form, "post": post, "thread": post.thread})
    return render(request, "groups/post_report.html", context)


@login_required
def documents(request, slug):
    group = permissions.get_member_group_or_404(request.user, slug)
    _refuse_post_unless_writable(request, group)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                document = services.upload_document(
                    group,
                    request.user,
                    uploaded=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    folder=form.cleaned_data["folder"],
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, f"Document « {document.title} » déposé.")
                return redirect("groups:documents", slug=group.slug)
        messages.error(request, "Le document n'a pas été déposé : corrigez les erreurs indiquées.")
    folder = request.GET.get("dossier", "")
    docs = group.documents.annotate(
        last_number=Max("versions__number"), last_upload=Max("versions__uploaded_at")
    ).prefetch_related(Prefetch("versions", queryset=DocumentVersion.objects.defer("text")))
    folders = (
        group.documents.exclude(folder="")
        .values_list("folder", flat=True)
        .distinct()
        .order_by("folder")
    )
    if folder:
        # An unknown folder is a 404, not an empty list titled after it.
        if folder not in folders:
            raise Http404("Ce dossier n'existe pas.")
        docs = docs.filter(folder=folder)
    context = _group_context(request, group, "documents")
    context.update(
        {
            "form": form,
            "documents": docs,
            "folders": folders,
            "current_folder": folder,
            # Paginated: a group's attachments run into the hundreds (walk 12g).
            "attachments": Paginator(services.visible_attachments(group), 20).get_page(
                request.GET.get("page")
            ),
        }
    )
    return render(request, "groups/documents.html", context)


@login_required
def document_detail(request, slug, pk):
    group, document = permissions.get_document_for_user_or_404(request.user, slug, pk)
    _refuse_post_unless_writable(request, group)
    form = VersionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_version(
                    document,
                    request.user,
                    uploaded=form.cleaned_data["file"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, "Nouvelle version déposée.")
                return redirect(document)
        messages.error(request, "La version n'a pas été déposée : corrigez les erreurs indiquées.")
    versions = list(
        document.versions.select_related("uploaded_by")
        .defer("text")
        .annotate(has_text=ExpressionWrapper(~Q(text=""), output_field=BooleanField()))
    )
    context = _group_context(request, group, "documents")
    context.update(
        {
            "document": document,
            "versions": versions,
            "latest": versions[0] if versions else None,
            "form": form,
            "can_propose": bool(versions) and library_destination() is not None,
            "library_status": (
                library_status(services.library_source_key(versions[0])) if versions else ""
            ),
        }
    )
    return render(request, "groups/document.html", context)


@login_required
def propose_document(request, slug, pk):
    """Propose the document to the national library (groups.registry): members who may post,
    when the host registered a destination; everyone else gets the 404 of a missing page."""
    group, document = permissions.get_document_for_user_or_404(request.user, slug, pk)
    latest = document.versions.defer("text").first()
    if (
        library_destination() is None
        or latest is None
        or not permissions.can_post(request.user, group)
    ):
        raise Http404(permissions.NOT_FOUND)
    form = LibraryProposalForm(
        request.POST or None,
        document=document,
        kinds=library_kinds(),
        initial={"version": latest.number},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.propose_to_library(
                    document,
                    form.cleaned_data["version"],
                    request.user,
                    description=form.cleaned_data["description"],
                    themes=form.cleaned_data["themes"],
                    kind=form.cleaned_data.get("kind"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    "Merci ! Le document a été proposé à la bibliothèque nationale : l'équipe ANCT "
                    "le relit avant publication. Le document du groupe reste inchangé.",
                )
                return redirect(document)
        messages.error(request, "Le document n'a pas été proposé : corrigez les erreurs indiquées.")
    context = _group_context(request, group, "documents")
    # A version already proposed is said upfront, instead of a form refused once filled in.
    context.update(
        {
            "document": document,
            "latest": latest,
            "form": form,
            "library_status": library_status(services.library_source_key(latest)),
        }
    )
    return render(request, "groups/document_propose.html", context)


@login_required
def download(request, slug, pk, number):
    _, document = permissions.get_document_for_user_or_404(request.user, slug, pk)
    version = document.versions.defer("text").filter(number=number).first()
    if version is None:
        raise Http404(permissions.NOT_FOUND)
    return private_file_response(
        version.file, filename=version.original_name, content_type=version.content_type
    )


@login_required
def activity_json(request, slug):
    group = permissions.get_member_group_or_404(request.user, slug)
    activities = group.activities.select_related("actor")[:50]
    data = {
        "group": {"slug": group.slug, "name": group.name, "kind": group.kind},
        "activity": [
            {
                "verb": a.verb,
                "label": a.get_verb_display(),
                "actor": a.actor.display_name if a.actor else "Compte supprimé",
                "title": a.target_title,
                "url": a.target_url,
                "created_at": a.created_at.isoformat(),
            }
            for a in activities
        ],
    }
    response = JsonResponse(data)
    patch_cache_control(response, private=True, no_store=True)
    return response
