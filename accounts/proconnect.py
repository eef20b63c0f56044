"""The OpenID Connect conversation with ProConnect, through Authlib.

Authlib reads the discovery document, keeps state and nonce in the session, exchanges the code
(client_secret_post, as ProConnect asks) and checks the ID token (signature from the JWKS,
issuer, audience, expiry, nonce). ProConnect answers the userinfo endpoint with a *signed JWT*
(application/jwt), which Authlib does not read: `identity` verifies it with the same key set.
"""

from __future__ import annotations

import json
import secrets

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from outreach.services.federation import Identity

# Asked for in the ID token so a multi-factor sign-in at ProConnect can stand for ours.
CLAIMS = json.dumps({"id_token": {"amr": {"essential": True}}})
TIMEOUT_SECONDS = 10
SIGNING_ALGORITHMS = ["RS256", "ES256"]
ID_TOKEN_SESSION_KEY = "proconnect_id_token"  # noqa: S105 — a session key name


class ProConnectError(Exception):
    """The federation's answer could not be trusted or understood."""


_clients: dict[tuple[str, str, str], object] = {}


def client():
    """The Authlib client for the configured ProConnect environment (one per configuration)."""
    key = (
        settings.PROCONNECT_DISCOVERY_URL,
        settings.PROCONNECT_CLIENT_ID,
        settings.PROCONNECT_CLIENT_SECRET,
    )
    if key not in _clients:
        _clients[key] = OAuth().register(
            name="proconnect",
            client_id=settings.PROCONNECT_CLIENT_ID,
            client_secret=settings.PROCONNECT_CLIENT_SECRET,
            server_metadata_url=settings.PROCONNECT_DISCOVERY_URL,
            client_kwargs={
                "scope": settings.PROCONNECT_SCOPES,
                "token_endpoint_auth_method": "client_secret_post",
                "timeout": TIMEOUT_SECONDS,
            },
        )
    return _clients[key]


def authorize_redirect(request, redirect_uri: str):
    """The redirect to ProConnect's authorization endpoint (state and nonce of 43 characters)."""
    return client().authorize_redirect(
        request,
        redirect_uri,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        claims=CLAIMS,
    )


def _decode_userinfo(app, content: bytes, id_claims: dict) -> dict:
    metadata = app.load_server_metadata()
    registry = JWSRegistry(algorithms=SIGNING_ALGORITHMS)
    try:
        try:
            token = jwt.decode(content, KeySet.import_key_set(app.fetch_jwk_set()), registry=registry)
        except JoseError:
            # A key rotated since the key set was read: read it again once.
            token = jwt.decode(
                content, KeySet.import_key_set(app.fetch_jwk_set(force=True)), registry=registry
            )
    except (JoseError, ValueError) as exc:
        raise ProConnectError(f"userinfo signature: {exc}") from exc
    claims = token.claims
    if claims.get("sub") != id_claims.get("sub"):
        raise ProConnectError("userinfo is about another subject than the ID token")
    if "iss" in claims and claims["iss"] != metadata.get("issuer"):
        raise ProConnectError("userinfo from another issuer")
    audience = claims.get("aud")
    if audience is not None and settings.PROCONNECT_CLIENT_ID not in (
        audience if isinstance(audience, list) else [audience]
    ):
        raise ProConnectError("userinfo for another client")
    return claims


def identity(request) -> tuple[Identity, str]:
    """(who ProConnect says signed in, their ID token for sign-out) after the redirect back."""
    app = client()
    try:
        token = app.authorize_access_token(
            request,
            claims_options={"iss": {"essential": True, "value": app.load_server_metadata()["issuer"]}},
        )
        id_claims = token.get("userinfo")
        if not id_claims:
            raise ProConnectError("no ID token")
        # ProConnect's access token lives 60 s, which Authlib's refresh margin already counts as
        # expired: send it as it is.
        response = requests.get(
            app.load_server_metadata()["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {token['access_token']}"},
            timeout=TIMEOUT_SECONDS,
        )
        response.raise_for_status()
    except (OAuthError, OSError, KeyError, requests.RequestException) as exc:
        raise ProConnectError(str(exc)) from exc
    if response.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
        claims = _decode_userinfo(app, response.content, id_claims)
    else:
        raise ProConnectError("userinfo is not a signed JWT")
    email = claims.get("email") or ""
    if not email:
        raise ProConnectError("no e-mail in userinfo")
    amr = id_claims.get("amr") or []
    return (
        Identity(
            sub=str(claims["sub"]),
            email=email,
            amr=[str(method) for method in amr] if isinstance(amr, list) else [],
            idp_id=str(claims.get("idp_id", "")),
        ),
        token["id_token"],
    )


def logout_redirect(request, *, id_token: str, post_logout_redirect_uri: str):
    """Sign out at ProConnect too (RP-initiated logout with id_token_hint and a state)."""
    return client().logout_redirect(
        request,
        post_logout_redirect_uri=post_logout_redirect_uri,
        id_token_hint=id_token,
        state=secrets.token_urlsafe(32),
    )


def logout_returned(request) -> bool:
    """True if the return from ProConnect's sign-out carries the state we sent."""
    try:
        client().validate_logout_response(request)
    except OAuthError:
        return False
    return True
