from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cde_site import views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("comptes/mes-donnees/", include("rgpd.urls")),
    path("comptes/", include("accounts.urls")),
    path("comptes/", include("allauth.urls")),
    path("cites/", include("cites.urls")),
    path("champs-action/", include("themes.urls")),
    path("cafes-cites/", include("cafes_cites.urls")),
    path("groupes/", include("groups.urls")),
    path("notifications/", include("notifications.urls")),
    path("ressources/", include("ressources.urls")),
    path("", include("search.urls")),
    path("", include("pilotage.urls")),
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
