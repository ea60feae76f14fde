import mimetypes
import posixpath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from accounts.forms import ProfileForm
from accounts.roles import role_label
from accounts.services import update_profile
from commons.storage import private_file_response


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=request.user)
        if form.is_valid():
            update_profile(form)
            messages.success(request, "Votre profil a été mis à jour.", extra_tags="cde-focus")
            return redirect("accounts:profile")
        messages.error(
            request, "Le profil n'a pas été enregistré : corrigez les erreurs indiquées."
        )
    else:
        form = ProfileForm(instance=request.user)
    context = {
        "form": form,
        "role": role_label(request.user),
        "breadcrumb": [{"label": "Mon profil"}],
    }
    return render(request, "accounts/profile.html", context)


@login_required
def photo(request):
    """The logged-in user's own profile photo (private storage: no other address serves it)."""
    user = request.user
    if not user.photo:
        raise Http404("Aucune photo.")
    extension = posixpath.splitext(user.photo.name)[1].lower()
    content_type = mimetypes.guess_type(f"photo{extension}")[0] or "application/octet-stream"
    return private_file_response(
        user.photo, filename=f"photo{extension}", content_type=content_type, as_attachment=False
    )
