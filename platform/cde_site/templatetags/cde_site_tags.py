from django import template

from cde_site.models import ContentPage

register = template.Library()


@register.simple_tag
def footer_pages():
    """Live, public content pages flagged for the footer (accessibilité, mentions légales…)."""
    return list(ContentPage.objects.live().public().filter(show_in_footer=True).order_by("path"))
