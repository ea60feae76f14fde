from django.apps import apps
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from rgpd import services
from rgpd.export import build_export, export_filename
from rgpd.forms import DeleteAccountForm
from rgpd.retention import retention_rules

FAILED_ATTEMPTS_KEY = "rgpd_delete_password_failures"
MAX_FAILED_ATTEMPTS = 5


def _breadcrumb(*crumbs):
    return [{"label": "Mon profil", "url": reverse("accounts:profile")}, *crumbs]


@login_required
def my_data(request):
    context = {
        "breadcrumb": _breadcrumb({"label": "Mes données"}),
        "retention_rules": retention_rules(),
        # pilotage/ is pluggable: its answers are named only where the app exports them.
        "exports_pilotage": apps.is_installed("pilotage"),
    }
    return render(request, "rgpd/my_data.html", context)


@login_required
@require_POST
def export(request):
    """POST (a button, not a link): building the archive is work no prefetch should trigger."""
    response = FileResponse(
        build_export(request.user),
        as_attachment=True,
        filename=export_filename(request.user),
        content_type="application/zip",
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
def delete_account(request):
    user = request.user
    if user.is_superuser:
        messages.error(
            request,
            "Un compte administrateur ne peut pas être supprimé d'ici : demandez d'abord à un "
            "autre administrateur de lui retirer ce statut.",
        )
        return redirect("rgpd:my_data")
    form = DeleteAccountForm(user, request.POST or None)
    if request.method == "POST" and not form.is_valid() and form.has_error("password"):
        # The password prompt must not become a way around the login lockout: after a few wrong
        # passwords the session ends, and logging in again goes through django-axes.
        failures = request.session.get(FAILED_ATTEMPTS_KEY, 0) + 1
        request.session[FAILED_ATTEMPTS_KEY] = failures
        if failures >= MAX_FAILED_ATTEMPTS:
            logout(request)
            messages.error(request, "Trop de mots de passe incorrects : reconnectez-vous.")
            return redirect("account_login")
    if request.method == "POST" and form.is_valid():
        services.erase_account(user)
        logout(request)
        messages.success(
            request,
            "Votre compte a été supprimé. Vos contributions restent visibles sous le nom "
            "« Compte supprimé ».",
        )
        return redirect("/")
    context = {
        "form": form,
        "breadcrumb": _breadcrumb(
            {"label": "Mes données", "url": reverse("rgpd:my_data")},
            {"label": "Supprimer mon compte"},
        ),
    }
    return render(request, "rgpd/delete_account.html", context)
