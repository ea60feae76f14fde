from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from cites.forms import DirectoryFilterForm
from cites.models import Cite
from cites.permissions import can_see_coordinator_contact, get_cite_for_user_or_404
from cites.registry import panels_for

PAGE_SIZE = 24


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_filters()
    cites = Cite.objects.published().filter_directory(**filters).with_directory_data()
    page = Paginator(cites.order_by("short_name"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "title_filters": form.filter_labels(filters),
        "page_obj": page,
        "cites": page.object_list,
        "filtered": any(filters.values()),
        "total": Cite.objects.published().count(),
    }
    return render(request, "cites/directory.html", context)


def cite_detail(request, slug):
    cite = get_cite_for_user_or_404(request.user, slug)
    panels = panels_for(cite, request.user)
    context = {
        "cite": cite,
        "qpvs": cite.qpvs.all(),
        "axes": cite.axes.all(),
        "themes": cite.themes.ordered(),
        "publics": cite.publics_cibles.all(),
        "show_contact": can_see_coordinator_contact(request.user, cite),
        "panels": [panel for panel in panels if not panel.template],
        "sections": [panel for panel in panels if panel.template],
        "breadcrumb": [
            {"label": "Cités", "url": reverse("cites:directory")},
            {"label": cite.short_name},
        ],
    }
    return render(request, "cites/detail.html", context)
