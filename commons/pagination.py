"""A list page's number from the query string: a number past the last page is a 404, not page 1
again under the title « page N » (Django's get_page would silently clamp it)."""

from django.core.paginator import InvalidPage
from django.http import Http404


def page_or_404(paginator, number):
    if number in (None, ""):
        return paginator.page(1)
    try:
        return paginator.page(number)
    except InvalidPage as error:
        raise Http404("Cette page de la liste n'existe pas.") from error
