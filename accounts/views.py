from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.forms import ProfileForm
from accounts.roles import role_label


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "Votre profil a été mis à jour.")
            return redirect("accounts:profile")
        messages.error(
            request, "Le profil n'a pas été enregistré : corrigez les erreurs indiquées."
        )
    else:
        form = ProfileForm(instance=request.user)
    context = {"form": form, "role": role_label(request.user)}
    return render(request, "accounts/profile.html", context)
