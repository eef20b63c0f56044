"""Sign-in with ProConnect against a local OpenID Connect provider (tests/accounts/oidc_provider.py).

The front channel (browser redirects) is followed by hand: the test client for Maraude, plain
HTTP for the provider; the back channel (token, userinfo, JWKS) is Maraude's own.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests

from outreach.choices import Role
from outreach.models import Invitation, JournalEntry, User
from outreach.services import invitations
from tests.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET, Identity, Provider
from tests.factories import AdminFactory, FunderFactory, FunderUserFactory

pytestmark = pytest.mark.django_db
EMAIL = "camille.martin@nord.gouv.fr"


@pytest.fixture
def provider(settings):
    with Provider() as running:
        settings.PROCONNECT_ENABLED = True
        settings.PROCONNECT_DISCOVERY_URL = running.discovery_url
        settings.PROCONNECT_CLIENT_ID = CLIENT_ID
        settings.PROCONNECT_CLIENT_SECRET = CLIENT_SECRET
        yield running


def invite_funder(email: str = EMAIL) -> Invitation:
    invitation, _token = invitations.create(
        actor=AdminFactory(), username="c.martin", email=email, role=Role.FUNDER, organisation=FunderFactory()
    )
    return invitation


def through_proconnect(client, provider: Provider, identity: Identity):
    """Click the button, let the provider sign `identity` in, come back: Maraude's answer."""
    provider.identity = identity
    start = client.get("/accounts/proconnect/?next=/reports/funder/")
    assert start.status_code == 302, start.content
    authorize = urlparse(start["Location"])
    assert authorize.netloc == urlparse(provider.issuer).netloc
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    callback = urlparse(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_an_invitation_matched_by_email_creates_the_account_without_a_password(client, provider):
    invitation = invite_funder()

    response = through_proconnect(client, provider, Identity(email="Camille.Martin@nord.gouv.fr"))

    user = User.objects.get(username="c.martin")
    assert user.role == Role.FUNDER and user.email == EMAIL and not user.has_usable_password()
    invitation.refresh_from_db()
    assert invitation.accepted_user == user
    accepted = JournalEntry.objects.get(event="invitation_accepted", actor=user)
    assert accepted.detail["via"] == "proconnect"
    # A password-only ProConnect sign-in (amr: pwd) still needs Maraude's second factor: enrol now.
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/setup/")
    assert JournalEntry.objects.filter(event="password_ok", actor=user, detail__door="proconnect").exists()
    assert client.get("/reports/funder/").status_code == 302


def test_an_unknown_email_is_refused_and_nothing_is_created(client, provider):
    invite_funder()

    response = through_proconnect(client, provider, Identity(email="someone.else@nord.gouv.fr"))

    assert response.status_code == 403
    assert "someone.else@nord.gouv.fr" in response.content.decode()
    assert not User.objects.filter(email__iexact="someone.else@nord.gouv.fr").exists()
    assert Invitation.objects.get().accepted_at is None
    refused = JournalEntry.objects.get(event="login_failed")
    assert refused.detail == {"door": "proconnect", "reason": "no_account"}
    assert "_auth_user_id" not in client.session


def test_a_multi_factor_sign_in_at_proconnect_stands_for_the_second_factor(client, provider):
    invite_funder()

    response = through_proconnect(client, provider, Identity(email=EMAIL, amr=["pwd", "totp", "mfa"]))

    assert response.status_code == 302 and response["Location"] == "/reports/funder/"
    assert client.get("/reports/funder/").status_code == 200
    login = JournalEntry.objects.get(event="login")
    assert login.detail == {"door": "proconnect", "second_factor": "proconnect_mfa"}
    # The claims parameter asked for amr; nothing else than ProConnect accepts was sent.
    assert provider.token_requests[0]["client_secret"] == CLIENT_SECRET


def test_without_trusting_proconnect_mfa_the_local_second_factor_is_asked(client, provider, settings):
    settings.PROCONNECT_ACCEPT_MFA = False
    invite_funder()

    response = through_proconnect(client, provider, Identity(email=EMAIL, amr=["pwd", "mfa"]))

    assert response["Location"].startswith("/accounts/two-factor/setup/")


def test_an_existing_account_with_that_email_signs_in(client, provider):
    funder = FunderUserFactory(email=EMAIL)

    response = through_proconnect(client, provider, Identity(email=EMAIL, amr=["mfa"]))

    assert response.status_code == 302
    assert JournalEntry.objects.get(event="login").actor == funder
    assert User.objects.count() == 1


def test_a_locked_account_stays_locked_through_proconnect(client, provider, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    funder = FunderUserFactory(email=EMAIL)
    for _ in range(3):
        client.post("/login/", {"username": funder.username, "password": "guess"})

    response = through_proconnect(client, provider, Identity(email=EMAIL, amr=["mfa"]))

    assert response.status_code == 403
    assert "Trop de tentatives" in response.content.decode()
    assert JournalEntry.objects.filter(event="login_locked", detail__door="proconnect").exists()
    assert not JournalEntry.objects.filter(event="login").exists()


def test_a_userinfo_signed_with_another_key_is_refused(client, provider):
    invite_funder()
    provider.tamper_userinfo = True

    response = through_proconnect(client, provider, Identity(email=EMAIL, amr=["mfa"]))

    assert response.status_code == 400
    assert not User.objects.filter(username="c.martin").exists()
    assert JournalEntry.objects.filter(event="login_failed", detail__reason="protocol").exists()


def test_a_callback_with_another_state_is_refused(client, provider):
    invite_funder()
    provider.identity = Identity(email=EMAIL, amr=["mfa"])
    start = client.get("/accounts/proconnect/")
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    code = parse_qs(urlparse(back.headers["Location"]).query)["code"][0]

    response = client.get("/accounts/proconnect/callback/", {"code": code, "state": "x" * 43})

    assert response.status_code == 400
    assert not User.objects.filter(username="c.martin").exists()


def test_signing_out_ends_the_proconnect_session_with_the_id_token(client, provider):
    invite_funder()
    through_proconnect(client, provider, Identity(email=EMAIL, amr=["mfa"]))

    response = client.post("/logout/")

    assert response.status_code == 302
    end = urlparse(response["Location"])
    assert end.path == "/api/v2/session/end"
    ended = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert ended.status_code == 303 and provider.logouts
    assert provider.logouts[0]["id_token_hint"]
    back = urlparse(ended.headers["Location"])
    final = client.get(f"{back.path}?{back.query}", follow=True)
    assert "Vous êtes déconnecté·e de Maraude et de ProConnect" in final.content.decode()
    assert client.get("/reports/funder/").status_code == 302


def test_without_settings_proconnect_is_off(client, settings):
    settings.PROCONNECT_ENABLED = False
    assert client.get("/accounts/proconnect/").status_code == 404
    assert "ProConnect" not in client.get("/login/").content.decode()


@pytest.mark.parametrize(
    "query",
    [{}, {"code": "x"}, {"error": "access_denied", "state": "y" * 43}, {"code": ["a", "b"], "state": ""}],
)
def test_a_malformed_callback_is_refused_without_a_server_error(client, provider, query):
    client.get("/accounts/proconnect/")  # a state exists in the session, just not these
    response = client.get("/accounts/proconnect/callback/", query)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
