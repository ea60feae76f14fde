"""Every write of pilotage/. Views validate input with pilotage.forms, then call these.

Each write is atomic and recorded in the audit log; e-mails leave after commit.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from audit.models import Action
from audit.services import record_action
from commons.french import sort_key
from pilotage import permissions
from pilotage.forms import breakdown_warning
from pilotage.models import (
    ENJEU_ORDER,
    FROZEN_FIELDS,
    Answer,
    Campaign,
    CampaignNotice,
    CampaignStatus,
    Indicator,
    Kind,
    NoticeKind,
    QuestionnaireVersion,
    Reminder,
    ReminderKind,
    Response,
    ResponseStatus,
    VersionIndicator,
    previous_quarter,
)
from pilotage.tasks import (
    send_extension_email,
    send_notice_email,
    send_reminder_email,
    send_reopen_email,
)

# --- Référentiel and campaigns ---------------------------------------------------------------


def _referentiel_snapshot():
    return [
        indicator.frozen_values()
        for indicator in Indicator.objects.filter(is_active=True).order_by("position", "code")
    ]


def _version_snapshot(version):
    return [
        vi.frozen_values()
        for vi in VersionIndicator.objects.filter(version=version).order_by("position", "code")
    ]


def freeze_version():
    """The frozen version matching today's référentiel: the latest one if nothing changed since,
    otherwise a new one. Frozen rows are copies: later edits of the référentiel never touch them."""
    latest = QuestionnaireVersion.objects.order_by("-number").first()
    snapshot = _referentiel_snapshot()
    if not snapshot:
        raise ValidationError("Le référentiel ne contient aucun indicateur actif.")
    if latest is not None and _version_snapshot(latest) == snapshot:
        return latest
    version = QuestionnaireVersion.objects.create(number=(latest.number + 1) if latest else 1)
    indicators = Indicator.objects.filter(is_active=True)
    VersionIndicator.objects.bulk_create(
        VersionIndicator(
            version=version,
            indicator=indicator,
            **{name: getattr(indicator, name) for name in FROZEN_FIELDS},
        )
        for indicator in indicators
    )
    return version


def opening_warnings(campaign, today=None):
    """What ANCT should know before opening a campaign: it opens before its own opening date,
    or while another campaign is still open (the cités then have two questionnaires at once)."""
    today = today or date.today()
    warnings = []
    if today < campaign.opens_on:
        warnings.append(
            f"La campagne du {campaign.label} ne commence que le {campaign.opens_on:%d/%m/%Y} : "
            "l’ouvrir maintenant permet aux cités d’y répondre dès aujourd’hui."
        )
    for other in Campaign.objects.filter(status=CampaignStatus.OPEN).exclude(pk=campaign.pk):
        warnings.append(
            f"La campagne du {other.label} est encore ouverte (clôture le "
            f"{other.closes_on:%d/%m/%Y}) : les cités auront deux questionnaires en cours en "
            "même temps."
        )
    return warnings


@transaction.atomic
def open_campaign(campaign, actor, announce=True):
    """`announce=False` only for history written after the fact (the demo's past quarters): no
    e-mail announcing a questionnaire whose deadline has already passed."""
    from cites.models import Cite

    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.PLANNED:
        raise ValidationError("Cette campagne a déjà été ouverte.")
    campaign.version = freeze_version()
    campaign.status = CampaignStatus.OPEN
    campaign.expected_cites = Cite.objects.published().count()
    campaign.save(update_fields=["version", "status", "expected_cites"])
    record_action(
        actor,
        Action.PILOTAGE_CAMPAIGN_OPEN,
        campaign,
        details={"version": campaign.version.number},
    )
    # Every cité asked learns it by e-mail, not from the J-7 reminder.
    for cite in Cite.objects.published() if announce else ():
        _notify(campaign, cite, NoticeKind.OPENED)
    return campaign


def _notify(campaign, cite, kind, **fields):
    """Record the announcement (once per campaign, cité and kind) and send it after commit."""
    notice, created = CampaignNotice.objects.get_or_create(
        campaign=campaign, cite=cite, kind=kind, defaults=fields
    )
    if created:
        transaction.on_commit(lambda pk=notice.pk: send_notice_email.enqueue(pk), robust=True)
    return notice


@transaction.atomic
def close_campaign(campaign, actor, closed_at=None, announce=True):
    """`closed_at` and `announce=False` only for history written after the fact (the demo's past
    quarters, closed on their deadline, without e-mails)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError("Seule une campagne ouverte peut être close.")
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = closed_at or timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    # A closing ends every extension: ANCT reopens a cité explicitly afterwards. Each cité still
    # writing is told by e-mail, and one told it had until a later date, that this has ended.
    drafts = campaign.responses.filter(status=ResponseStatus.DRAFT)
    ended = {r.cite_id: r for r in drafts.filter(extended_until__isnull=False)}
    drafts.update(extended_until=None)
    record_action(actor, Action.PILOTAGE_CAMPAIGN_CLOSE, campaign)
    for cite in cites_not_submitted(campaign) if announce else ():
        response = ended.get(cite.pk)
        if response is not None:
            _notify(
                campaign,
                cite,
                NoticeKind.ENDED,
                ended_until=response.extended_until,
                reopened=response.submitted_by_id is not None,
            )
        else:
            _notify(campaign, cite, NoticeKind.CLOSED)
    return campaign


# A new deadline more than a year after the campaign's closing is a typo (2099 for 2027), not a
# plan: the quarter's figures would wait for it.
LATEST_DEADLINE = timedelta(days=365)


def _check_until(campaign, until, *, cite):
    if campaign.status == CampaignStatus.PLANNED:
        raise ValidationError("La campagne n'est pas encore ouverte.")
    if until < date.today():
        raise ValidationError(
            f"{cite.short_name} : la nouvelle échéance ({until:%d/%m/%Y}) ne peut pas être "
            "dans le passé."
        )
    latest = campaign.closes_on + LATEST_DEADLINE
    if until > latest:
        raise ValidationError(
            f"{cite.short_name} : la nouvelle échéance ({until:%d/%m/%Y}) est à plus d'un an "
            f"de la clôture de la campagne ; choisissez une date jusqu'au {latest:%d/%m/%Y}."
        )


def _current_deadline(campaign, cite):
    response = Response.objects.filter(campaign=campaign, cite=cite).first()
    return response.deadline if response is not None else campaign.closes_on


@transaction.atomic
def extend_response(campaign, cite, until, actor):
    """Give one cité more time (its draft stays a draft). Only later than its current deadline:
    an « extension » that shortens it would be labelled « prolongée » and cut the cité short.
    A closed campaign takes no more extension (the docs: « Clore met fin aux prolongations ») —
    ANCT reopens the cité instead."""
    _check_until(campaign, until, cite=cite)
    if campaign.is_closed:
        raise ValidationError(
            f"{cite.short_name} : la campagne du {campaign.label} est close, elle ne se prolonge "
            "plus. Rouvrez le questionnaire de la cité pour lui permettre de répondre."
        )
    deadline = _current_deadline(campaign, cite)
    if until <= deadline:
        raise ValidationError(
            f"{cite.short_name} : la nouvelle échéance ({until:%d/%m/%Y}) doit être postérieure "
            f"à l'échéance actuelle, le {deadline:%d/%m/%Y}."
        )
    # Never pre-filled here: an extension only moves the deadline; the values carried over from
    # the previous quarter are offered when the cité opens its questionnaire.
    response, _ = Response.objects.get_or_create(campaign=campaign, cite=cite)
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.is_submitted:
        raise ValidationError("Ce questionnaire est déjà transmis : rouvrez-le plutôt.")
    response.extended_until = until
    # Not updated_at: the cité's answers did not change.
    response.save(update_fields=["extended_until"])
    record_action(actor, Action.PILOTAGE_EXTEND, response, details={"jusqu_au": until})
    # The cité learns its new date by e-mail, as with a reopening, not only if it visits.
    transaction.on_commit(lambda: send_extension_email.enqueue(response.pk), robust=True)
    return response


def can_reopen(campaign, response):
    """A transmitted questionnaire, or once the campaign is closed any cité's (the only way to
    give a cité more time after the closing)."""
    if response is not None and response.is_submitted:
        return True
    return campaign.is_closed


@transaction.atomic
def reopen_response(campaign, cite, until, actor):
    """Send a questionnaire back to draft for one cité, until a given day: a transmitted one, or
    after the closing any cité's. Never until a day before the deadline the cité already has."""
    _check_until(campaign, until, cite=cite)
    response = Response.objects.select_for_update().filter(campaign=campaign, cite=cite).first()
    if not can_reopen(campaign, response):
        raise ValidationError(
            f"{cite.short_name} : ce questionnaire n'a pas été transmis ; prolongez-le plutôt."
        )
    if response is None:
        # Not pre-filled: a reopening changes the deadline and state, it writes no answer.
        response, _ = Response.objects.get_or_create(campaign=campaign, cite=cite)
    if not campaign.is_closed and until < response.deadline:
        raise ValidationError(
            f"{cite.short_name} : la réouverture ({until:%d/%m/%Y}) ne peut pas finir avant "
            f"l'échéance actuelle, le {response.deadline:%d/%m/%Y}."
        )
    response.status = ResponseStatus.DRAFT
    response.extended_until = until
    response.submitted_at = None
    response.save(update_fields=["status", "extended_until", "submitted_at", "updated_at"])
    record_action(actor, Action.PILOTAGE_REOPEN, response, details={"jusqu_au": until})
    transaction.on_commit(lambda: send_reopen_email.enqueue(response.pk), robust=True)
    return response


# --- Filling in ------------------------------------------------------------------------------


def previous_response(campaign, cite):
    """The cité's last transmitted questionnaire before this campaign: the previous quarter's,
    or an earlier one when the cité missed a quarter (walk17g: it then had to type all again)."""
    return (
        Response.objects.filter(cite=cite, status=ResponseStatus.SUBMITTED)
        .filter(
            Q(campaign__year__lt=campaign.year)
            | Q(campaign__year=campaign.year, campaign__quarter__lt=campaign.quarter)
        )
        .select_related("campaign")
        .prefetch_related("answers")
        .order_by("-campaign__year", "-campaign__quarter")
        .first()
    )


def is_previous_quarter(campaign, earlier):
    return (earlier.year, earlier.quarter) == previous_quarter(campaign.year, campaign.quarter)


# Free text describes one quarter (« Fait marquant du trimestre »): never carried over.
NOT_CARRIED_OVER = {Kind.TEXT}


@transaction.atomic
def get_or_create_response(campaign, cite):
    """The cité's questionnaire, as its team opens it. Pre-filled (and marked) from the previous
    quarter's submitted answers to the indicators this version still asks, free text excepted,
    when it holds no answer yet: also a questionnaire ANCT extended or reopened before anyone at
    the cité opened it. Pre-filled values are not the cité's answers until a member saves them."""
    response, created = Response.objects.get_or_create(campaign=campaign, cite=cite)
    if response.is_submitted or not campaign.version_id:
        return response
    if not created and response.answers.exists():
        return response
    previous = previous_response(campaign, cite)
    if previous is not None:
        asked = {
            vi.indicator_id
            for vi in VersionIndicator.objects.filter(version=campaign.version_id)
            if vi.kind not in NOT_CARRIED_OVER
        }
        Answer.objects.bulk_create(
            Answer(
                response=response,
                indicator_id=old.indicator_id,
                number=old.number,
                text=old.text,
                breakdown=old.breakdown,
                breakdown_confirmed=old.breakdown_confirmed,
                prefilled=True,
            )
            for old in previous.answers.all()
            if old.indicator_id in asked and not old.is_empty
        )
    return response


def is_started(response):
    """A member saved at least one answer (pre-filled values nobody confirmed do not count)."""
    return response is not None and (
        response.is_submitted or response.answers.filter(prefilled=False).exists()
    )


@dataclass
class Conflict:
    indicator: VersionIndicator
    answer: Answer


@dataclass
class SaveResult:
    saved: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)


def _same_value(answer, value):
    return (
        answer.number == value.number
        and answer.text == value.text
        and (answer.breakdown or {}) == (value.breakdown or {})
    )


def _only_ticks_changed(answer, value):
    """Same value, but a box ticked or unticked: pre-filled value checked, mismatch confirmed.
    Ticks are this member's own decision on what the form shows: never a conflict."""
    return (answer.prefilled and value.confirmed_prefill) or (
        answer.breakdown_confirmed != value.confirmed_breakdown
    )


@transaction.atomic
def save_answers(response, user, values, base_revisions):
    """Save a step of the questionnaire as draft.

    `values` maps indicator id -> forms.AnswerValue; `base_revisions` maps indicator id -> the
    revision the user's form started from (0: no answer then). If another member changed one of
    the answers this user also changed, nothing is written and the conflicts are returned: the
    second writer sees the other's value and decides."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    if not permissions.can_edit_response(user, response):
        raise PermissionDenied("Ce questionnaire n'accepte plus de réponses.")
    versions = {
        vi.indicator_id: vi
        for vi in VersionIndicator.objects.filter(
            version=response.campaign.version_id, indicator_id__in=list(values)
        )
    }
    current = {
        a.indicator_id: a
        for a in Answer.objects.select_for_update().filter(
            response=response, indicator_id__in=list(values)
        )
    }
    result = SaveResult()
    changes = []
    for indicator_id, value in values.items():
        answer = current.get(indicator_id)
        if answer is not None and _same_value(answer, value):
            if _only_ticks_changed(answer, value):
                changes.append((indicator_id, value, answer))
            continue
        if answer is None and value.is_empty:
            continue
        if value.untouched:
            # Shown and sent back as it was: another member's newer value stays.
            continue
        base = base_revisions.get(indicator_id, 0)
        if (answer.revision if answer else 0) != base:
            result.conflicts.append(Conflict(versions[indicator_id], answer))
            continue
        changes.append((indicator_id, value, answer))
    if result.conflicts:
        return result
    for indicator_id, value, answer in changes:
        if answer is None:
            answer = Answer(response=response, indicator_id=indicator_id, revision=0)
        answer.number = value.number
        answer.text = value.text
        answer.breakdown = value.breakdown
        answer.breakdown_confirmed = value.confirmed_breakdown
        answer.prefilled = False
        answer.revision += 1
        answer.updated_by = user
        answer.save()
        result.saved.append(answer)
    if result.saved:
        response.save(update_fields=["updated_at"])
        record_action(
            user,
            Action.PILOTAGE_SAVE,
            response,
            details={"indicateurs": sorted(versions[a.indicator_id].code for a in result.saved)},
        )
    return result


def unconfirmed_breakdowns(response):
    """Answers whose breakdown does not add up to their total, not confirmed yet (1 query)."""
    return [
        answer
        for answer in response.answers.filter(breakdown_confirmed=False)
        .exclude(breakdown={})
        .select_related("indicator")
        .order_by("indicator__enjeu", "indicator__position", "indicator__code")
        if breakdown_warning(answer.number, answer.breakdown)
    ]


def submission_blockers(response):
    """Why the questionnaire cannot be transmitted yet: [(question, reason)] in questionnaire
    order, each question a VersionIndicator (its field_id and enjeu link to its input)."""
    questions = {
        vi.indicator_id: vi
        for vi in VersionIndicator.objects.filter(version=response.campaign.version_id)
    }
    blockers = [(vi, "question obligatoire sans réponse") for vi in missing_required(response)]
    for answer in response.answers.filter(prefilled=True):
        if answer.indicator_id in questions:
            blockers.append(
                (
                    questions[answer.indicator_id],
                    "valeur reprise du trimestre précédent, à confirmer ou corriger",
                )
            )
    for answer in unconfirmed_breakdowns(response):
        if answer.indicator_id in questions:
            blockers.append(
                (
                    questions[answer.indicator_id],
                    "la ventilation ne correspond pas au total : corrigez-la ou cochez "
                    "« Je confirme ces chiffres »",
                )
            )
    order = {enjeu: index for index, enjeu in enumerate(ENJEU_ORDER)}
    blockers.sort(key=lambda item: (order.get(item[0].enjeu, 99), item[0].position, item[0].code))
    return blockers


def missing_answers(response):
    """Questions without an answer, required or not, in questionnaire order."""
    answered = set(
        response.answers.exclude(number__isnull=True, text="").values_list(
            "indicator_id", flat=True
        )
    )
    return [
        vi
        for vi in VersionIndicator.objects.filter(version=response.campaign.version_id).order_by(
            "position", "code"
        )
        if vi.indicator_id not in answered
    ]


def missing_required(response):
    """Required questions without an answer, in questionnaire order."""
    return [vi for vi in missing_answers(response) if vi.required]


def closed_message(response):
    """Why a member's page can no longer write: said on the page, in French, with who and when."""
    if response.is_submitted:
        by = f" par {response.submitted_by.display_name}" if response.submitted_by else ""
        when = timezone.localtime(response.submitted_at)
        return (
            f"Le questionnaire a été transmis le {when:%d/%m/%Y à %H:%M}{by} : il n'est plus "
            "modifiable. Pour le corriger, demandez à l'équipe nationale (ANCT) de le rouvrir."
        )
    campaign = response.campaign
    if campaign.is_closed and campaign.closed_on:
        why = f"l'ANCT a clos la campagne le {campaign.closed_on:%d/%m/%Y}"
        # The cité's own deadline: an extension it was granted and told of (the closing ended
        # it and cleared extended_until; its notice keeps the date) is its deadline.
        told = CampaignNotice.objects.filter(
            campaign=campaign, cite=response.cite_id, kind=NoticeKind.ENDED
        ).values_list("ended_until", flat=True)
        extensions = [response.extended_until, *told]
        deadline = max([campaign.closes_on, *(day for day in extensions if day)])
        if campaign.closed_on < deadline:
            why += f", avant l'échéance annoncée du {deadline:%d/%m/%Y}"
    elif campaign.is_closed:
        why = "la campagne est close"
    else:
        why = f"son échéance est passée le {response.deadline:%d/%m/%Y}"
    return (
        f"Ce questionnaire n'accepte plus de réponses : {why}. Pour le compléter, demandez à "
        "l'équipe nationale (ANCT) de le rouvrir."
    )


@transaction.atomic
def submit_response(response, user):
    response = Response.objects.select_for_update().get(pk=response.pk)
    if permissions.can_view_cite_answers(user, response.cite) and not response.accepts_answers():
        # A second tab, or another coordinator first: say what happened instead of a bare 403.
        raise ValidationError(closed_message(response))
    if not permissions.can_submit_response(user, response):
        raise PermissionDenied("Seule la coordination de la cité transmet le questionnaire.")
    missing = missing_required(response)
    if missing:
        raise ValidationError(
            [f"Question obligatoire sans réponse : {vi.label}." for vi in missing]
        )
    if response.answers.filter(prefilled=True).exists():
        raise ValidationError(
            "Des réponses reprises du trimestre précédent n'ont pas été vérifiées : "
            "confirmez-les ou corrigez-les avant de transmettre."
        )
    unconfirmed = unconfirmed_breakdowns(response)
    if unconfirmed:
        raise ValidationError(
            [
                f"La ventilation ne correspond pas au total : {answer.indicator.label}. "
                "Corrigez-la ou cochez « Je confirme ces chiffres »."
                for answer in unconfirmed
            ]
        )
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = timezone.now()
    response.submitted_by = user
    response.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    record_action(user, Action.PILOTAGE_SUBMIT, response)
    return response


# --- Reminders -------------------------------------------------------------------------------

REMINDER_DAYS = {ReminderKind.J7: 7, ReminderKind.J1: 1}


def due_reminder_kind(deadline, today):
    """The reminder due today for a cité whose deadline is `deadline`, if any."""
    for kind, days in REMINDER_DAYS.items():
        if deadline - timedelta(days=days) == today:
            return kind
    return None


def extended_deadlines(campaign):
    """{cite_id: extended deadline} of the cités ANCT gave more time (1 query)."""
    return dict(
        campaign.responses.filter(extended_until__isnull=False).values_list(
            "cite_id", "extended_until"
        )
    )


def send_due_reminders(today=None):
    """J-7 and J-1 before each cité's own deadline (the campaign's closing date, or the later one
    ANCT gave it), to every cité of an open campaign that has not submitted. A reminder of the
    campaign's date would contradict an extension the cité was told about.
    The Reminder row is created before the e-mail, in the same transaction as the check:
    a second run (or a concurrent one) finds it and sends nothing."""
    today = today or date.today()
    sent = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN):
        extended = extended_deadlines(campaign)
        for cite in cites_not_submitted(campaign):
            kind = due_reminder_kind(extended.get(cite.pk, campaign.closes_on), today)
            if kind is None:
                continue
            with transaction.atomic():
                reminder, created = Reminder.objects.get_or_create(
                    campaign=campaign, cite=cite, kind=kind
                )
                if not created:
                    continue
                record_action(
                    None, Action.PILOTAGE_REMIND, reminder, target_label=f"{cite} — {kind}"
                )
                transaction.on_commit(
                    lambda pk=reminder.pk: send_reminder_email.enqueue(pk), robust=True
                )
                sent += 1
    return sent


def cites_not_submitted(campaign):
    """Published cités whose answers for this campaign are not submitted."""
    from cites.models import Cite

    submitted = campaign.responses.filter(status=ResponseStatus.SUBMITTED).values("cite_id")
    waiting = Cite.objects.published().exclude(pk__in=submitted)
    # By short name, in French order: "Est Ensemble" under E, not under "d'Est…".
    return sorted(waiting, key=lambda cite: sort_key(cite.short_name))


def last_revision_numbers(response):
    return dict(response.answers.values_list("indicator_id", "revision"))


def max_campaign_version():
    return QuestionnaireVersion.objects.aggregate(m=Max("number"))["m"]
