import mimetypes
import posixpath
from urllib.parse import urlencode

from allauth.account import views as allauth_views
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

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
        # The error summary (focused) and each field's message say it: no third banner.
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


class EmailView(allauth_views.EmailView):
    """allauth's « Adresses électroniques » page, which said nothing when « Renvoyer le courriel
    de vérification » sent nothing (an address already confirmed, or allauth's rate limit)."""

    def _action_send(self, request, *args, **kwargs):
        address = EmailAddress.objects.filter(
            user=request.user, email__iexact=request.POST.get("email", "")
        ).first()
        if address is not None and address.verified:
            # allauth would mail a link that confirms nothing new.
            text = f"L’adresse {address.email} est déjà confirmée : rien à renvoyer."
            messages.info(request, text, extra_tags="cde-focus")
            return None
        response = super()._action_send(request, *args, **kwargs)
        if address is not None and not self._did_send_verification_email:
            text = (
                f"Plusieurs courriels de confirmation ont déjà été envoyés à {address.email} "
                "il y a peu : les liens déjà reçus restent valables, le premier comme le dernier "
                "(pensez aux courriels indésirables). Vous pourrez en demander un autre dans un "
                "quart d’heure."
            )
            messages.info(request, text, extra_tags="cde-focus")
        return response

    def _action_primary(self, request, *args, **kwargs):
        from allauth.account.internal.flows.manage_email import can_mark_as_primary

        address = self._get_email_address(request)
        if address is not None and address.primary:
            text = f"L’adresse {address.email} est déjà votre adresse principale."
            messages.info(request, text, extra_tags="cde-focus")
            return None
        if address is not None and not can_mark_as_primary(address):
            # allauth says « Votre adresse électronique principale doit être vérifiée », as if
            # the current one were at fault, and the radio went back to it.
            messages.error(
                request,
                f"Confirmez d’abord l’adresse {address.email} (lien du courriel reçu, ou "
                "« Renvoyer le courriel de vérification ») avant d’en faire votre adresse "
                "principale.",
            )
            return redirect(f"{reverse('account_email')}?{urlencode({'adresse': address.email})}")
        return super()._action_primary(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        radios = context.get("emailaddress_radios", [])
        chosen = self.request.GET.get("adresse", "").lower()
        if chosen and any(r["emailaddress"].email.lower() == chosen for r in radios):
            for radio in radios:
                radio["checked"] = radio["emailaddress"].email.lower() == chosen
        # One address, the primary one: neither « Définir comme principale » nor « Supprimer »
        # can do anything but fail.
        context["single_address"] = len(radios) == 1 and radios[0]["emailaddress"].primary
        return context


email = login_required(EmailView.as_view())
