"""ProConnect sessions: logging out of the platform also ends the ProConnect session
(RP-initiated logout, which ProConnect requires), with the ID token kept from the login."""

import logging
import secrets

import requests
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.http import urlencode

ID_TOKEN_SESSION_KEY = "proconnect_id_token"  # noqa: S105 (a session key, not a secret)

logger = logging.getLogger(__name__)


def remember_id_token(sender, request, user, **kwargs):
    """allauth's user_logged_in: keep the ID token of a ProConnect login in the new session."""
    id_token = getattr(request, "_proconnect_id_token", None)
    sociallogin = kwargs.get("sociallogin")
    if id_token and sociallogin is not None and sociallogin.account.provider == "proconnect":
        request.session[ID_TOKEN_SESSION_KEY] = id_token


def end_session_url(request):
    """ProConnect's logout URL for this session, or None (not a ProConnect login, or no
    end_session_endpoint). Called before the platform session ends."""
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not id_token:
        return None
    from accounts.proconnect.views import ProConnectOAuth2Adapter

    try:
        endpoint = ProConnectOAuth2Adapter(request).openid_config.get("end_session_endpoint")
    except (SocialApp.DoesNotExist, requests.RequestException, OAuth2Error, ValueError):
        logger.warning("Déconnexion ProConnect impossible : configuration inaccessible.")
        return None
    if not endpoint:
        return None
    back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": secrets.token_urlsafe(16),
            "post_logout_redirect_uri": back,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
