import mimetypes
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail import views as wagtail_views
from wagtail.images import get_image_model

from cites.models import Cite
from commons.http import client_ip
from commons.pagination import page_or_404
from ressources import services, suggestions
from ressources.forms import ActionProposalForm, ProposalKindForm, SubscriptionForm
from ressources.models import (
    REGION_CHOICES,
    ActionInspirantePage,
    BulletinIndexPage,
    BulletinPage,
    BulletinSending,
    FicheDispositifPage,
    LibraryProposal,
    ParcoursBeneficiairePage,
    PortraitCitePage,
    ProposalStatus,
    RessourcePage,
    RessourcesIndexPage,
)
from ressources.permissions import (
    _covering_restrictions,
    can_give_suggestion_feedback,
    can_manage_bulletin,
    can_propose_action,
    can_review_proposals,
    can_see_suggestions,
    can_view_page,
    image_is_hidden_from,
    visible_pages,
)
from ressources.suggestions import suggestion_anchor
from themes.models import PublicCible, Theme

PAGE_SIZE = 20
TYPES = {
    "fiche": FicheDispositifPage,
    "action": ActionInspirantePage,
    "portrait": PortraitCitePage,
    "parcours": ParcoursBeneficiairePage,
}
SORTS = {"date": ("-date", "title"), "titre": ("title",)}
# facet key -> (label, lookup used to filter and to count)
FACETS = {
    "theme": ("Champ d'action", "themes__slug"),
    "type": ("Type de ressource", "content_type"),
    "region": ("Région", "region"),
    "cite": ("Cité de l'emploi", "cite__slug"),
    "public": ("Public cible", "publics_cibles__slug"),
}
# The first option of each filter: no filter on that facet.
FACET_ALL = {
    "theme": "Tous les champs d'action",
    "type": "Tous les types",
    "region": "Toutes les régions",
    "cite": "Toutes les cités",
    "public": "Tous les publics",
}


def _type_content_types():
    # ContentType lookups are cached by Django: no query after the first request.
    return {key: ContentType.objects.get_for_model(model).pk for key, model in TYPES.items()}


def _facet_choices():
    return {
        "theme": [(t.slug, t.short_label) for t in Theme.objects.ordered()],
        "type": [
            (key, model._meta.verbose_name_plural.capitalize()) for key, model in TYPES.items()
        ],
        "region": list(REGION_CHOICES),
        "cite": list(
            Cite.objects.published().order_by("short_name").values_list("slug", "short_name")
        ),
        "public": list(PublicCible.objects.values_list("slug", "label")),
    }


def _apply(queryset, filters, skip=None):
    content_types = _type_content_types()
    for key, value in filters.items():
        if key == skip:
            continue
        lookup = FACETS[key][1]
        queryset = queryset.filter(**{lookup: content_types[value] if key == "type" else value})
    return queryset


def library_context(library, request):
    """Filters, counts per filter value and one page of results: a constant number of queries
    however many ressources there are (one aggregate query per facet)."""
    choices = _facet_choices()
    filters, invalid = {}, False
    for key in FACETS:
        value = request.GET.get(key, "")
        if not value:
            continue
        if value in dict(choices[key]):
            filters[key] = value
        else:
            invalid = True
    sort = request.GET.get("tri", "date")
    if sort not in SORTS:
        sort, invalid = "date", True

    base = visible_pages(RessourcePage.objects.live().child_of(library), request.user)
    type_keys = {pk: key for key, pk in _type_content_types().items()}
    facets = []
    for key, (label, lookup) in FACETS.items():
        rows = (
            _apply(base, filters, skip=key)
            .order_by()
            .values(lookup)
            .annotate(n=Count("pk", distinct=True))
            .values_list(lookup, "n")
        )
        counts = {(type_keys.get(v) if key == "type" else v): n for v, n in rows}
        facets.append(
            {
                "key": key,
                "label": label,
                "all_label": FACET_ALL[key],
                "selected": filters.get(key, ""),
                "options": [(v, text, counts.get(v, 0)) for v, text in choices[key]],
            }
        )

    results = _apply(base, filters).order_by(*SORTS[sort])
    results = results.annotate(members_only=_members_only()).select_related("cite")
    page_obj = page_or_404(Paginator(results, PAGE_SIZE), request.GET.get("page"))
    items = list(page_obj.object_list.prefetch_related("themes"))
    type_labels = {
        pk: TYPES[key]._meta.verbose_name.capitalize() for key, pk in _type_content_types().items()
    }
    for item in items:
        item.type_label = type_labels.get(item.content_type_id, "")
    query = request.GET.copy()
    query.pop("page", None)
    # The active filters and a non-default order in the <title>: each filtered list has its own.
    title_filters = [dict(choices[key])[value] for key, value in filters.items()]
    if sort != "date":
        title_filters.append("par titre")
    return {
        "title_filters": ", ".join(title_filters),
        "facets": facets,
        "filters": filters,
        "invalid_filter": invalid,
        "sort": sort,
        "page_obj": page_obj,
        "items": items,
        "querystring": query.urlencode(),
        "can_propose": can_propose_action(request.user),
    }


def _members_only():
    from django.db.models import Exists

    return Exists(_covering_restrictions())


def bulletin_archive_context(archive, request):
    bulletins = visible_pages(BulletinPage.objects.live().child_of(archive), request.user).order_by(
        "-number"
    )
    page_obj = Paginator(bulletins, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page_obj": page_obj,
        "bulletins": page_obj.object_list,
        "can_manage": can_manage_bulletin(request.user),
    }


def _serve_page_of_type(request, model):
    """The library pages are Wagtail pages; their URL names (used by the main navigation)
    serve them in place when the page sits at this path, and redirect otherwise."""
    page = model.objects.live().first()
    if page is None:
        raise Http404
    url = page.get_url(request)
    if url != request.path:
        return redirect(url)
    return wagtail_views.serve(request, request.path.lstrip("/"))


def library(request):
    return _serve_page_of_type(request, RessourcesIndexPage)


def bulletins(request):
    return _serve_page_of_type(request, BulletinIndexPage)


# --- Feeds: what an anonymous reader may see, whoever fetches them ----------------------------


class BulletinFeed(Feed):
    feed_type = Atom1Feed
    title = "Bulletin de veille des cités de l'emploi"
    subtitle = "L'actualité de l'emploi dans les quartiers, sélectionnée par l'ANCT."

    def link(self):
        return reverse("ressources:bulletins")

    def items(self):
        pages = BulletinPage.objects.live()
        return visible_pages(pages, AnonymousUser()).order_by("-number")[:30]

    def item_title(self, item):
        return f"n° {item.number} — {item.title}"

    def item_description(self, item):
        return item.intro

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at


class LibraryFeed(Feed):
    feed_type = Atom1Feed
    title = "Ressources des cités de l'emploi"
    subtitle = "Fiches dispositifs, actions inspirantes, portraits et parcours."

    def link(self):
        return reverse("ressources:index")

    def items(self):
        pages = RessourcePage.objects.live()
        return visible_pages(pages, AnonymousUser()).order_by("-first_published_at")[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at


# --- Subscription ------------------------------------------------------------------------------


def subscribe(request):
    # A logged-in person most likely subscribes their account's address.
    initial = {"email": request.user.email} if request.user.is_authenticated else {}
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_subscription_rate(form.cleaned_data["email"], client_ip(request))
        except services.TooManyRequests as refusal:
            form.add_error(None, str(refusal))
            return render(request, "ressources/subscribe.html", {"form": form}, status=429)
        services.request_subscription(form.cleaned_data["email"], form.theme_slugs())
        messages.success(
            request,
            f"Un courriel vient d'être envoyé à {form.cleaned_data['email']} : suivez le lien "
            "qu'il contient pour confirmer votre abonnement.",
            extra_tags="cde-focus",  # focused on the next page (error_summary.js)
        )
        return redirect("ressources:bulletins")
    return render(request, "ressources/subscribe.html", {"form": form})


def confirm(request, token):
    data = services.read_subscription_token(token)
    if data is None:
        return render(request, "ressources/link_invalid.html", status=400)
    email, theme_slugs = data
    if request.method == "POST":
        services.confirm_subscription(email, theme_slugs)
        messages.success(
            request, "Votre abonnement au bulletin de veille est confirmé.", extra_tags="cde-focus"
        )
        return redirect("ressources:bulletins")
    themes = Theme.objects.filter(slug__in=theme_slugs or []).ordered()
    return render(
        request,
        "ressources/confirm.html",
        {"email": email, "themes": themes, "all_themes": theme_slugs is None},
    )


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a CSRF token; the token is the proof
def unsubscribe(request, token):
    if request.method == "POST":
        subscriber = services.unsubscribe(token)
        if subscriber is None:
            return render(request, "ressources/link_invalid.html", status=400)
        return render(request, "ressources/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "ressources/unsubscribe.html", {"token": token})


# --- Proposals ---------------------------------------------------------------------------------


@login_required
def propose_action(request):
    if not can_propose_action(request.user) or not RessourcesIndexPage.objects.exists():
        raise Http404
    form = ActionProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.propose_action(request.user, form.cleaned_data)
        messages.success(
            request,
            "Merci ! Votre action a été transmise à l'équipe nationale : elle sera publiée après "
            "relecture.",
        )
        return redirect("ressources:index")
    return render(request, "ressources/propose.html", {"form": form, "cite": request.user.cite})


# --- « Pour ma cité » ----------------------------------------------------------------------------

SUGGESTIONS_NOT_FOUND = "Cette page n'existe pas ou vous n'y avez pas accès."
SUGGESTIONS_LISTED = 20


def _cite_for_suggestions_or_404(user, slug, check):
    """Private and absent are the same 404: a cité's suggestions are its team's and ANCT's."""
    cite = Cite.objects.filter(slug=slug).first()
    if cite is None or not check(user, cite):
        raise Http404(SUGGESTIONS_NOT_FOUND)
    return cite


@login_required
def cite_suggestions(request, slug):
    cite = _cite_for_suggestions_or_404(request.user, slug, can_see_suggestions)
    context = {
        "cite": cite,
        "suggestions": suggestions.suggestions_for(
            cite, request.user, limit=SUGGESTIONS_LISTED, request=request
        ),
        "can_feedback": can_give_suggestion_feedback(request.user, cite),
        "just_dismissed": suggestions.just_dismissed(cite, request.user, request=request),
        "dismissed": suggestions.dismissed_for(cite, request.user, request=request),
        "breadcrumb": [
            {"label": "Cités", "url": reverse("cites:directory")},
            {"label": cite.short_name, "url": cite.get_absolute_url()},
            {"label": "Pour ma cité"},
        ],
    }
    return render(request, "ressources/cite_suggestions.html", context)


def _feedback_target(post):
    """(kind, target id, useful) from the form, or None when the form was tampered with."""
    target, useful = post.get("target", ""), post.get("useful", "")
    if not target.isdigit() or len(target) > 18 or useful not in ("1", "0"):
        return None
    return post.get("kind", ""), int(target), useful == "1"


# --- Followed fiches ----------------------------------------------------------------------------


def _visible_fiche_or_404(user, page_id):
    """A live fiche the user may read; anything else (absent, draft, reserved) is the same 404."""
    fiche = FicheDispositifPage.objects.live().filter(pk=page_id).first()
    if fiche is None or not can_view_page(user, fiche):
        raise Http404
    return fiche


@login_required
@require_POST
def suggestion_feedback(request, slug):
    """ "Utile / pas utile" from a plain form (no JavaScript needed); back to where it was given."""
    cite = _cite_for_suggestions_or_404(request.user, slug, can_give_suggestion_feedback)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("ressources:cite_suggestions", args=[cite.slug])
    if request.POST.get("annuler") in ("1", "utile"):
        return _withdraw_feedback(request, cite, back)
    parsed = _feedback_target(request.POST)
    if parsed is None:
        messages.error(request, "Avis non reconnu : votre avis n'a pas été enregistré.")
        return redirect(back)
    kind, target_id, useful = parsed
    try:
        services.give_suggestion_feedback(cite, request.user, kind, target_id, useful)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(back)
    if useful:
        messages.success(
            request,
            "Merci : cette suggestion est notée utile pour votre cité.",
            extra_tags=f"cde-inline {suggestion_anchor(kind, target_id)}",
        )
        return redirect(_at_suggestion(back, kind, target_id))
    # « Pas utile »: the suggestion leaves the list; its outcome, with « Annuler », is drawn in
    # the notice just above the suggestions (suggestion_undo.html), where the page comes back.
    messages.success(
        request,
        "C'est noté : cette suggestion ne sera plus proposée à votre cité. « Annuler » la rétablit.",
        extra_tags=f"cde-inline {suggestion_anchor(kind, target_id)}",
    )
    return redirect(_at_suggestion(back, kind, target_id))


def _at_suggestion(back, kind, target_id):
    """`back` anchored on the outcome message shown inside the suggestion that was judged (still
    listed, « Utile » pressed or not; its message tagged "cde-inline <anchor>", see
    suggestion_list.html): the page comes back where the person was, not at its top, and the
    browser focuses that message (a focusable fragment target; error_summary.js too)."""
    return urlsplit(back)._replace(fragment=f"{suggestion_anchor(kind, target_id)}-retour").geturl()


def _withdraw_feedback(request, cite, back):
    target = request.POST.get("target", "")
    if not target.isdigit() or len(target) > 18:
        messages.error(request, "Suggestion non reconnue : rien n'a été modifié.")
        return redirect(back)
    try:
        withdrawn = services.withdraw_suggestion_feedback(
            cite, request.user, request.POST.get("kind", ""), int(target)
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(back)
    if withdrawn and request.POST.get("annuler") == "utile":
        messages.success(
            request,
            "C'est annulé : cette suggestion n'est plus notée utile.",
            extra_tags=f"cde-inline {suggestion_anchor(request.POST.get('kind', ''), int(target))}",
        )
        return redirect(_at_suggestion(back, request.POST.get("kind", ""), int(target)))
    elif withdrawn:
        messages.success(
            request,
            "C'est annulé : cette suggestion est de nouveau proposée.",
            extra_tags="cde-focus",
        )
    else:
        messages.info(
            request,
            "Cette suggestion n'était pas écartée : rien n'a été modifié.",
            extra_tags="cde-focus",
        )
    return redirect(back)


@login_required
@require_POST
def follow_fiche(request, page_id):
    fiche = _visible_fiche_or_404(request.user, page_id)
    services.follow_fiche(request.user, fiche)
    messages.success(
        request,
        "Vous suivez cette fiche : vous serez prévenu(e) de ses modifications importantes.",
        extra_tags="cde-focus",  # the outcome is read out, not the top of the page
    )
    return redirect(fiche.url)


@login_required
@require_POST
def unfollow_fiche(request, page_id):
    fiche = _visible_fiche_or_404(request.user, page_id)
    services.unfollow_fiche(request.user, fiche)
    messages.success(
        request, f"Vous ne suivez plus la fiche « {fiche.title} ».", extra_tags="cde-focus"
    )
    # From Mon espace's « Fiches suivies », back there; otherwise to the fiche.
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = fiche.url
    return redirect(back)


# --- Proposals from groups (ANCT) ----------------------------------------------------------------


@login_required
def change_proposal_kind(request, proposal_id):
    """ANCT turns a proposal under review into another page type; everyone else, and a missing
    proposal, get the same 404."""
    if not can_review_proposals(request.user):
        raise Http404
    proposal = get_object_or_404(
        LibraryProposal.objects.select_related("page", "proposer"), pk=proposal_id
    )
    current = services.proposal_kind_of(proposal.page)
    form = ProposalKindForm(
        request.POST or None, kinds=services.proposal_kinds(), initial={"kind": current}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                page = services.change_proposal_kind(
                    proposal, form.cleaned_data["kind"], request.user
                )
            except ValidationError as error:
                form.add_error("kind", error)
            else:
                messages.success(
                    request,
                    f"La proposition est maintenant : {page.specific_class._meta.verbose_name}. "
                    "Complétez ses champs avant de la publier.",
                )
                return redirect("wagtailadmin_pages:edit", page.pk)
        messages.error(request, "Le type n'a pas été changé : corrigez les erreurs indiquées.")
    context = {
        "proposal": proposal,
        "form": form,
        "current_label": proposal.page.specific_class._meta.verbose_name,
        "can_change": proposal.status == ProposalStatus.PENDING
        and not proposal.page.first_published_at,
    }
    return render(request, "ressources/proposal_kind.html", context)


# --- Sending (ANCT) ----------------------------------------------------------------------------


def _require_bulletin_manager(request):
    if not can_manage_bulletin(request.user):
        raise Http404


def sendings(request):
    _require_bulletin_manager(request)
    rows = []
    sendings_by_bulletin = {s.bulletin_id: s for s in BulletinSending.objects.all()}
    for bulletin in BulletinPage.objects.live().order_by("-number"):
        sending = sendings_by_bulletin.get(bulletin.pk)
        concerned, left_out = services.audience(bulletin, sending)
        rows.append(
            {
                "bulletin": bulletin,
                "sending": sending,
                "progress": services.sending_progress(sending) if sending else None,
                "recipients": concerned,
                "left_out": left_out,
            }
        )
    return render(request, "ressources/sendings.html", {"rows": rows})


def sending_detail(request, bulletin_id):
    _require_bulletin_manager(request)
    bulletin = get_object_or_404(BulletinPage.objects.live(), pk=bulletin_id)
    sending = BulletinSending.objects.filter(bulletin=bulletin).first()
    concerned, left_out = services.audience(bulletin, sending)
    context = {
        "bulletin": bulletin,
        "sending": sending,
        "progress": services.sending_progress(sending) if sending else None,
        "recipients": concerned,
        "left_out": left_out,
    }
    return render(request, "ressources/sending_detail.html", context)


@require_POST
def start_sending(request, bulletin_id):
    _require_bulletin_manager(request)
    bulletin = get_object_or_404(BulletinPage.objects.live(), pk=bulletin_id)
    services.start_sending(bulletin, request.user)
    messages.success(request, f"L'envoi du bulletin n° {bulletin.number} est lancé.")
    return redirect("ressources:sending", bulletin_id=bulletin.pk)


def compose_bulletin(request, bulletin_id):
    """Compose an issue from what the library published since the last one (ANCT): pick,
    order, and the choice becomes a draft revision of the bulletin, published from its editor.
    Anyone who may not edit the bulletin gets the same 404 as for a missing one."""
    from ressources.composition import CompositionError, keep_posted_choice, proposal

    _require_bulletin_manager(request)
    bulletin = get_object_or_404(BulletinPage, pk=bulletin_id)
    if not bulletin.permissions_for_user(request.user).can_edit():
        raise Http404
    errors = []
    if request.method == "POST":
        try:
            services.compose_bulletin(bulletin, request.user, request.POST)
        except CompositionError as error:
            errors = [
                {"message": message, "target": target}
                for message, target in zip(error.messages, error.targets, strict=True)
            ]
        else:
            messages.success(
                request,
                f"Le bulletin n° {bulletin.number} a été composé : vérifiez-le puis publiez-le.",
            )
            return redirect("wagtailadmin_pages:edit", bulletin.pk)
    draft = bulletin.get_latest_revision_as_object()
    offered = proposal(draft)
    if errors:
        keep_posted_choice(offered, request.POST)
    context = {
        "bulletin": draft,
        "proposal": offered,
        "errors": errors,
        "invalid": {error["target"] for error in errors if error["target"]},
        "already_sent": BulletinSending.objects.filter(bulletin=bulletin).exists(),
    }
    return render(request, "ressources/compose.html", context)


# --- Image files ---------------------------------------------------------------------------------

IMAGE_FOLDERS = ("original_images", "images")


def image_file(request, folder, name):
    """An image file of the media folder, served only to whoever may open a live page using the
    image (ressources.permissions.image_is_hidden_from): a picture placed only in members-only
    pages is not public at a guessable /media/ address. Unknown, hidden or missing: the same 404.
    The host routes /media/images/ and /media/original_images/ here (nginx too, see deploy/)."""
    if folder not in IMAGE_FOLDERS or ".." in name.split("/"):
        raise Http404
    stored_name = f"{folder}/{name}"
    Image = get_image_model()
    if folder == "original_images":
        image = Image.objects.filter(file=stored_name).first()
    else:
        rendition = (
            Image.get_rendition_model()
            .objects.filter(file=stored_name)
            .select_related("image")
            .first()
        )
        image = rendition.image if rendition else None
    if image is None or image_is_hidden_from(request.user, image):
        raise Http404
    storage = Image._meta.get_field("file").storage
    try:
        handle = storage.open(stored_name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        content_type = "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    restricted = image_is_hidden_from(AnonymousUser(), image)
    # A shared cache may keep a public picture; a restricted one stays in the browser.
    patch_cache_control(
        response, max_age=7 * 24 * 3600, **({"private": True} if restricted else {"public": True})
    )
    return response
