"""Every access decision of pilotage/. Views, exports, the API and the Mes données export call
these and nothing else.

A cité's answers are seen by its team (coordinator and partners) and by ANCT only; anyone else
gets the same 404 as for a cité that does not exist.
"""

from django.http import Http404

from accounts.roles import is_anct, is_cite_coordinator, is_cite_member
from cites.models import Cite

NOT_FOUND = "Cette page n'existe pas ou vous n'y avez pas accès."


def can_steer(user):
    """The national consolidation, the campaigns' management and the exports: ANCT only."""
    return is_anct(user)


def can_view_cite_answers(user, cite):
    return is_anct(user) or is_cite_member(user, cite)


def get_cite_for_answers_or_404(user, slug):
    cite = Cite.objects.filter(slug=slug).first()
    if cite is None or not can_view_cite_answers(user, cite):
        raise Http404(NOT_FOUND)
    return cite


def require_steering(user):
    if not can_steer(user):
        raise Http404(NOT_FOUND)


def can_edit_response(user, response):
    """The cité's team fills the draft in (partners contribute); ANCT reads."""
    return is_cite_member(user, response.cite) and response.accepts_answers()


def can_submit_response(user, response):
    return is_cite_coordinator(user, response.cite) and response.accepts_answers()
