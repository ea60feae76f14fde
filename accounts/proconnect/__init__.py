"""ProConnect (the French State's OpenID Connect login for agents) as an allauth provider.

Built on allauth's generic OpenID Connect provider, with what ProConnect requires on top: a nonce
sent with each authorisation request and checked in the ID token, ID token signatures always
verified, user info that may come back as a signed JWT, and ProConnect's claims (given_name,
usual_name). Configured by the environment (cde_site.settings.base: PROCONNECT_*).
"""
