"""A small OpenID Connect provider that behaves like ProConnect, for the tests.

Started on a port the kernel picks; signs ID tokens and userinfo (a JWT, as ProConnect answers)
with its own RSA key through `cryptography`, independently of the client's JOSE library. Like
ProConnect it refuses unknown authorization parameters, short state/nonce and anything but
client_secret_post, and ends sessions with id_token_hint + state + post_logout_redirect_uri.
The test chooses who "signs in" (`provider.identity`) before following the redirect.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CLIENT_ID = "maraude-test-client"
CLIENT_SECRET = "maraude-test-secret-" + "s" * 20
AUTHORIZE_PARAMS = {
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "claims",
    "acr_values",
    "prompt",
    "idp_hint",
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass
class Identity:
    email: str
    sub: str = field(default_factory=lambda: secrets.token_hex(16))
    given_name: str = "Camille"
    usual_name: str = "Martin"
    siret: str = "13002526500013"
    amr: list[str] = field(default_factory=lambda: ["pwd"])


class Provider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        self.identity: Identity | None = None
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.logouts: list[dict] = []
        self.token_requests: list[dict] = []
        self.tamper_userinfo = False  # sign userinfo with another key
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}/api/v2"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- lifecycle ------------------------------------------------------------------------------
    def __enter__(self) -> Provider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    # --- signing --------------------------------------------------------------------------------
    def sign(self, claims: dict, *, key=None) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
        signature = (key or self.key).sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{b64url(signature)}"

    def jwks(self) -> dict:
        numbers = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": self.kid,
                    "n": _int_b64(numbers.n),
                    "e": _int_b64(numbers.e),
                }
            ]
        }

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "end_session_endpoint": f"{self.issuer}/session/end",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "userinfo_signing_alg_values_supported": ["RS256", "ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "scopes_supported": ["openid", "email", "given_name", "usual_name", "uid", "siret"],
        }

    # --- endpoints ------------------------------------------------------------------------------
    def authorize(self, query: dict) -> tuple[int, dict, bytes]:
        unknown = set(query) - AUTHORIZE_PARAMS
        problems = []
        if unknown:
            problems.append(f"unknown parameters {sorted(unknown)}")
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            problems.append("client or response type")
        if "openid" not in query.get("scope", "").split():
            problems.append("scope")
        if len(query.get("state", "")) < 32 or len(query.get("nonce", "")) < 32:
            problems.append("state/nonce shorter than 32")
        if problems or self.identity is None:
            return (
                400,
                {"Content-Type": "application/json"},
                json.dumps({"error": problems or ["nobody"]}).encode(),
            )
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "identity": self.identity,
            "nonce": query["nonce"],
            "redirect_uri": query["redirect_uri"],
            "claims": query.get("claims"),
            "at": time.time(),
        }
        location = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        return 302, {"Location": location}, b""

    def token(self, form: dict) -> tuple[int, dict, bytes]:
        self.token_requests.append(form)
        grant = self.codes.pop(form.get("code", ""), None)
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
            or form.get("redirect_uri") != grant["redirect_uri"]
            or time.time() - grant["at"] > 30
        ):
            return 400, {"Content-Type": "application/json"}, b'{"error": "invalid_grant"}'
        identity, now = grant["identity"], int(time.time())
        id_token = self.sign(
            {
                "iss": self.issuer,
                "sub": identity.sub,
                "aud": CLIENT_ID,
                "exp": now + 60,
                "iat": now,
                "auth_time": now,
                "nonce": grant["nonce"],
                "acr": "eidas1",
                "amr": identity.amr,
                "idp_id": "test-fi",
            }
        )
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = {"identity": identity, "id_token": id_token}
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 60, "id_token": id_token}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def userinfo(self, authorization: str) -> tuple[int, dict, bytes]:
        grant = self.tokens.get(authorization.removeprefix("Bearer ").strip())
        if grant is None:
            return 401, {"Content-Type": "application/json"}, b'{"error": "invalid_token"}'
        identity = grant["identity"]
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": identity.sub,
            "email": identity.email,
            "given_name": identity.given_name,
            "usual_name": identity.usual_name,
            "uid": "agent-42",
            "siret": identity.siret,
            "idp_id": "test-fi",
        }
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if self.tamper_userinfo else None
        return 200, {"Content-Type": "application/jwt"}, self.sign(claims, key=key).encode()

    def end_session(self, query: dict) -> tuple[int, dict, bytes]:
        hint = query.get("id_token_hint", "")
        known = any(grant["id_token"] == hint for grant in self.tokens.values())
        if not known or len(query.get("state", "")) < 32 or not query.get("post_logout_redirect_uri"):
            return 400, {"Content-Type": "application/json"}, b'{"error": "bad logout"}'
        self.logouts.append(query)
        location = query["post_logout_redirect_uri"] + "?" + urlencode({"state": query["state"]})
        return 303, {"Location": location}, b""

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, answer: tuple[int, dict, bytes]) -> None:
                status, headers, body = answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                path = url.path.removeprefix("/api/v2")
                if path == "/.well-known/openid-configuration":
                    self._send(
                        (200, {"Content-Type": "application/json"}, json.dumps(provider.metadata()).encode())
                    )
                elif path == "/jwks":
                    self._send(
                        (200, {"Content-Type": "application/json"}, json.dumps(provider.jwks()).encode())
                    )
                elif path == "/authorize":
                    self._send(provider.authorize(query))
                elif path == "/userinfo":
                    self._send(provider.userinfo(self.headers.get("Authorization", "")))
                elif path == "/session/end":
                    self._send(provider.end_session(query))
                else:
                    self._send((404, {}, b""))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path.removeprefix("/api/v2") == "/token":
                    self._send(provider.token(form))
                else:
                    self._send((404, {}, b""))

        return Handler
