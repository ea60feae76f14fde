from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cafes_cites.models import Registration
from cafes_cites.permissions import can_see_video_link
from cafes_cites.services import wants_reminders
from cites.models import Cite
from commons.http import client_ip
from espace import services
from espace.forms import PreferencesForm
from espace.registry import home_sections
from groups import queries as group_queries
from groups import wording
from groups.models import Membership
from notifications.services import visible_notifications
from ressources import services as ressources_services
from ressources.models import RessourcePage
from ressources.permissions import can_give_suggestion_feedback, can_see_suggestions
from ressources.suggestions import just_dismissed, suggestions_for
from themes.models import Theme

SESSIONS_SHOWN = 5
# "Nouveautés" go back this far at most: older unread lines are history, not news.
ACTIVITY_HORIZON = timedelta(days=30)
NOTIFICATIONS_SHOWN = 5


def _next_registrations(user, now):
    registrations = list(
        Registration.objects.filter(user=user, session__end__gt=now, session__is_cancelled=False)
        .select_related("session")
        .order_by("session__start", "session__pk")[:SESSIONS_SHOWN]
    )
    for registration in registrations:
        registration.video_link_open = can_see_video_link(
            user, registration.session, registration=registration, now=now
        )
    return registrations


def _cite_pages(user):
    """The user's cité: its public page (when published) and the resources about it."""
    if not user.cite_id:
        return None, []
    cite = Cite.objects.filter(pk=user.cite_id).first()
    if cite is None:
        return None, []
    pages = list(RessourcePage.objects.live().filter(cite=cite).order_by("-first_published_at")[:5])
    return cite, pages


# Notifications about what happens in a group's discussions and documents: they belong with the
# group news even when no activity line matches them (older than the lines shown, say).
GROUP_ACTIVITY_KINDS = {"thread", "reply", "mention", "solution", "document"}


@dataclass
class NewsLine:
    """A line of "Nouveautés de mes groupes": one sentence (groups.wording), then its group and
    date once."""

    sentence: str
    group: str
    at: object
    url: str = ""
    count: int = 1
    badge: str = ""
    names: list = field(default_factory=list)  # who joined the group


def _news_lines(notifications, activity):
    """Each unread item once: a notification about a line of "Nouveautés de mes groupes" (a new
    discussion, a reply, a document: the same URL; a mention in an opening message: the
    discussion's URL plus an anchor) goes on that line, opened through the notification (which
    marks it read), worded after its kind. Other group activity goes under the group news too,
    the notifications of the same title in one line with their number; the rest stays under
    "Mes autres notifications". Contents come first, the newest first; members who joined a
    group are summed up after them, one line per group. Returns (others, news lines)."""
    lines = {line.target_url: line for line in activity if line.target_url}
    threads = {
        line.target_url: line
        for line in activity
        if line.target_url and line.verb == line.Verb.THREAD
    }
    others, grouped = [], {}
    for notification in notifications:
        line = lines.get(notification.url) or threads.get(notification.url.split("#", 1)[0])
        if line is None:
            if notification.kind in GROUP_ACTIVITY_KINDS:
                key = (notification.source_key, notification.title)
                entry = grouped.setdefault(key, {"notification": notification, "count": 0})
                entry["count"] += 1  # newest first: the first one is the one opened
            else:
                others.append(notification)
        elif getattr(line, "notification", None) is None or notification.kind == "mention":
            line.notification = notification  # a mention says more than "new reply"
    contents, joined = [], {}
    for line in activity:
        actor = line.actor.display_name if line.actor else ""
        if line.verb == line.Verb.JOINED:
            entry = joined.setdefault(line.group_id, NewsLine("", line.group.name, line.created_at))
            entry.names.append(actor or wording.DELETED_ACCOUNT)
            continue
        notification = getattr(line, "notification", None)
        kind = "mention" if notification and notification.kind == "mention" else line.verb
        contents.append(
            NewsLine(
                wording.sentence(kind, actor=actor, title=line.target_title),
                line.group.name,
                line.created_at,
                url=reverse("notifications:open", args=[notification.pk])
                if notification
                else line.target_url,
                badge="Discussion à laquelle vous participez"
                if notification and notification.kind == "reply"
                else "",
            )
        )
    for entry in list(grouped.values())[:NOTIFICATIONS_SHOWN]:
        notification = entry["notification"]
        contents.append(
            NewsLine(
                notification.title,
                notification.source_label,
                notification.created_at,
                url=reverse("notifications:open", args=[notification.pk]),
                count=entry["count"],
            )
        )
    contents.sort(key=lambda news: news.at, reverse=True)
    for entry in joined.values():
        entry.sentence = wording.joined(list(dict.fromkeys(entry.names)))
    return others[:NOTIFICATIONS_SHOWN], contents + list(joined.values())


def _oldest_mark(memberships, now):
    marks = [m.last_seen_at or m.joined_at for m in memberships]
    return max(min(marks, default=now), now - ACTIVITY_HORIZON)


@login_required
def home(request):
    """Where people land after logging in. A fixed number of queries whatever the number of
    groups and activity lines (tests/espace/test_espace.py, bench/inbox.py)."""
    user = request.user
    now = timezone.now()
    memberships = list(group_queries.memberships_with_unread(user))
    cite, cite_pages = _cite_pages(user)
    cite_group = next((m.group for m in memberships if cite and m.group.cite_id == cite.pk), None)
    activity = list(group_queries.unread_activity(user, since=_oldest_mark(memberships, now)))
    # Enough unread notifications to fill the block once those shown as "Nouveautés" are set
    # aside (one query whatever the number).
    notifications = list(
        visible_notifications(user).unread()[: NOTIFICATIONS_SHOWN + len(activity)]
    )
    others, news = _news_lines(notifications, activity)
    context = {
        "memberships": memberships,
        "unread_cap": group_queries.UNREAD_CAP,
        "news": news,
        "questions": list(group_queries.waiting_questions(user)),
        "registrations": _next_registrations(user, now),
        "notifications": others,
        "home_sections": home_sections(user, cite),
        "cite": cite,
        "cite_group": cite_group,
        "cite_pages": cite_pages,
        # « Pour ma cité »: None (no section) for people without a cité.
        "suggestions": suggestions_for(cite, user, request=request)
        if cite and can_see_suggestions(user, cite)
        else None,
        "suggestions_feedback": bool(cite) and can_give_suggestion_feedback(user, cite),
        "just_dismissed": just_dismissed(cite, user, request=request) if cite else [],
        "followed_fiches": ressources_services.followed_fiches(user, request=request),
        "preferences_path": settings.NOTIFICATIONS_PREFERENCES_PATH,
        "demo_outbox": settings.DEBUG
        and settings.EMAIL_BACKEND == "notifications.outbox.DatabaseEmailBackend",
    }
    return render(request, "espace/home.html", context)


@login_required
def preferences(request):
    user = request.user
    memberships = (
        Membership.objects.filter(user=user, group__is_archived=False)
        .select_related("group")
        .order_by("group__kind", "group__name")
    )
    bulletin_state, bulletin_pending_since = services.bulletin_state(user)
    initial = {
        "reminders": wants_reminders(user),
        # A request awaiting its confirmation stays ticked: the choice was taken into account.
        "bulletin": bulletin_state != "none",
        "library": ressources_services.library_email_mode(user),
        "bulletin_themes": sorted(subscriber.chosen_theme_slugs())
        if (subscriber := services.bulletin_subscriber(user))
        # Pending: the champs asked for, retained until the link is followed.
        else (ressources_services.pending_subscription_themes(user.email) or [])
        if bulletin_state == "pending"
        else [],
    }
    form = PreferencesForm(request.POST or None, memberships=memberships, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            notes = services.save_preferences(
                user,
                group_modes=form.group_modes(),
                reminders=form.cleaned_data["reminders"],
                bulletin=form.cleaned_data["bulletin"],
                library=form.cleaned_data["library"] or None,
                ip=client_ip(request),
                bulletin_themes=form.bulletin_theme_slugs(),
            )
            # Focused on the next page (error_summary.js): the outcome is read out at once.
            messages.success(
                request,
                "Vos préférences de notification sont enregistrées.",
                extra_tags="cde-focus",
            )
            for note in notes:
                messages.info(request, note)
            return redirect("espace:preferences")
        messages.error(
            request, "Vos préférences n'ont pas été enregistrées : corrigez le formulaire."
        )
    context = {
        "form": form,
        "bulletin_pending_since": bulletin_pending_since,
        "bulletin_pending_themes": bulletin_state == "pending"
        and list(
            Theme.objects.filter(
                slug__in=ressources_services.pending_subscription_themes(user.email) or []
            )
            .ordered()
            .values_list("label", flat=True)
        ),
        "bulletin_email": user.email,
    }
    return render(request, "espace/preferences.html", context)
