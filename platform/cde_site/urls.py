from django.apps import apps
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


def library_urls():
    """Open data (docs/api.md): Wagtail's API v2 for the library, through commons.api.public_api
    (CORS, ETag, rate limit); and Wagtail images, served only to whoever may open a live page
    using them (before the DEBUG media route, which would serve them to anyone; under an object
    storage their URLs are presigned and never reach these routes)."""
    from ressources import api as ressources_api
    from ressources import views as ressources_views

    api_router = WagtailAPIRouter("wagtailapi")
    api_router.register_endpoint("ressources", ressources_api.RessourcesAPIViewSet)
    api_router.register_endpoint("bulletins", ressources_api.BulletinsAPIViewSet)
    api_v2_patterns = api_router.get_urlpatterns()
    decorate_urlpatterns(api_v2_patterns, public_api(last_modified=ressources_api.last_published))
    return [
        path("api/v2/", include((api_v2_patterns, "wagtailapi"), namespace="wagtailapi")),
        *(
            path(
                f"{settings.MEDIA_URL.strip('/')}/{folder}/<path:name>",
                ressources_views.image_file,
                {"folder": folder},
            )
            for folder in ressources_views.IMAGE_FOLDERS
        ),
    ]


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
    ("mon-espace/", "espace"),
    ("ressources/", "ressources"),
    ("", "search"),
    ("", "pilotage"),
]

# The apps' open data endpoints (each registers its OpenAPI description, served at /api/schema/).
API_URLS = [("api/v1/", "cites.api", "cites"), ("api/v1/", "cafes_cites.api", "cafes_cites")]

urlpatterns = [
    *(library_urls() if apps.is_installed("ressources") else []),
    *(path(prefix, include(module)) for prefix, module, app in API_URLS if apps.is_installed(app)),
    path("api/schema/", views.api_schema, name="api_schema"),
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
# allauth's rate limits (allauth.core.internal.ratelimit.respond_429 looks it up here).
handler429 = "accounts.ratelimits.rate_limited"
