"""Verification of signed JWTs (ID tokens, ProConnect's user info) with `cryptography`.

allauth's own helper needs PyJWT, which the platform does not install. This covers what an OpenID
Connect relying party needs and nothing more: compact JWS, an allow-list of asymmetric algorithms
(never "none" nor HMAC), keys from the provider's JWKS, and the registered claims.
"""

import base64
import json
import time

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.core.cache import cache

LEEWAY = 60  # seconds of clock skew tolerated on exp, iat and nbf
JWKS_CACHE_SECONDS = 300

_HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
_CURVES = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1, "P-521": ec.SECP521R1}
ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
)


class InvalidToken(Exception):
    pass


def _b64decode(value):
    if isinstance(value, str):
        value = value.encode("ascii")
    return base64.urlsafe_b64decode(value + b"=" * (-len(value) % 4))


def _int(value):
    return int.from_bytes(_b64decode(value), "big")


def _public_key(jwk):
    try:
        if jwk.get("kty") == "RSA":
            return rsa.RSAPublicNumbers(_int(jwk["e"]), _int(jwk["n"])).public_key()
        if jwk.get("kty") == "EC" and jwk.get("crv") in _CURVES:
            curve = _CURVES[jwk["crv"]]()
            x, y = _int(jwk["x"]), _int(jwk["y"])
            return ec.EllipticCurvePublicNumbers(x, y, curve).public_key()
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidToken("Clé du fournisseur mal formée.") from error
    raise InvalidToken("Type de clé non pris en charge.")


def _fetch_jwks(url, *, refresh=False):
    key = f"proconnect:jwks:{url}"
    keys = None if refresh else cache.get(key)
    if keys is None:
        response = requests.get(url, timeout=10)
        response.raise_for_status()
        keys = response.json().get("keys", [])
        cache.set(key, keys, JWKS_CACHE_SECONDS)
    return keys


def _find_key(jwks_url, header):
    kty = "RSA" if header["alg"][0] in "RP" else "EC"
    for refresh in (False, True):  # a key rotation: fetch the JWKS again once
        candidates = [
            k
            for k in _fetch_jwks(jwks_url, refresh=refresh)
            if k.get("kty") == kty and k.get("use", "sig") == "sig"
        ]
        if header.get("kid"):
            candidates = [k for k in candidates if k.get("kid") == header["kid"]]
        if len(candidates) == 1 or (candidates and not header.get("kid")):
            return _public_key(candidates[0])
    raise InvalidToken("Aucune clé du fournisseur ne correspond au jeton.")


def _verify_signature(key, alg, signing_input, signature):
    hash_algorithm = _HASHES[alg[2:]]()
    try:
        if alg.startswith("RS"):
            key.verify(signature, signing_input, padding.PKCS1v15(), hash_algorithm)
        elif alg.startswith("PS"):
            pss = padding.PSS(
                mgf=padding.MGF1(hash_algorithm), salt_length=hash_algorithm.digest_size
            )
            key.verify(signature, signing_input, pss, hash_algorithm)
        else:
            size = len(signature) // 2
            der = encode_dss_signature(
                int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
            )
            key.verify(der, signing_input, ec.ECDSA(hash_algorithm))
    except InvalidSignature as error:
        raise InvalidToken("Signature du jeton invalide.") from error


def verify(token, *, jwks_url, issuer, audience, now=None):
    """The claims of `token` once its signature, issuer, audience and dates are checked."""
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(_b64decode(header_b64))
        claims = json.loads(_b64decode(payload_b64))
        signature = _b64decode(signature_b64)
    except (ValueError, TypeError) as error:
        raise InvalidToken("Jeton mal formé.") from error
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise InvalidToken("Jeton mal formé.")
    if header.get("alg") not in ALGORITHMS:
        raise InvalidToken(f"Algorithme refusé : {header.get('alg')!r}.")
    key = _find_key(jwks_url, header)
    _verify_signature(key, header["alg"], f"{header_b64}.{payload_b64}".encode("ascii"), signature)

    now = time.time() if now is None else now
    if claims.get("iss") != issuer:
        raise InvalidToken("Émetteur du jeton inattendu.")
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else list(audiences or [])
    if audience not in audiences:
        raise InvalidToken("Jeton destiné à une autre application.")
    if len(audiences) > 1 and claims.get("azp") != audience:
        raise InvalidToken("Jeton destiné à une autre application.")
    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] < now - LEEWAY:
        raise InvalidToken("Jeton expiré.")
    if isinstance(claims.get("nbf"), (int, float)) and claims["nbf"] > now + LEEWAY:
        raise InvalidToken("Jeton pas encore valide.")
    if isinstance(claims.get("iat"), (int, float)) and claims["iat"] > now + LEEWAY:
        raise InvalidToken("Jeton émis dans le futur.")
    return claims
