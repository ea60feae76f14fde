from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from themes.models import Theme
from themes.registry import sections_for


def theme_index(request):
    return render(request, "themes/index.html", {"themes": Theme.objects.ordered()})


def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    context = {
        "theme": theme,
        "sections": sections_for(theme, request.user),
        "other_themes": Theme.objects.ordered().exclude(pk=theme.pk),
        "breadcrumb": [
            {"label": "Champs d'action", "url": reverse("themes:index")},
            {"label": theme.short_label},
        ],
    }
    return render(request, "themes/detail.html", context)
