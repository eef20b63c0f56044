"""The printed recovery key of a team (ADR 010): a coordinator's browser makes a secret, prints
it, and sends only the team's keys wrapped under it. When every device holding the keys is lost,
a coordinator types the sheet in their browser, which unwraps the keys and wraps them for itself.

The server checks who may do it (coordinators of the team's organisation, from a device of
theirs) and which keys; it never sees the secret nor a key.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from outreach import access, journal
from outreach.choices import Role
from outreach.models import Device, RecoveryCopy, Team, TeamKey, WrappedTeamKey
from outreach.models.journal import JournalEvent
from outreach.services.team_keys import KeyRefused, key_holders


def may_recover(user) -> bool:
    """Only an organisation's coordinators make or use a team's recovery sheet."""
    return access.role_of(user) == Role.COORDINATOR


class NotYourTeam(Exception):
    """The team does not exist or is not one of the coordinator's organisation (answered 404)."""


def _team(device: Device, team_id: int) -> Team:
    team = access.teams_of(device.owner).filter(pk=team_id).first() if may_recover(device.owner) else None
    if team is None:
        raise NotYourTeam(team_id)
    return team


def sheet_state(team: Team) -> dict:
    """What the team's sheet covers: `kids` on it, `missing` keys still held but not on it (a key
    made after the sheet: print a new one), `made_at` (None: no sheet)."""
    copies = list(RecoveryCopy.objects.filter(team_key__team=team).select_related("team_key"))
    held = set(
        WrappedTeamKey.objects.filter(
            team_key__team=team, device__in=Device.objects.filter(key_holders(team))
        ).values_list("team_key__kid", flat=True)
    )
    kids = sorted(c.team_key.kid for c in copies)
    return {
        "team": team.pk,
        "made_at": min((c.created_at for c in copies), default=None),
        "kids": kids,
        "missing": sorted(held - set(kids)),
        "copies": [
            {"kid": c.team_key.kid, "wrapped": c.wrapped}
            for c in sorted(copies, key=lambda c: c.team_key.kid)
        ],
    }


def states_for(device: Device) -> list[dict]:
    if not may_recover(device.owner):
        return []
    return [sheet_state(team) for team in access.teams_of(device.owner).order_by("pk")]


@transaction.atomic
def make_sheet(device: Device, *, team_id: int, copies: Iterable[dict], request=None) -> dict:
    """Replace the team's recovery copies by `copies` (one per key, each a key this device holds)."""
    team = Team.objects.select_for_update().get(pk=_team(device, team_id).pk)
    copies = list(copies)
    kids = [c["kid"] for c in copies]
    if len(set(kids)) != len(kids):
        raise KeyRefused({"copies": [_("One copy per key.")]})
    held = dict(
        WrappedTeamKey.objects.filter(device=device, team_key__team=team).values_list(
            "team_key__kid", "team_key_id"
        )
    )
    for i, kid in enumerate(kids):
        if kid not in held:
            raise KeyRefused({f"copies.{i}.kid": [_("This device does not hold this key.")]})
    RecoveryCopy.objects.filter(team_key__team=team).delete()
    RecoveryCopy.objects.bulk_create(
        RecoveryCopy(team_key_id=held[c["kid"]], wrapped=c["wrapped"], made_by=device) for c in copies
    )
    journal.log_team_key(
        JournalEvent.TEAM_RECOVERY_MADE,
        actor=device.owner,
        team=team,
        request=request,
        kids=sorted(kids),
        device=str(device.pk),
    )
    return sheet_state(team)


@transaction.atomic
def restore(device: Device, *, team_id: int, keys: Iterable[dict], request=None) -> int:
    """Store the keys a coordinator's browser unwrapped from the sheet, wrapped for itself
    (`wk1.…`). Only keys on the team's sheet; a copy this device already has is left as it is.
    Returns how many keys this device received."""
    team = _team(device, team_id)
    if not device.public_key:
        raise KeyRefused({"public_key": [_("Send this device's public key first.")]})
    on_sheet = dict(
        RecoveryCopy.objects.filter(team_key__team=team).values_list("team_key__kid", "team_key_id")
    )
    restored = []
    for i, item in enumerate(keys):
        if item["kid"] not in on_sheet:
            raise KeyRefused({f"keys.{i}.kid": [_("This key is not on the team's recovery sheet.")]})
        _copy, made = WrappedTeamKey.objects.get_or_create(
            team_key_id=on_sheet[item["kid"]],
            device=device,
            defaults={"wrapped": item["wrapped"], "wrapped_by": device},
        )
        if made:
            restored.append(item["kid"])
    if restored:
        journal.log_team_key(
            JournalEvent.TEAM_KEYS_RECOVERED,
            actor=device.owner,
            team=team,
            request=request,
            kids=sorted(restored),
            device=str(device.pk),
        )
    return len(restored)


def desk_summary(user) -> list[dict]:
    """For the desk page: each team of the coordinator's organisation and the state of its sheet."""
    rows = []
    for team in access.teams_of(user).order_by("name"):
        state = sheet_state(team)
        state["name"] = team.name
        state["has_keys"] = TeamKey.objects.filter(team=team).exists()
        rows.append(state)
    return rows
