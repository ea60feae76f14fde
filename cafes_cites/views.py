from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cafes_cites import permissions, services
from cafes_cites.ics import build_calendar
from cafes_cites.models import (
    CalendarToken,
    ChatMessage,
    Registration,
    RegistrationStatus,
    Session,
    SessionStatus,
)
from cafes_cites.registry import question_destination
from commons.pagination import page_or_404
from themes.models import Theme

PAST_PAGE_SIZE = 12


def agenda(request):
    now = timezone.now()
    themes = Theme.objects.ordered()
    theme = themes.filter(slug=request.GET.get("theme", "")).first()
    invalid_theme = bool(request.GET.get("theme")) and theme is None
    sessions = Session.objects.prefetch_related("themes", "speakers")
    if theme:
        sessions = sessions.filter(themes=theme)
    upcoming = list(sessions.upcoming(now))
    past = page_or_404(Paginator(sessions.past(now), PAST_PAGE_SIZE), request.GET.get("page"))
    registrations = {}
    feed_url = ""
    if request.user.is_authenticated:
        registrations = dict(
            Registration.objects.filter(
                user=request.user, session__in=[s.pk for s in upcoming]
            ).values_list("session_id", "status")
        )
        token = CalendarToken.objects.filter(user=request.user).first()
        if token:
            feed_url = request.build_absolute_uri(
                reverse("cafes_cites:my_feed", kwargs={"token": token.token})
            )
    for session in upcoming:
        session.my_status = registrations.get(session.pk)
    context = {
        "themes": themes,
        "theme": theme,
        "invalid_theme": invalid_theme,
        "upcoming": upcoming,
        "page_obj": past,
        "past": past.object_list,
        "feed_url": feed_url,
        "public_feed_url": request.build_absolute_uri(reverse("cafes_cites:feed")),
        "breadcrumb": [{"label": "Cafés-cités"}],
    }
    return render(request, "cafes_cites/agenda.html", context)


def session_detail(request, pk):
    session = permissions.get_session_for_user_or_404(request.user, pk)
    now = timezone.now()
    registration = permissions.registration_for(request.user, session)
    status = session.status_at(now)
    context = {
        "session": session,
        "status": status,
        "speakers": session.speakers.all(),
        "themes": session.themes.ordered(),
        "documents": session.documents.select_related("document"),
        "registration": registration,
        "can_register": permissions.can_register(request.user, session, now),
        "show_video_link": permissions.can_see_video_link(request.user, session, registration, now),
        "confirmed_count": session.registrations.filter(
            status=RegistrationStatus.CONFIRMED
        ).count(),
        "waiting_position": _waiting_position(registration),
        "chat_enabled": permissions.can_read_chat(request.user, session)
        and status != SessionStatus.TERMINE
        and not session.is_cancelled,
        "chat_open": session.chat_is_open(now),
        "can_moderate": permissions.can_moderate_chat(request.user, session),
        "can_promote_questions": question_destination() is not None,
        "chat_url": session.chat_path if request.user.is_authenticated else "",
        "archive": services.chat_archive(session)
        if status == SessionStatus.TERMINE and permissions.can_read_chat(request.user, session)
        else None,
        "breadcrumb": [
            {"label": "Cafés-cités", "url": reverse("cafes_cites:agenda")},
            {"label": session.label},
        ],
    }
    return render(request, "cafes_cites/session_detail.html", context)


def _waiting_position(registration):
    if registration is None or registration.status != RegistrationStatus.WAITING:
        return None
    return (
        Registration.objects.filter(
            session_id=registration.session_id,
            status=RegistrationStatus.WAITING,
            created_at__lte=registration.created_at,
        ).count()
        or 1
    )


@login_required
@require_POST
def register_view(request, pk):
    session = permissions.get_session_for_user_or_404(request.user, pk)
    try:
        registration = services.register(request.user, session)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        if registration.status == RegistrationStatus.CONFIRMED:
            messages.success(
                request,
                "Votre inscription est confirmée. Un courriel avec l'invitation au format "
                "calendrier vous a été envoyé.",
            )
        else:
            messages.info(
                request,
                "La séance est complète : vous êtes sur la liste d'attente. Vous serez prévenu "
                "par courriel si une place se libère.",
            )
    return redirect(session.get_absolute_url())


@login_required
def unregister_view(request, pk):
    """GET asks for confirmation (a page of its own: no JavaScript needed), POST cancels."""
    session = permissions.get_session_for_user_or_404(request.user, pk)
    registration = permissions.registration_for(request.user, session)
    if request.method != "POST":
        if registration is None:
            return redirect(session.get_absolute_url())
        context = {
            "session": session,
            "registration": registration,
            "breadcrumb": [
                {"label": "Cafés-cités", "url": reverse("cafes_cites:agenda")},
                {"label": session.label, "url": session.get_absolute_url()},
                {"label": "Annuler mon inscription"},
            ],
        }
        return render(request, "cafes_cites/unregister_confirm.html", context)
    if registration is not None:
        services.unregister(request.user, session)
        messages.success(
            request,
            "Votre inscription est annulée. Un courriel avec l'annulation au format calendrier "
            "vous a été envoyé pour retirer la séance de votre agenda.",
            extra_tags="cde-focus",
        )
    return redirect(session.get_absolute_url())


def _calendar_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def session_ics(request, pk):
    session = permissions.get_session_for_user_or_404(request.user, pk)
    return _calendar_response(build_calendar([session], session.label), f"cafe-cite-{pk}.ics")


def feed_all(request):
    sessions = Session.objects.order_by("start")
    return _calendar_response(build_calendar(sessions, "Cafés-cités"), "cafes-cites.ics")


def feed_mine(request, token):
    """Private feed: the secret token is the only credential (calendar apps send no cookie)."""
    owner = CalendarToken.objects.filter(token=token).select_related("user").first()
    if owner is None or not owner.user.is_active:
        raise Http404("Ce calendrier n'existe pas.")
    sessions = Session.objects.filter(registrations__user=owner.user).order_by("start")
    response = _calendar_response(
        build_calendar(sessions, "Mes cafés-cités"), "mes-cafes-cites.ics"
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_POST
def regenerate_feed_token(request):
    services.regenerate_calendar_token(request.user)
    messages.success(
        request,
        "Votre lien d'abonnement personnel a été créé. Tout ancien lien ne fonctionne plus.",
    )
    return redirect("cafes_cites:agenda")


@login_required
@require_POST
def promote_question(request, pk, message_id):
    session = permissions.get_session_for_user_or_404(request.user, pk)
    message = get_object_or_404(ChatMessage, pk=message_id, session=session)
    try:
        thread_url = services.promote_question_to_thread(message, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(session.get_absolute_url())
    messages.success(request, "La question est devenue une discussion du groupe Opérateurs.")
    return redirect(thread_url)
