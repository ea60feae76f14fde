"""Pages of pilotage/: the cités' questionnaire and history, ANCT's steering pages and exports,
the public key figures. Every view asks pilotage.permissions first; pages that need an account
send anonymous visitors to the login page (with `next`: an e-mail link works once logged in),
and answer people logged in without rights the same 404 as for a page that does not exist."""

import json
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import is_anct
from commons.french import format_number as french_number
from commons.french import sort_key
from pilotage import conf, consolidation, exports, permissions, publication, services
from pilotage.forms import (
    TEXT_MAX_LENGTH,
    ExtendForm,
    breakdown_dimensions,
    breakdown_warning,
    format_number,
    read_field,
    read_step,
    value_digest,
)
from pilotage.models import (
    ENJEU_ORDER,
    NUMERIC_KINDS,
    QUARTER_RE,
    Campaign,
    CampaignStatus,
    Indicator,
    Kind,
    Response,
)
from themes.models import PublicCible, Theme

STEPS = [(index, enjeu, enjeu.label) for index, enjeu in enumerate(ENJEU_ORDER, start=1)]
RECAP_STEP = len(STEPS) + 1


def _campaign_or_404(code, *, opened=True):
    match = QUARTER_RE.match(code or "")
    campaign = None
    if match:
        campaign = (
            Campaign.objects.select_related("version")
            .filter(year=int(match[1]), quarter=int(match[2]))
            .first()
        )
    if campaign is None or (opened and campaign.status == CampaignStatus.PLANNED):
        raise Http404(permissions.NOT_FOUND)
    return campaign


# --- Cité team ---------------------------------------------------------------------------------


@login_required
def index(request):
    if is_anct(request.user):
        return redirect("pilotage:dashboard")
    user = request.user
    if user.is_authenticated and user.cite_id:
        return redirect("pilotage:cite", slug=user.cite.slug)
    raise Http404(permissions.NOT_FOUND)


@login_required
def cite_history(request, slug):
    cite = permissions.get_cite_for_answers_or_404(request.user, slug)
    campaigns = list(Campaign.objects.exclude(status=CampaignStatus.PLANNED).chronological())
    # `last_edit`: a member saved something (values carried over from last quarter do not make
    # a draft: « Non commencé » until someone saves, as on ANCT's dashboard).
    responses = {
        r.campaign_id: r
        for r in Response.objects.filter(cite=cite)
        .select_related("campaign")
        .annotate(last_edit=Max("answers__updated_at", filter=Q(answers__prefilled=False)))
    }
    indicators = list(Indicator.objects.order_by("enjeu", "position", "code"))
    series = consolidation.cite_series(cite, [i.pk for i in indicators], campaigns)
    asked = consolidation.asked_labels(campaigns)
    rows = [
        (
            indicator,
            *_labels_as_asked(indicator, campaigns, asked),
            [series[indicator.pk].get(c.pk) for c in campaigns],
        )
        for indicator in indicators
        if series.get(indicator.pk)
    ]
    context = {
        "cite": cite,
        "campaign_rows": [(c, responses.get(c.pk)) for c in reversed(campaigns)],
        "campaigns": campaigns,
        "rows": rows,
        "breadcrumb": [{"label": "Pilotage"}, {"label": cite.short_name}],
    }
    return render(request, "pilotage/cite_history.html", context)


def _labels_as_asked(indicator, campaigns, asked):
    """The row's label, as the newest quarter shown asked it (not the référentiel's live label),
    and the earlier wordings with their quarters: a renamed indicator does not rewrite history."""
    wording = {}
    for campaign in campaigns:
        label = asked.get((campaign.version_id, indicator.pk))
        if label:
            wording.setdefault(label, []).append(campaign.label)
    if not wording:
        return indicator.label, []
    current = list(wording)[-1]
    return current, [(label, codes) for label, codes in wording.items() if label != current]


def _question_rows(questions, answers, problems, data, themes, publics, *, conflicted=False):
    """What the template shows for each question: value, errors, warnings, breakdown inputs.

    A step sent back (`data`) shows what the user typed, never the stored values, so nothing
    they entered is lost. After input errors the revisions stay those the form started from
    (nothing was compared yet); after a conflict they become the current ones, so saving again
    knowingly replaces the other member's values. The member's ticks (« Valeur vérifiée », « Je
    confirme ces chiffres ») come back as they sent them."""
    rows = []
    for vi in questions:
        answer = answers.get(vi.indicator_id)
        problem = problems.get(vi.code)
        # After a conflict, each field of the step is one of: changed by nobody else since the
        # page was opened (the member's entry stays); changed elsewhere while this member left it
        # as shown (the current value replaces the stale one on screen, said so: sending the old
        # one back would overwrite it); changed on both sides (a conflict: the member's entry
        # stays, the other value is named next to it, and saving again replaces it knowingly).
        row_data, updated_elsewhere, stale_raw = data, False, ""
        if (
            conflicted
            and data is not None
            and _changed_elsewhere(vi, answer, data)
            and not _touched(vi, data, themes, publics)
        ):
            row_data, updated_elsewhere = None, True
            stale_raw = data.get(f"v-{vi.code}", "")
        if row_data is not None:
            raw = data.get(f"v-{vi.code}", "")
            sent = problem or read_field(vi, data, themes, publics)
            warning = "" if sent.error else sent.warning
            confirmed = data.get(f"c-{vi.code}") == "on"
            prefill_checked = data.get(f"p-{vi.code}") == "on"
        elif answer is not None:
            raw = format_number(answer.number) if vi.is_numeric else answer.text
            warning = breakdown_warning(answer.number, answer.breakdown)
            confirmed, prefill_checked = answer.breakdown_confirmed, False
        else:
            raw, warning, confirmed, prefill_checked = "", "", False, False
        dims = []
        for dimension, label, items in breakdown_dimensions(vi, themes, publics):
            parts = (answer.breakdown or {}).get(dimension, {}) if answer else {}
            inputs = []
            for slug, item_label in items:
                name = f"b-{vi.code}-{dimension}-{slug}"
                if row_data is not None:
                    part = row_data.get(name, "")
                else:
                    part = parts.get(slug, "")
                    part = format_number(services_decimal(part)) if part != "" else ""
                error = problem.part_errors.get(f"{dimension}-{slug}") if problem else ""
                inputs.append({"name": name, "label": item_label, "value": part, "error": error})
            # Open when there is something to see: values, an error or a total not matching.
            is_open = bool(warning) or any(i["value"] or i["error"] for i in inputs)
            dims.append({"label": label, "inputs": inputs, "open": is_open})
        # « Repris du trimestre précédent » only while the field still shows last quarter's value:
        # a value typed over it (even one sent back for an error) is no longer carried over.
        carried_over = bool(answer and answer.prefilled)
        if carried_over and row_data is not None:
            stored = format_number(answer.number) if vi.is_numeric else answer.text
            carried_over = _same_text(raw, stored)
        error = problem.error if problem else ""
        in_conflict = (
            conflicted
            and data is not None
            and not updated_elsewhere
            and _changed_elsewhere(vi, answer, data)
        )
        described = [f"v-{vi.code}-maj"] if (updated_elsewhere or in_conflict) else []
        if error or warning:
            described.append(f"v-{vi.code}-msg")
        rows.append(
            {
                "vi": vi,
                "answer": answer,
                "describedby": " ".join(described),
                "carried_over": carried_over,
                "raw": raw,
                "error": error,
                "warning": warning,
                "confirmed": confirmed,
                "prefill_checked": prefill_checked,
                "revision": _revision(vi, answer, data, conflicted),
                "digest": _digest(vi, answer, data, conflicted),
                "dims": dims,
                "updated_elsewhere": updated_elsewhere,
                "stale_raw": stale_raw,
                "in_conflict": in_conflict,
            }
        )
    return rows


def _changed_elsewhere(vi, answer, data):
    """The stored answer is no longer the one the member's form started from."""
    try:
        sent = int(data.get(f"r-{vi.code}") or 0)
    except ValueError:
        return True
    return sent != (answer.revision if answer else 0)


def _touched(vi, data, themes, publics):
    """The member changed this field on their page (its value differs from the one it showed)."""
    sent = read_field(vi, data, themes, publics)
    if sent.error:
        return True
    value = sent.value
    return data.get(f"o-{vi.code}") != value_digest(value.number, value.text, value.breakdown)


def _same_text(typed, stored):
    """Equal once blanks (spaces, non-breaking spaces of « 1 000 ») are set aside."""
    return "".join(str(typed or "").split()) == "".join(str(stored or "").split())


def _unconfirmed_labels(questions, values):
    """Labels of the questions just saved with a breakdown mismatch nobody confirmed."""
    return [
        vi.label
        for vi in questions
        if (value := values.get(vi.indicator_id)) is not None
        and not value.confirmed_breakdown
        and breakdown_warning(value.number, value.breakdown)
    ]


def _revision(vi, answer, data, conflicted):
    if data is None or conflicted:
        return answer.revision if answer else 0
    return data.get(f"r-{vi.code}", 0)


def _digest(vi, answer, data, conflicted):
    """Like the revision: the value the form started from, kept when a step is sent back."""
    if data is None or conflicted:
        if answer is None:
            return value_digest(None, "", {})
        return value_digest(answer.number, answer.text, answer.breakdown)
    return data.get(f"o-{vi.code}", "")


def services_decimal(text):
    return Decimal(str(text))


def _transmitted(answer):
    """The answer if its questionnaire was transmitted, else None (a draft is not a figure)."""
    return answer if answer is not None and answer.response.is_submitted else None


def _chart(chart_id, title, category, labels, series, unit, notes=None, partial=(), extra=()):
    """What includes/chart.html needs: the web component's JSON attributes and the same data
    as a table. `notes` {(label index, series index): text} replaces an empty cell's dash;
    `partial`: label indexes drawn without a bar (too few cités to compare), the table keeps
    their value marked « partiel »; `extra`: [(column title, [cell per label])] for the table."""
    notes = notes or {}

    def number(value):
        return float(value) if value is not None else None

    def cell(i, n, values):
        if values[i] is None:
            return notes.get((i, n))
        if i in partial:
            return f"{french_number(values[i])} (trimestre partiel)"
        return french_number(values[i])

    return {
        "id": chart_id,
        "title": title,
        "category": category,
        "unit": unit,
        # A partial quarter's slot on the axis says why it is empty (a glance at the chart
        # would otherwise read a quarter at zero); the data table keeps the plain label.
        "x": json.dumps(
            [
                [
                    f"{label} (partiel, non tracé)" if i in partial else label
                    for i, label in enumerate(labels)
                ]
                for _ in series
            ],
            ensure_ascii=False,
        ),
        "y": json.dumps(
            [
                [None if i in partial else number(v) for i, v in enumerate(values)]
                for _, values in series
            ]
        ),
        "names": json.dumps([name for name, _ in series], ensure_ascii=False),
        "series_names": [name for name, _ in series] + [title for title, _ in extra],
        "rows": [
            (
                label,
                [cell(i, n, values) for n, (_, values) in enumerate(series)]
                + [cells[i] for _, cells in extra],
            )
            for i, label in enumerate(labels)
        ],
    }


@login_required
def questionnaire(request, slug, code, step):
    cite = permissions.get_cite_for_answers_or_404(request.user, slug)
    campaign = _campaign_or_404(code)
    if step < 1 or step > RECAP_STEP:
        raise Http404(permissions.NOT_FOUND)
    response = Response.objects.filter(campaign=campaign, cite=cite).first()
    user = request.user
    if response is None:
        if not (permissions.is_cite_member(user, cite) and campaign.is_open):
            raise Http404(permissions.NOT_FOUND)
        response = services.get_or_create_response(campaign, cite)
    elif (
        not response.is_submitted
        and permissions.is_cite_member(user, cite)
        and response.accepts_answers()
    ):
        # Extended or reopened by ANCT before anyone opened it: offer last quarter's values now.
        response = services.get_or_create_response(campaign, cite)
    editable = permissions.can_edit_response(user, response)
    themes = list(Theme.objects.ordered())
    publics = list(PublicCible.objects.all())
    questions = consolidation.campaign_questions(campaign)
    answers = {a.indicator_id: a for a in response.answers.select_related("updated_by")}
    problems, conflicts, data = {}, [], None
    closed_meanwhile = ""

    if request.method == "POST" and not editable:
        if not permissions.is_cite_member(user, cite):
            raise PermissionDenied("Ce questionnaire n'accepte plus de réponses.")
        # A tab left open while the questionnaire was transmitted (or closed): nothing is saved,
        # the page says why and shows back what the member typed, so nothing vanishes from view.
        closed_meanwhile = services.closed_message(response)
        if step != RECAP_STEP:
            data = request.POST
    elif request.method == "POST":
        if step == RECAP_STEP:
            raise Http404(permissions.NOT_FOUND)
        enjeu = STEPS[step - 1][1]
        step_questions = [vi for vi in questions if vi.enjeu == enjeu]
        data = request.POST
        values, revisions, problems = read_step(step_questions, data, themes, publics)
        if not problems:
            result = services.save_answers(response, user, values, revisions)
            if not result.conflicts:
                unconfirmed = _unconfirmed_labels(step_questions, values)
                target = step + 1 if "next" in data else step
                if unconfirmed:
                    # Saved, but the member stays on the step to see what to check.
                    target = step
                    messages.warning(
                        request,
                        "Brouillon enregistré. Avant de transmettre, vérifiez la ventilation de : "
                        + ", ".join(unconfirmed)
                        + " (corrigez-la ou cochez « Je confirme ces chiffres »).",
                        extra_tags="cde-focus",
                    )
                else:
                    messages.success(request, "Brouillon enregistré.", extra_tags="cde-focus")
                # « #top »: not the field the member came from by an error-summary link (a
                # redirect keeps the fragment), so the message above is seen, and focused.
                target_url = reverse("pilotage:questionnaire", args=[cite.slug, code, target])
                return redirect(f"{target_url}#top")
            conflicts = result.conflicts
            answers = {a.indicator_id: a for a in response.answers.select_related("updated_by")}
    step_questions = (
        questions
        if step == RECAP_STEP
        else [vi for vi in questions if vi.enjeu == STEPS[step - 1][1]]
    )
    context = {
        "cite": cite,
        "campaign": campaign,
        "response": response,
        "editable": editable,
        "can_submit": permissions.can_submit_response(user, response),
        "steps": STEPS,
        "step": step,
        "recap_step": RECAP_STEP,
        "step_label": "Récapitulatif et transmission" if step == RECAP_STEP else STEPS[step - 1][2],
        "rows": _question_rows(
            step_questions, answers, problems, data, themes, publics, conflicted=bool(conflicts)
        ),
        "has_problems": bool(problems),
        "closed_meanwhile": closed_meanwhile,
        "read_only_message": (
            services.closed_message(response)
            if not editable and permissions.is_cite_member(user, cite)
            else ""
        ),
        # ANCT reads a cité's questionnaire (a draft too) but never writes it: said on the page.
        "anct_reading": not permissions.is_cite_member(user, cite),
        # The state named as on the cité's page: « Non commencé » until a member saves.
        "started": services.is_started(response),
        # The coordination asks ANCT itself; a partner goes through the coordination.
        "is_coordinator": permissions.is_cite_coordinator(user, cite),
        # Who answers « demandez à l'ANCT » (a link, not only a name).
        "contact_email": conf.contact_email(),
        "conflicts": conflicts,
        "missing": services.missing_required(response) if step == RECAP_STEP else [],
        "blockers": _blockers(cite, campaign, response) if step == RECAP_STEP else [],
        "refused": step == RECAP_STEP and request.GET.get("refus") == "1",
        "prefilled_left": sum(1 for a in answers.values() if a.prefilled),
        "unconfirmed_left": sum(
            1
            for a in answers.values()
            if not a.breakdown_confirmed and breakdown_warning(a.number, a.breakdown)
        ),
        "Kind": Kind,
        "text_max_length": TEXT_MAX_LENGTH,
        **_prefill_source(campaign, cite, response, answers, editable and step != RECAP_STEP),
        "breadcrumb": [
            {"label": "Pilotage", "url": reverse("pilotage:cite", args=[cite.slug])},
            {"label": f"Questionnaire du {campaign.label}"},
        ],
    }
    context["updated_rows"] = [row for row in context["rows"] if row["updated_elsewhere"]]
    status = 400 if (problems or conflicts) else 200
    if conflicts or closed_meanwhile:
        status = 409
    return render(request, "pilotage/questionnaire.html", context, status=status)


def _prefill_source(campaign, cite, response, answers, editing):
    """Where the values carried over come from (« Repris du 2e trimestre 2026, dernier trimestre
    transmis » when the cité missed a quarter), or that there was nothing to carry over."""
    if not editing or response.is_submitted:
        return {"prefill_from": "", "nothing_to_prefill": False}
    source = services.previous_response(campaign, cite)
    if source is None:
        return {"prefill_from": "", "nothing_to_prefill": not services.is_started(response)}
    if services.is_previous_quarter(campaign, source.campaign):
        label = "Repris du trimestre précédent"
    else:
        label = f"Repris du {source.campaign.label}, dernier trimestre transmis"
    return {"prefill_from": label, "nothing_to_prefill": False}


def _blockers(cite, campaign, response):
    """What still prevents the transmission, each with the URL of its field (step#field id)."""
    if response.is_submitted:
        return []
    steps = {enjeu: index for index, enjeu, _ in STEPS}
    return [
        {
            "vi": vi,
            "reason": reason,
            "url": reverse(
                "pilotage:questionnaire", args=[cite.slug, campaign.code, steps[vi.enjeu]]
            )
            + f"#{vi.field_id}",
        }
        for vi, reason in services.submission_blockers(response)
        if vi.enjeu in steps
    ]


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, slug, code):
    cite = permissions.get_cite_for_answers_or_404(request.user, slug)
    campaign = _campaign_or_404(code)
    response = Response.objects.filter(campaign=campaign, cite=cite).first()
    if response is None or not permissions.can_view_cite_answers(request.user, cite):
        raise Http404(permissions.NOT_FOUND)
    recap = reverse("pilotage:questionnaire", args=[slug, code, RECAP_STEP])
    if request.method == "GET":
        # The confirmation page's address opened again (history, reload, shared link): it only
        # answers a form, so back to the recap, which says where the questionnaire stands —
        # rather than the browser's blank « 405 » page.
        messages.info(
            request,
            "La transmission se confirme depuis le récapitulatif du questionnaire, ci-dessous.",
        )
        return redirect(recap)
    if (
        request.POST.get("confirme") != "oui"
        and permissions.can_submit_response(request.user, response)
        and not services.submission_blockers(response)
    ):
        # A transmission cannot be undone without ANCT: say so and ask first (no JavaScript).
        # Anything that would refuse it goes on below and is said on the recap as before.
        asked = len(consolidation.campaign_questions(campaign))
        context = {
            "cite": cite,
            "campaign": campaign,
            "answered": asked - len(services.missing_answers(response)),
            "asked": asked,
            "back": recap,
            "breadcrumb": [
                {"label": "Pilotage", "url": reverse("pilotage:cite", args=[cite.slug])},
                {"label": f"Questionnaire du {campaign.label}", "url": recap},
                {"label": "Transmettre"},
            ],
        }
        return render(request, "pilotage/submit_confirm.html", context)
    try:
        services.submit_response(response, request.user)
    except ValidationError as error:
        if services.submission_blockers(response):
            # The recap lists each blocking question with a link to its field.
            return redirect(f"{recap}?refus=1")
        for message in error.messages:
            messages.error(request, message)
        return redirect(recap)
    messages.success(request, f"Questionnaire du {campaign.label} transmis à l'ANCT. Merci !")
    return redirect("pilotage:cite", slug=slug)


# --- ANCT ----------------------------------------------------------------------------------------


def _selected_campaign(request):
    code = request.GET.get("campagne")
    if code:
        return _campaign_or_404(code)
    qs = Campaign.objects.exclude(status=CampaignStatus.PLANNED).select_related("version")
    return qs.filter(status=CampaignStatus.OPEN).first() or qs.order_by("-year", "-quarter").first()


@login_required
def dashboard(request):
    permissions.require_steering(request.user)
    campaigns = list(Campaign.objects.select_related("version").order_by("-year", "-quarter"))
    campaign = _selected_campaign(request)
    context = {
        "campaigns": campaigns,
        "campaign": campaign,
        "extend_form": ExtendForm(),
        "breadcrumb": [{"label": "Pilotage national"}],
    }
    if campaign is not None:
        submissions = consolidation.submission_table(campaign)
        context.update(
            {
                "table": consolidation.national_table(campaign),
                "submissions": submissions,
                "submitted_count": sum(1 for _, r in submissions if r and r.is_submitted),
                "transmitted_phrase": consolidation.transmitted_phrase(
                    sum(1 for _, r in submissions if r and r.is_submitted), len(submissions)
                ),
            }
        )
    return render(request, "pilotage/dashboard.html", context)


@login_required
def indicator_detail(request, code):
    permissions.require_steering(request.user)
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        raise Http404(permissions.NOT_FOUND)
    campaign = _selected_campaign(request)
    campaigns = consolidation.campaigns_with_version()
    vi = None
    if campaign is not None:
        vi = (
            campaign.version.indicators.filter(indicator=indicator).first()
            if campaign.version
            else None
        )
    dims = consolidation.CiteDimensions()
    tables = []
    if vi is not None:
        tables = [
            (key, label, consolidation.by_dimension(campaign, vi, key, dims))
            for key, label in consolidation.DIMENSIONS
        ]
    kind = vi.kind if vi else indicator.kind
    if kind == Kind.TEXT:
        # Free text has no total, chart nor median: the cités' own words, transmitted only.
        context = {
            "indicator": indicator,
            "vi": vi,
            "campaign": campaign,
            "campaigns": campaigns,
            "texts": consolidation.transmitted_texts(campaign, indicator) if campaign else [],
            "breadcrumb": [
                {"label": "Pilotage national", "url": reverse("pilotage:dashboard")},
                {"label": indicator.label},
            ],
        }
        return render(request, "pilotage/indicator_text.html", context)
    # Only closed quarters: an open one holds the few questionnaires transmitted so far, and its
    # total next to complete quarters would read as a fall.
    closed = [c for c in campaigns if c.is_closed]
    in_progress = [c for c in campaigns if not c.is_closed]
    options = (vi or indicator).choice_list if kind == Kind.CHOICE else []
    evolution = consolidation.evolution(indicator.pk, kind, closed, options)
    from cites.models import Cite

    # How many cités each quarter rests on: a closed quarter few cités transmitted is « partiel »,
    # said so and left out of the chart rather than drawn as a collapse.
    cites_count = Cite.objects.published().count()
    transmitted = consolidation.transmitted_counts(closed)
    partial = {
        i
        for i, (c, _) in enumerate(evolution)
        if consolidation.is_partial(transmitted.get(c.pk, 0), cites_count)
    }
    partial_notes = [
        # One colon in the sentence: the one before « ce trimestre n'est pas tracé ».
        f"{c.label} (trimestre partiel, "
        + consolidation.transmitted_phrase(transmitted.get(c.pk, 0), cites_count)
        + ")"
        for i, (c, _) in enumerate(evolution)
        if i in partial
    ]
    answered_column = (
        "Cités ayant transmis",
        [f"{transmitted.get(c.pk, 0)} sur {cites_count}" for c, _ in evolution],
    )
    # A median of yes/no or of a list means nothing: only numeric indicators are compared.
    numeric = kind in NUMERIC_KINDS
    cite = None
    comparison = []
    if numeric and request.GET.get("cite"):
        cite = Cite.objects.filter(slug=request.GET["cite"]).first()
    if cite is not None:
        series = consolidation.cite_series(cite, [indicator.pk], closed).get(indicator.pk, {})
        # A quarter the cité has not transmitted (draft still open, or never sent) is left out
        # of the comparison: its figures may still change, and the national median next to it
        # only counts transmitted questionnaires. The table says « non transmis ».
        comparison = [
            (c, _transmitted(series.get(c.pk)), fig, series.get(c.pk) is not None)
            for c, fig in evolution
        ]
    aggregation = vi.aggregation if vi else indicator.aggregation
    unit = indicator.unit
    if kind == Kind.CHOICE:
        aggregation_label = "nombre de cités par réponse"
        chart_series = [
            (option, [dict(fig.counts).get(option, 0) for _, fig in evolution])
            for option in options
        ]
    else:
        aggregation_label = indicator.get_aggregation_display().lower()
        chart_series = [("France", [fig.value(aggregation) for _, fig in evolution])]
    evolution_chart = _chart(
        "evolution",
        f"{indicator.label} : valeur nationale par trimestre "
        f"({aggregation_label}, questionnaires transmis)",
        "Trimestre",
        [c.label for c, _ in evolution],
        chart_series,
        unit,
        partial=partial,
        extra=[answered_column],
    )
    comparison_chart = None
    comparison_drafts = []
    if cite is not None:
        comparison_chart = _chart(
            "comparaison",
            f"{indicator.label} : {cite.short_name} et médiane nationale",
            "Trimestre",
            [c.label for c, _, _, _ in comparison],
            [
                (cite.short_name, [a.number if a else None for _, a, _, _ in comparison]),
                ("Médiane nationale", [fig.median for _, _, fig, _ in comparison]),
            ],
            unit,
            notes={
                (index, 0): "non transmis"
                for index, (_, answer, _, started) in enumerate(comparison)
                if answer is None and started
            },
            partial=partial,
            extra=[answered_column],
        )
        comparison_drafts = [
            c.label for c, answer, _, started in comparison if started and not answer
        ]
    context = {
        "evolution_chart": evolution_chart,
        "comparison_chart": comparison_chart,
        "comparison_drafts": comparison_drafts,
        "indicator": indicator,
        "vi": vi,
        "campaign": campaign,
        "campaigns": campaigns,
        "in_progress": in_progress,
        "tables": tables,
        # Cités did transmit, some without a breakdown: said so, not « Aucune réponse ».
        "transmitted": any(fig.cites for _, label, rows in tables[:1] for _, fig in rows),
        "breakdown_keys": ("themes", "publics"),
        "evolution": evolution,
        "cite": cite,
        "cites": sorted(
            Cite.objects.only("slug", "short_name"), key=lambda c: sort_key(c.short_name)
        ),
        "comparison": comparison,
        "numeric": numeric,
        "options": options
        if kind == Kind.CHOICE
        else ["Oui", "Non"]
        if kind == Kind.YES_NO
        else [],
        "aggregation_label": aggregation_label,
        "partial_notes": partial_notes,
        "charts": True,
        "breadcrumb": [
            {"label": "Pilotage national", "url": reverse("pilotage:dashboard")},
            {"label": indicator.label},
        ],
    }
    return render(request, "pilotage/indicator.html", context)


@login_required
@require_POST
def campaign_action(request, code, action):
    permissions.require_steering(request.user)
    campaign = _campaign_or_404(code, opened=False)
    back = reverse("pilotage:dashboard") + f"?campagne={campaign.code}"
    try:
        if action == "ouvrir":
            warnings = services.opening_warnings(campaign)
            if (
                warnings
                and campaign.status == CampaignStatus.PLANNED
                and (request.POST.get("confirme") != "oui")
            ):
                # Too early, or another campaign still open: say so and ask first.
                context = {
                    "campaign": campaign,
                    "warnings": warnings,
                    "back": back,
                    "breadcrumb": [
                        {"label": "Pilotage national", "url": back},
                        {"label": f"Ouvrir la campagne du {campaign.label}"},
                    ],
                }
                return render(request, "pilotage/open_confirm.html", context)
            services.open_campaign(campaign, request.user)
            messages.success(request, f"Campagne du {campaign.label} ouverte ; questionnaire figé.")
        elif action == "clore":
            waiting = services.cites_not_submitted(campaign)
            if waiting and request.POST.get("confirme") != "oui":
                # Closing ends the quarter for every cité still writing: ask first, saying who,
                # before which announced date, and which extensions it withdraws.
                extended = services.extended_deadlines(campaign)
                # A transmitted questionnaire sent back to draft is named a reopening, as on every
                # other page, not a prolongation.
                reopened = {
                    r.cite_id
                    for r in campaign.responses.filter(cite_id__in=list(extended))
                    if r.reopened
                }
                context = {
                    "campaign": campaign,
                    "waiting": [
                        (cite, extended.get(cite.pk), cite.pk in reopened) for cite in waiting
                    ],
                    "extensions": [
                        extended[c.pk] for c in waiting if c.pk in extended and c.pk not in reopened
                    ],
                    "reopenings": [c for c in waiting if c.pk in reopened],
                    "early_days": (campaign.closes_on - date.today()).days,
                    "public_expected": publication.expected_cites(campaign),
                    "public_required": publication.required_submissions(
                        publication.expected_cites(campaign)
                    ),
                    "back": back,
                    "breadcrumb": [
                        {"label": "Pilotage national", "url": back},
                        {"label": f"Clore la campagne du {campaign.label}"},
                    ],
                }
                return render(request, "pilotage/close_confirm.html", context)
            services.close_campaign(campaign, request.user)
            messages.success(request, f"Campagne du {campaign.label} close.")
        elif action in ("prolonger", "rouvrir"):
            form = ExtendForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
                return redirect(back)
            from cites.models import Cite

            cite = Cite.objects.filter(slug=form.cleaned_data["cite"]).first()
            if cite is None:
                raise Http404(permissions.NOT_FOUND)
            until = form.cleaned_data["until"]
            if action == "prolonger":
                services.extend_response(campaign, cite, until, request.user)
                messages.success(
                    request,
                    f"{cite.short_name} : échéance portée au {until:%d/%m/%Y}.",
                    extra_tags="cde-focus",
                )
            else:
                services.reopen_response(campaign, cite, until, request.user)
                messages.success(
                    request,
                    f"{cite.short_name} : questionnaire rouvert jusqu'au {until:%d/%m/%Y}.",
                    extra_tags="cde-focus",
                )
        else:
            raise Http404(permissions.NOT_FOUND)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(back)


@login_required
def export(request, what, fmt):
    permissions.require_steering(request.user)
    if fmt not in exports.FORMATS or what not in ("reponses", "consolidation"):
        raise Http404(permissions.NOT_FOUND)
    if what == "reponses":
        return exports.answers_response(fmt)
    campaign = _selected_campaign(request)
    if campaign is None:
        raise Http404(permissions.NOT_FOUND)
    return exports.consolidation_response(campaign, fmt)


# --- Public --------------------------------------------------------------------------------------


def key_figures(request):
    data = publication.key_figures()
    return render(
        request,
        "pilotage/key_figures.html",
        {"data": data, "breadcrumb": [{"label": "Chiffres clés"}]},
    )


def api_key_figures(request):
    from django.http import JsonResponse

    response = JsonResponse(
        publication.key_figures_json(), json_dumps_params={"ensure_ascii": False}
    )
    return response


ACTIVITY_PERIODS = {"3": 3, "6": 6, "12": 12}


@login_required
def activity(request):
    """ANCT's view of the network's activity: aggregates registered by the other apps."""
    from datetime import timedelta

    from django.utils import timezone

    from commons.activity import activity_tables

    permissions.require_steering(request.user)
    months = ACTIVITY_PERIODS.get(request.GET.get("mois", "12"), 12)
    since = timezone.now() - timedelta(days=31 * months)
    context = {
        "tables": activity_tables(since),
        "months": months,
        "periods": sorted(ACTIVITY_PERIODS.values()),
        "breadcrumb": [
            {"label": "Pilotage national", "url": reverse("pilotage:dashboard")},
            {"label": "Activité du réseau"},
        ],
    }
    return render(request, "pilotage/activity.html", context)
