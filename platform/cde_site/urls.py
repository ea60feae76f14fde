from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cde_site import views

# Each pluggable app's URLs, mounted only when the app is installed (a site may drop any of them;
# the navigation and the account links leave out what does not resolve). Order matters: the
# more specific prefix first, and search's "" before the home page.
APP_URLS = [
    ("comptes/mes-donnees/", "rgpd"),
    ("comptes/", "accounts"),
    ("cites/", "cites"),
    ("champs-action/", "themes"),
    ("cafes-cites/", "cafes_cites"),
    ("groupes/", "groups"),
    ("notifications/", "notifications"),
    ("ressources/", "ressources"),
    ("", "search"),
]

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    *(path(prefix, include(f"{app}.urls")) for prefix, app in APP_URLS if apps.is_installed(app)),
    path("comptes/", include("allauth.urls")),
    path("sante/", views.health, name="health"),
    path("", wagtail_views.serve, {"path": ""}, name="home"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree last: it catches every other path.
urlpatterns += [path("", include(wagtail_urls))]

handler403 = "cde_site.views.permission_denied"
handler404 = "cde_site.views.page_not_found"
handler500 = "cde_site.views.server_error"
