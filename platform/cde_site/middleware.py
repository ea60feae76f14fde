from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control

from commons.urls import remember_served_origin


class ServedAddressMiddleware:
    """Demo without SITE_URL: links in e-mails and .ics files use the address this server
    actually answers on (`runserver 0.0.0.0:9000`, a forwarded port), not a guess
    (commons.urls). DEBUG only, where ALLOWED_HOSTS holds local names: in production SITE_URL
    is the public address and a Host header is never trusted for links."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG and not settings.SITE_URL:
            remember_served_origin(f"{request.scheme}://{request.get_host()}")
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Pages seen by a logged-in user may hold reserved content: never let a shared cache keep them.

    Views can also mark a response private explicitly (e.g. a reserved group page).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with two policies: the site's (settings.CONTENT_SECURITY_POLICY, no inline
    script) and the Wagtail admin's (settings.CONTENT_SECURITY_POLICY_ADMIN), whose editor still
    writes inline scripts. ProConnect's origin is added to form-action when it is configured: the
    login button posts to the platform, which redirects to ProConnect."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        # Browser features the platform never uses (camera, microphone, location…), closed to
        # its pages and to any frame they might embed.
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if parts.config is None and _is_admin_path(request.path_info):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        origin = _proconnect_origin()
        if origin:
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), origin]
            parts.update = update
        return parts


class AdminAccessMiddleware:
    """A logged-in person without admin rights who opens /admin/ gets a plain French refusal.
    Wagtail would send her to its login URL, which is the site's login page: already logged in,
    allauth sends her back to /admin/, and the browser loops until it gives up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            _is_admin_path(request.path_info)
            and user is not None
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
            and not request.path_info.startswith(("/admin/login/", "/admin/logout/"))
        ):
            return render(
                request,
                "403.html",
                {
                    "lead": "L'administration est réservée à l'équipe nationale et aux éditeurs.",
                    # The page adds « Pour toute question sur votre accès, écrivez à l'équipe
                    # nationale : <address> » (error_body.html): not said twice.
                    "detail": "Votre compte n'y a pas accès.",
                },
                status=403,
            )
        return self.get_response(request)


class DemoNotFoundMiddleware:
    """In the demo (DEBUG), a missing or private page shows the site's own French 404, as in
    production, instead of Django's English debug page listing every URL pattern: the demo's
    visitors are the platform's users, and "private looks missing" must look the same there.
    DEBUG_TECHNICAL_404 brings the debug page back for developers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # An address no URL pattern matches never reaches a view (so not process_exception):
        # Django answers with its debug page listing every route. Resolve it first.
        if settings.DEBUG and not getattr(settings, "DEBUG_TECHNICAL_404", False):
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404:
                return render(request, "404.html", status=404)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if (
            isinstance(exception, Http404)
            and settings.DEBUG
            and not getattr(settings, "DEBUG_TECHNICAL_404", False)
        ):
            return render(request, "404.html", status=404)
        return None


def _is_admin_path(path):
    return path.startswith("/admin/")


def _proconnect_origin():
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("proconnect", {}).get("APPS", [])
    for app in apps:
        url = urlsplit(app.get("settings", {}).get("server_url", ""))
        if url.scheme and url.netloc:
            return f"{url.scheme}://{url.netloc}"
    return None
