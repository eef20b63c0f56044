"""Second factor for administrators, coordinators and funders: enrolment at first sign-in, codes,
recovery codes, resets; a password alone opens nothing they could read."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach.models import JournalEntry, RecoveryCode
from outreach.services import recovery_codes, signin
from tests.factories import (
    AdminFactory,
    CoordinatorFactory,
    FunderUserFactory,
    FundingAgreementFactory,
    OrganisationFactory,
    UserFactory,
    authenticator,
    departement,
    sign_in,
    totp_code,
)

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def password_step(client: Client, user, path: str = "/login/"):
    return client.post(path, {"username": user.username, "password": PASSWORD})


def events(user) -> list[str]:
    return list(JournalEntry.objects.filter(actor=user).order_by("id").values_list("event", flat=True))


@pytest.mark.parametrize("factory", [CoordinatorFactory, FunderUserFactory, AdminFactory])
def test_a_password_alone_opens_nothing_for_staff(client, factory):
    user = factory()
    authenticator(user)
    response = password_step(client, user)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/?next=")

    for path in ["/", "/planning/", "/reports/coordinator/", "/reports/funder/", "/admin/", "/devices/"]:
        assert client.get(path).status_code == 302, path
    assert client.get("/api/v1/devices/").status_code == 403
    assert events(user) == ["password_ok"]


def test_a_funder_without_a_second_factor_cannot_reach_a_report(client):
    funder = FunderUserFactory()
    agreement = FundingAgreementFactory(funder=funder.organisation)
    agreement.funded.set([OrganisationFactory()])
    agreement.territories.set([departement("59")])
    urls = [
        "/reports/funder/",
        f"/reports/funder/{agreement.pk}/",
        f"/reports/funder/{agreement.pk}/report.csv",
        f"/reports/funder/{agreement.pk}/report.pdf",
    ]
    # Neither a session opened with the password door...
    password_step(client, funder)
    for url in urls:
        assert client.get(url).status_code == 302, url
    # ...nor a session forced in without a second factor (it is dropped).
    forced = Client()
    forced.force_login(funder)
    for url in urls:
        assert forced.get(url).status_code == 302, url
    assert not JournalEntry.objects.filter(event__in=["report_view", "export"]).exists()
    # With the second factor, the same funder reads the report.
    assert sign_in(Client(), funder).get(urls[1], {"period": "month", "day": "2026-03-10"}).status_code == 200


def test_workers_and_field_phones_need_no_second_factor(client):
    worker = UserFactory()
    assert password_step(client, worker)["Location"] == "/"
    assert client.get("/").status_code == 200
    assert not signin.requires_second_factor(worker)


def test_enrolment_at_first_sign_in_with_an_authenticator_app(client):
    coordinator = CoordinatorFactory()
    assert password_step(client, coordinator)["Location"].startswith("/accounts/two-factor/setup/")
    page = client.get("/accounts/two-factor/setup/").content.decode()
    assert 'src="data:image/svg+xml' in page and "<script>" not in page
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    secret = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", page).group(1)
    assert secret.replace(" ", "") == __import__("base64").b32encode(device.bin_key).decode()

    wrong = client.post("/accounts/two-factor/setup/", {"code": "000000"})
    assert wrong.status_code == 200 and "Ce code n’est pas valide" in wrong.content.decode()
    confirmed = client.post("/accounts/two-factor/setup/", {"code": totp_code(device), "next": "/planning/"})

    assert confirmed["Location"] == "/accounts/two-factor/recovery-codes/?next=%2Fplanning%2F"
    assert client.get("/planning/").status_code == 200
    codes = client.post("/accounts/two-factor/recovery-codes/", {"next": "/planning/"}).content.decode()
    shown = re.findall(r"<code>([a-z0-9-]{19})</code>", codes)
    assert len(shown) == recovery_codes.COUNT
    assert events(coordinator) == [
        "password_ok",
        "second_factor_added",
        "login",
        "recovery_codes_issued",
    ]
    assert JournalEntry.objects.get(event="second_factor_failed").actor_username == coordinator.username


def test_recovery_codes_work_once_and_are_not_stored_in_clear(client):
    coordinator = CoordinatorFactory()
    authenticator(coordinator)
    codes = recovery_codes.issue(user=coordinator)
    assert not RecoveryCode.objects.filter(digest__in=codes).exists()
    assert all(code not in str(list(RecoveryCode.objects.values())) for code in codes)

    password_step(client, coordinator)
    used = client.post("/accounts/two-factor/", {"code": codes[3].upper().replace("-", " ")})
    assert used["Location"] == "/accounts/security/"
    assert client.get("/planning/").status_code == 200
    assert recovery_codes.remaining(coordinator) == recovery_codes.COUNT - 1
    client.post("/logout/")

    password_step(client, coordinator)
    again = client.post("/accounts/two-factor/", {"code": codes[3]})
    assert again.status_code == 200
    assert client.get("/planning/").status_code == 302
    login = JournalEntry.objects.get(event="login", actor=coordinator)
    assert login.detail == {"door": "web", "second_factor": "recovery"}


def test_an_authenticator_code_works_once(client):
    coordinator = CoordinatorFactory()
    device = authenticator(coordinator)
    code = totp_code(device)
    password_step(client, coordinator)
    assert client.post("/accounts/two-factor/", {"code": code})["Location"] == "/"
    other = Client()
    password_step(other, coordinator)
    assert other.post("/accounts/two-factor/", {"code": code}).status_code == 200
    assert other.get("/").status_code == 302


def test_an_administrator_resets_a_second_factor_and_the_next_sign_in_enrols_again():
    coordinator = CoordinatorFactory()
    old_session = sign_in(Client(), coordinator)
    recovery_codes.issue(user=coordinator)
    admin = sign_in(Client(), AdminFactory())
    assert old_session.get("/planning/").status_code == 200

    response = admin.post(
        "/admin/outreach/user/",
        {"action": "reset_second_factor", "_selected_action": [coordinator.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert recovery_codes.remaining(coordinator) == 0
    reset = JournalEntry.objects.get(event="second_factor_reset")
    assert reset.target == coordinator.username and reset.detail["removed"] == 2
    assert old_session.get("/planning/").status_code == 302
    assert password_step(Client(), coordinator)["Location"].startswith("/accounts/two-factor/setup/")


def test_the_last_second_factor_cannot_be_removed():
    coordinator = CoordinatorFactory()
    client = sign_in(Client(), coordinator)
    device = authenticator(coordinator)

    client.post(f"/accounts/security/totp/{device.pk}/remove/")
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    second = TOTPDevice.objects.create(user=coordinator, name="Autre", confirmed=True)
    client.post(f"/accounts/security/totp/{second.pk}/remove/")
    assert not TOTPDevice.objects.filter(pk=second.pk).exists()
    assert JournalEntry.objects.filter(event="second_factor_removed", actor=coordinator).count() == 1
    # Someone else's device is not found.
    other = authenticator(CoordinatorFactory())
    assert client.post(f"/accounts/security/totp/{other.pk}/remove/").status_code == 404


def test_a_pending_sign_in_expires(client):
    coordinator = CoordinatorFactory()
    device = authenticator(coordinator)
    password_step(client, coordinator)
    session = client.session
    session[signin.PENDING_KEY]["since"] -= signin.PENDING_MAX_SECONDS + 1
    session.save()

    response = client.post("/accounts/two-factor/", {"code": totp_code(device)})

    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/planning/").status_code == 302


def test_the_second_factor_page_is_in_english_too(client):
    coordinator = CoordinatorFactory()
    authenticator(coordinator)
    client.cookies["django_language"] = "en"
    password_step(client, coordinator)
    page = client.post("/accounts/two-factor/", {"code": "123"}).content.decode()
    assert "This code is not valid" in page and "Second factor" in page
