from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from cde_site import views
from commons.api import public_api
from ressources import api as ressources_api
from ressources import views as ressources_views

# Open data (docs/api.md): Wagtail's API v2 for the library, JSON endpoints of the apps, and their
# OpenAPI description. All go through commons.api.public_api (CORS, ETag, rate limit).
api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("ressources", ressources_api.RessourcesAPIViewSet)
api_router.register_endpoint("bulletins", ressources_api.BulletinsAPIViewSet)
api_v2_patterns = api_router.get_urlpatterns()
decorate_urlpatterns(api_v2_patterns, public_api(last_modified=ressources_api.last_published))

urlpatterns = [
    path("api/v2/", include((api_v2_patterns, "wagtailapi"), namespace="wagtailapi")),
    path("api/v1/", include("cites.api")),
    path("api/v1/", include("cafes_cites.api")),
    path("api/schema/", views.api_schema, name="api_schema"),
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
    path("mon-espace/", include("espace.urls")),
    path("ressources/", include("ressources.urls")),
    path("", include("search.urls")),
    path("", include("pilotage.urls")),
    path("sante/", views.health, name="health"),
    path("", wagtail_views.serve, {"path": ""}, name="home"),
]

# Wagtail images follow the pages that use them (before the DEBUG media route, which would serve
# them to anyone). Under an object storage their URLs are presigned and never reach these routes.
urlpatterns += [
    path(
        f"{settings.MEDIA_URL.strip('/')}/{folder}/<path:name>",
        ressources_views.image_file,
        {"folder": folder},
    )
    for folder in ressources_views.IMAGE_FOLDERS
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree last: it catches every other path.
urlpatterns += [path("", include(wagtail_urls))]

handler403 = "cde_site.views.permission_denied"
handler404 = "cde_site.views.page_not_found"
handler500 = "cde_site.views.server_error"
