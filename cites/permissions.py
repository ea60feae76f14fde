"""Who may see what in the cités directory. Every view calls these."""

from django.http import Http404

from cites.models import Cite


def can_view_cite(user, cite):
    """Published fiches are public; unpublished ones only for ANCT editors in the admin."""
    return cite.is_published


def get_cite_for_user_or_404(user, slug):
    cite = Cite.objects.filter(slug=slug).first()
    if cite is None or not can_view_cite(user, cite):
        raise Http404("Cette cité n'existe pas.")
    return cite


def can_see_coordinator_contact(user, cite):
    """Contact details of the coordination are for registered professionals only."""
    return user.is_authenticated
