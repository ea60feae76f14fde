import secrets

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    _pick_data,
)
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from accounts.proconnect.views import NONCE_STATE_KEY, ProConnectOAuth2Adapter


class ProConnectProvider(OpenIDConnectProvider):
    id = "proconnect"
    name = "ProConnect"
    oauth2_adapter_class = ProConnectOAuth2Adapter
    pkce_enabled_default = True

    def get_login_url(self, request, **kwargs):
        url = reverse("proconnect_login")
        if kwargs:
            url = f"{url}?{urlencode(kwargs)}"
        return url

    def get_callback_url(self):
        return reverse("proconnect_callback")

    def get_oauth2_adapter(self, request):
        return self.oauth2_adapter_class(request, self.app.provider_id or self.id)

    def get_default_scope(self):
        return ["openid", "email", "given_name", "usual_name"]

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        # A fresh nonce per authorisation request, kept in allauth's server-side state (keyed by
        # the state parameter) and compared with the ID token's on the way back.
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        # The configured level wins over any auth_params of the login URL's query string.
        acr_values = self.app.settings.get("acr_values")
        if acr_values:
            auth_params["acr_values"] = " ".join(acr_values)
        return super().redirect(
            request,
            process,
            next_url,
            data,
            auth_params=auth_params,
            **{NONCE_STATE_KEY: nonce},
            **kwargs,
        )

    def extract_common_fields(self, data):
        fields = super().extract_common_fields(data)
        claims = _pick_data(data)
        fields["first_name"] = claims.get("given_name") or ""
        fields["last_name"] = claims.get("usual_name") or claims.get("family_name") or ""
        fields["email"] = (claims.get("email") or "").lower() or None
        fields.pop("username", None)
        return fields

    def extract_email_addresses(self, data):
        claims = _pick_data(data)
        email = (claims.get("email") or "").lower()
        if not email:
            return []
        # ProConnect vouches for the agents' addresses without an email_verified claim; an
        # explicit email_verified=false always wins.
        verified = claims.get("email_verified")
        if verified is None:
            verified = settings.PROCONNECT_TRUST_EMAIL
        return [EmailAddress(email=email, verified=bool(verified), primary=True)]


provider_classes = [ProConnectProvider]
