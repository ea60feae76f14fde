from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.http import Http404
from django.urls import reverse

from accounts.proconnect import jws

# Where the provider keeps each request's nonce in allauth's server-side state.
NONCE_STATE_KEY = "proconnect_nonce"


class InsufficientAuthenticationLevel(OAuth2Error):
    """The ID token's acr is not one of PROCONNECT_ACR_VALUES. Its user_message is shown on the
    "Connexion refusée" page."""

    user_message = (
        "Le moyen d'identification utilisé sur ProConnect n'offre pas le niveau de sécurité "
        "demandé par la plateforme. Reconnectez-vous avec un moyen plus sûr (par exemple le "
        "compte de votre administration) ou utilisez votre adresse électronique et votre mot "
        "de passe."
    )


class ProConnectOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    expected_nonce = None

    def __init__(self, request, provider_id="proconnect"):
        super().__init__(request, provider_id)

    def get_callback_url(self, request, app):
        return build_absolute_uri(
            request, reverse("proconnect_callback"), self.redirect_uri_protocol
        )

    def complete_login(self, request, app, token, **kwargs):
        id_token_str = kwargs["response"].get("id_token")
        if not id_token_str:
            raise OAuth2Error("ProConnect n'a pas renvoyé de jeton d'identité.")
        id_token = self._decode_id_token(app, id_token_str)
        request._proconnect_id_token = id_token_str  # for the logout (accounts.proconnect.session)
        data = {"id_token": id_token}
        if app.settings.get("fetch_userinfo", True):
            userinfo = self._fetch_user_info(token.token)
            if userinfo.get("sub") != id_token.get("sub"):
                raise OAuth2Error(
                    "Les informations de l'utilisateur ne correspondent pas au jeton."
                )
            data["userinfo"] = userinfo
        return self.get_provider().sociallogin_from_response(request, data)

    def _decode_id_token(self, app, id_token):
        # Always check the signature (allauth may skip it for tokens fetched over TLS), then the
        # nonce: it must be the one this browser's session sent with the authorisation request.
        claims = self._verify(id_token, app.client_id)
        if not self.expected_nonce or claims.get("nonce") != self.expected_nonce:
            raise OAuth2Error("Le nonce du jeton d'identité ne correspond pas à la demande.")
        # acr_values is only a request: the provider may authenticate at another level (or the
        # query string may have been edited). Only the signed claim counts.
        required = app.settings.get("acr_values")
        if required and claims.get("acr") not in required:
            raise InsufficientAuthenticationLevel(
                f"Niveau d'authentification {claims.get('acr')!r} refusé (attendu : "
                f"{', '.join(required)})."
            )
        return claims

    def _fetch_user_info(self, access_token):
        # ProConnect answers with a signed JWT (application/jwt); other providers with JSON.
        headers = {"Authorization": f"Bearer {access_token}"}
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers=headers)
            response.raise_for_status()
        if response.headers.get("Content-Type", "").startswith("application/jwt"):
            return self._verify(response.text.strip(), self.get_provider().app.client_id)
        return response.json()

    def _verify(self, token, client_id):
        try:
            return jws.verify(
                token,
                jwks_url=self.openid_config["jwks_uri"],
                issuer=self.openid_config["issuer"],
                audience=client_id,
            )
        except jws.InvalidToken as error:
            raise OAuth2Error(str(error)) from error


class ProConnectCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        if state is not None:
            self.adapter.expected_nonce = state.get(NONCE_STATE_KEY)
        return state, response


def _not_found_unless_configured(view):
    """404 while ProConnect is not configured (no client id/secret in the environment)."""

    @login_not_required
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except SocialApp.DoesNotExist as error:
            raise Http404 from error

    return wrapper


login = _not_found_unless_configured(OAuth2LoginView.adapter_view(ProConnectOAuth2Adapter))
callback = _not_found_unless_configured(
    ProConnectCallbackView.adapter_view(ProConnectOAuth2Adapter)
)
