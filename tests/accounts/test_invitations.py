"""Accounts are created by invitation: single use, expiring, scoped to who invites, journaled."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from outreach.choices import Role
from outreach.models import Invitation, JournalEntry, User
from outreach.services import invitations
from tests.factories import (
    AdminFactory,
    CoordinatorFactory,
    FunderFactory,
    OrganisationFactory,
    TeamFactory,
    sign_in,
)

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Nuit-de-maraude-2026!"


def link_path(page: str) -> str:
    return re.search(r'value="https?://[^/]+(/accounts/invitation/[^"]+)"', page).group(1)


def test_a_coordinator_invites_a_worker_who_sets_a_password_once():
    team = TeamFactory(name="Équipe gare")
    coordinator = sign_in(Client(), CoordinatorFactory(organisation=team.organisation))

    handover = coordinator.post(
        "/accounts/team/", {"username": "lea.n", "role": "worker", "team": team.pk, "email": ""}
    )

    assert handover.status_code == 200
    page = handover.content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code to scan with the new phone
    path = link_path(page)
    invitation = Invitation.objects.get(username="lea.n")
    assert path.split("/")[-2] not in invitation.token_hash  # only the digest is stored
    assert mail.outbox == []  # no address: the coordinator hands the link over

    newcomer = Client()
    assert "Votre invitation" in newcomer.get(path).content.decode()
    done = newcomer.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302 and done["Location"] == "/"
    worker = User.objects.get(username="lea.n")
    assert (worker.role, worker.team, worker.organisation) == ("worker", team, team.organisation)
    assert worker.check_password(NEW_PASSWORD)
    assert newcomer.get("/").status_code == 200
    assert JournalEntry.objects.get(event="invitation_created").actor.role == Role.COORDINATOR
    assert JournalEntry.objects.get(event="invitation_accepted").actor == worker
    assert JournalEntry.objects.get(event="login").detail == {"door": "invitation", "second_factor": "none"}
    # Single use.
    assert Client().get(path).status_code == 404


def test_an_invited_coordinator_enrols_a_second_factor_before_anything_else():
    admin = AdminFactory()
    org = OrganisationFactory()
    _invitation, token = invitations.create(
        actor=admin, username="cheffe", email="cheffe@asso.fr", role=Role.COORDINATOR, organisation=org
    )
    client = Client()
    done = client.post(
        f"/accounts/invitation/{token}/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"].startswith("/accounts/two-factor/setup/")
    assert client.get("/planning/").status_code == 302


def test_expired_revoked_and_unknown_invitations_are_refused():
    coordinator = CoordinatorFactory()
    team = TeamFactory(organisation=coordinator.organisation)
    expired, expired_token = invitations.create(actor=coordinator, username="a1", role=Role.WORKER, team=team)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    revoked, revoked_token = invitations.create(actor=coordinator, username="a2", role=Role.WORKER, team=team)
    client = sign_in(Client(), coordinator)
    assert client.post(f"/accounts/team/invitations/{revoked.pk}/revoke/").status_code == 302

    for token in (expired_token, revoked_token, "x" * 43):
        response = Client().post(
            f"/accounts/invitation/{token}/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        assert response.status_code == 404
    assert not User.objects.filter(username__in=["a1", "a2"]).exists()
    assert JournalEntry.objects.filter(event="invitation_revoked", target="a2").exists()


def test_a_coordinator_invites_only_inside_their_organisation_and_never_funders_or_admins():
    coordinator = CoordinatorFactory()
    other_team = TeamFactory()
    cases = [
        {"role": Role.FUNDER, "organisation": FunderFactory(), "email": "f@x.fr"},
        {"role": Role.ADMIN, "email": "a@x.fr"},
        {"role": Role.WORKER, "team": other_team},
        {"role": Role.COORDINATOR, "organisation": other_team.organisation, "email": "c@x.fr"},
    ]
    for n, case in enumerate(cases):
        with pytest.raises(PermissionDenied):
            invitations.create(actor=coordinator, username=f"u{n}", **case)
    inactive = CoordinatorFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        invitations.create(
            actor=inactive, username="z", role="worker", team=TeamFactory(organisation=inactive.organisation)
        )
    # The page offers the same: another organisation's team is not a choice.
    client = sign_in(Client(), coordinator)
    response = client.post("/accounts/team/", {"username": "x", "role": "worker", "team": other_team.pk})
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_an_invitation_that_would_make_a_bad_account_is_refused_by_field():
    admin = AdminFactory()
    team = TeamFactory()
    User.objects.create_user(username="pris", role=Role.WORKER, team=team, organisation=team.organisation)
    with pytest.raises(ValidationError) as refused:
        invitations.create(actor=admin, username="pris", role=Role.FUNDER, organisation=team.organisation)
    assert set(refused.value.message_dict) == {"username", "email", "organisation"}
    with pytest.raises(ValidationError) as refused:
        invitations.create(actor=admin, username="seul", role=Role.WORKER)
    assert "team" in refused.value.message_dict
    # The database says the same.
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            username="x",
            role=Role.COORDINATOR,
            organisation=team.organisation,
            token_hash="a" * 64,
            expires_at=timezone.now(),
        )


def test_the_invitation_email_is_sent_in_french_with_the_link():
    admin = AdminFactory()
    client = sign_in(Client(), admin)
    funder_org = FunderFactory()

    response = client.post(
        "/admin/outreach/invitation/add/",
        {"username": "dep59", "email": "Agent@Nord.gouv.fr", "role": "funder", "organisation": funder_org.pk},
    )

    assert response.status_code == 302
    invitation = Invitation.objects.get(username="dep59")
    assert invitation.email == "agent@nord.gouv.fr" and invitation.created_by == admin
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["agent@nord.gouv.fr"] and message.subject == "Votre compte Maraude"
    assert "/accounts/invitation/" in message.body and "Vous êtes invité·e" in message.body
    shown = client.get("/admin/outreach/invitation/").content.decode()
    assert "affiché une seule fois" in shown and "/accounts/invitation/" in shown
    again = client.get("/admin/outreach/invitation/").content.decode()
    assert "/accounts/invitation/" not in again  # shown once; only its digest is kept


def test_the_admin_creates_no_account_with_a_typed_password():
    admin = sign_in(Client(), AdminFactory())
    worker = CoordinatorFactory()
    assert admin.get("/admin/outreach/user/add/").status_code == 403
    page = admin.get(f"/admin/outreach/user/{worker.pk}/password/", follow=True)
    assert "n’est jamais saisi par quelqu’un d’autre" in page.content.decode()
    assert (
        admin.post(
            f"/admin/outreach/user/{worker.pk}/password/", {"password1": "x", "password2": "x"}
        ).status_code
        == 302
    )
    worker.refresh_from_db()
    assert worker.check_password("correct horse battery")


def test_createsuperuser_makes_an_administrator():
    user = User.objects.create_superuser("root-admin", "root@example.org", "Une-phrase-longue-2026")
    assert user.role == Role.ADMIN and user.is_staff


def test_a_common_password_is_refused_when_accepting():
    admin = AdminFactory()
    _invitation, token = invitations.create(actor=admin, username="w", role=Role.WORKER, team=TeamFactory())
    response = Client().post(
        f"/accounts/invitation/{token}/", {"new_password1": "password123", "new_password2": "password123"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="w").exists()
