"""Team keys (ADR 010): which devices hold which key, who is waiting, and what changes that.

The server only moves wrapped keys between a team's devices; it never sees a key. A device may
make the team's next key when it has none in use, share any key it holds with a device of the
team still waiting for it, and a revoked device or a member who leaves retires the keys in use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import access, journal
from outreach.choices import Role
from outreach.models import Device, Team, TeamKey, User, WrappedTeamKey
from outreach.models.journal import JournalEvent


class KeyRefused(Exception):
    """The request cannot be applied: `errors` {field: [messages]}; `conflict`: try again after
    reading the keys anew (another device made the key first)."""

    def __init__(self, errors: dict[str, list[str]], *, conflict: bool = False) -> None:
        super().__init__("refused")
        self.errors = errors
        self.conflict = conflict


def key_holders(team: Team) -> Q:
    """Devices that may hold `team`'s keys: active devices of its workers and of its
    organisation's coordinators (the people `access.teams_of` lets act for the team)."""
    return Q(
        revoked_at=None,
        replaced_by=None,
        owner__is_active=True,
    ) & (
        Q(owner__role=Role.WORKER, owner__team_id=team.pk)
        | Q(owner__role=Role.COORDINATOR, owner__organisation_id=team.organisation_id)
    )


@dataclass
class TeamState:
    team: Team
    keys: list[TeamKey]
    mine: dict[int, str]  # kid -> wrapped for the asking device
    waiting: list[dict]

    kept: set[int] = field(default_factory=set)  # kids some device allowed to hold them holds

    @property
    def current_kid(self) -> int | None:
        """The key new notes use; None when there is none, or nobody holds it any more."""
        live = [k.kid for k in self.keys if k.retired_at is None and k.kid in self.kept]
        return max(live) if live else None


def state_for(device: Device) -> list[TeamState]:
    """For each team the device's owner acts for: its keys, the copies wrapped for this device,
    and the devices waiting for a key this device holds (to wrap for them on this sync)."""
    states = []
    for team in access.teams_of(device.owner).order_by("pk"):
        keys = list(TeamKey.objects.filter(team=team).order_by("kid"))
        wrapped = WrappedTeamKey.objects.filter(team_key__team=team).values_list(
            "team_key__kid", "device_id", "wrapped"
        )
        holders: dict[int, set] = {}
        mine: dict[int, str] = {}
        allowed = set(Device.objects.filter(key_holders(team)).values_list("pk", flat=True))
        for kid, device_id, blob in wrapped:
            holders.setdefault(kid, set()).add(device_id)
            if device_id == device.pk:
                mine[kid] = blob
        waiting = []
        if mine:
            candidates = Device.objects.filter(key_holders(team)).exclude(public_key="").exclude(pk=device.pk)
            for other in candidates.only("pk", "public_key").order_by("created_at"):
                for kid in sorted(mine):
                    if other.pk not in holders.get(kid, set()):
                        waiting.append(
                            {"device": other.pk, "team": team.pk, "kid": kid, "public_key": other.public_key}
                        )
        kept = {kid for kid, devices in holders.items() if devices & allowed}
        states.append(TeamState(team=team, keys=keys, mine=mine, waiting=waiting, kept=kept))
    return states


def publish_public_key(device: Device, public_key: str) -> None:
    """Record the device's public key once; the same key again is fine, another is refused."""
    if device.public_key == public_key:
        return
    if device.public_key:
        raise KeyRefused(
            {"public_key": [_("This device already has a key: sign in again to get a new one.")]}
        )
    Device.objects.filter(pk=device.pk).update(public_key=public_key)
    device.public_key = public_key


def _team(device: Device, team_id: int, name: str) -> Team:
    team = access.teams_of(device.owner).filter(pk=team_id).first()
    if team is None:
        raise KeyRefused({name: [_("Not one of your teams.")]})
    return team


def _kept(team: Team) -> set[int]:
    """Ids of the team's keys that some device still allowed to hold them holds."""
    holders = Device.objects.filter(key_holders(team))
    return set(
        WrappedTeamKey.objects.filter(team_key__team=team, device__in=holders).values_list(
            "team_key_id", flat=True
        )
    )


@transaction.atomic
def create_team_key(device: Device, *, team_id: int, kid: int, wrapped: str, request=None) -> TeamKey:
    """The team's next key, made on `device` and wrapped for itself. Allowed when no key is in use
    (the team's first, or after a retirement) and the device holds every earlier key still held
    by someone (person pseudonyms come from the pseudonym key). A key in use that no device holds
    any more (the last one was lost) is retired and a new one starts; if the pseudonym key is
    lost too, the new key becomes the pseudonym key (ADR 010, "a lost last device")."""
    if not device.public_key:
        raise KeyRefused({"public_key": [_("Send this device's public key first.")]})
    team = Team.objects.select_for_update().get(pk=_team(device, team_id, "new_keys.team").pk)
    keys = list(TeamKey.objects.filter(team=team))
    kept = _kept(team)
    now = timezone.now()
    orphans = [k for k in keys if k.retired_at is None and k.pk not in kept]
    if orphans:
        TeamKey.objects.filter(pk__in=[k.pk for k in orphans]).update(retired_at=now)
        for k in orphans:
            k.retired_at = now
    if any(k.retired_at is None for k in keys) or kid != len(keys) + 1:
        raise KeyRefused({"new_keys.kid": [_("The team already has a key in use.")]}, conflict=True)
    held = set(
        WrappedTeamKey.objects.filter(device=device, team_key__team=team).values_list(
            "team_key_id", flat=True
        )
    )
    if any(k.pk in kept and k.pk not in held for k in keys):
        raise KeyRefused(
            {"new_keys.kid": [_("Only a device holding the team's keys can make the next one.")]}
        )
    pseudonym_key = next((k for k in keys if k.kid == team.pseudonym_kid), None)
    if pseudonym_key is None or pseudonym_key.pk not in kept:
        Team.objects.filter(pk=team.pk).update(pseudonym_kid=kid)
        team.pseudonym_kid = kid
    try:
        with transaction.atomic():
            key = TeamKey.objects.create(team=team, kid=kid, created_by=device)
    except IntegrityError:
        raise KeyRefused({"new_keys.kid": [_("The team already has a key in use.")]}, conflict=True) from None
    WrappedTeamKey.objects.create(team_key=key, device=device, wrapped=wrapped, wrapped_by=device)
    if team.sealed_since is None:
        Team.objects.filter(pk=team.pk).update(sealed_since=timezone.now())
    journal.log_team_key(
        JournalEvent.TEAM_KEY_CREATED,
        actor=device.owner,
        team=team,
        request=request,
        kid=kid,
        device=str(device.pk),
    )
    return key


@transaction.atomic
def share(device: Device, wraps: Iterable[dict], *, request=None) -> int:
    """Store keys `device` wrapped for devices waiting for them. Each target must be a device
    that may hold the team's keys, and `device` must hold the key it shares. Returns how many
    copies were new (copies already there are left as they are)."""
    created = 0
    teams: dict[int, list[str]] = {}
    for i, wrap in enumerate(wraps):
        name = f"wraps.{i}"
        team = _team(device, wrap["team"], f"{name}.team")
        key = TeamKey.objects.filter(team=team, kid=wrap["kid"]).first()
        own = str(wrap["device"]) == str(device.pk)  # a copy for itself (signed in again, keys kept)
        if key is None or not (own or WrappedTeamKey.objects.filter(team_key=key, device=device).exists()):
            raise KeyRefused({f"{name}.kid": [_("This device does not hold this key.")]})
        target = Device.objects.filter(key_holders(team), pk=wrap["device"]).exclude(public_key="").first()
        if target is None:
            raise KeyRefused({f"{name}.device": [_("Not a device of this team waiting for a key.")]})
        _copy, made = WrappedTeamKey.objects.get_or_create(
            team_key=key, device=target, defaults={"wrapped": wrap["wrapped"], "wrapped_by": device}
        )
        if made:
            created += 1
            teams.setdefault(team.pk, []).append(f"{target.pk}#{key.kid}")
    for team_id, given in teams.items():
        journal.log_team_key(
            JournalEvent.TEAM_KEY_SHARED,
            actor=device.owner,
            team=Team(pk=team_id),
            request=request,
            device=str(device.pk),
            to=given,
        )
    return created


def retire_keys(teams: Iterable[Team], *, actor: User | None, why: str, request=None) -> int:
    """Stop using the keys in use of `teams` for new data: the next device of each team to sync
    makes a new key and wraps it only for the devices that may still hold it."""
    now = timezone.now()
    retired = 0
    for team in teams:
        kids = list(TeamKey.objects.filter(team=team, retired_at=None).values_list("kid", flat=True))
        if not kids:
            continue
        retired += TeamKey.objects.filter(team=team, retired_at=None).update(retired_at=now)
        journal.log_team_key(
            JournalEvent.TEAM_KEY_RETIRED, actor=actor, team=team, request=request, kids=kids, why=why
        )
    return retired


def teams_reached_by(user: User) -> list[Team]:
    """The teams whose keys a user's devices may hold (for retiring them when those go)."""
    if user.role == Role.WORKER and user.team_id:
        return list(Team.objects.filter(pk=user.team_id))
    if user.role == Role.COORDINATOR and user.organisation_id:
        return list(Team.objects.filter(organisation_id=user.organisation_id))
    return []


def member_changed(sender, instance: User, **kwargs) -> None:
    """A member leaving a team (moved, another role, deactivated): the keys in use of the teams
    they could read are retired (a `pre_save` receiver, connected in outreach/signals.py)."""
    if instance.pk is None:
        return
    before = (
        User.objects.filter(pk=instance.pk).only("role", "team_id", "organisation_id", "is_active").first()
    )
    if before is None:
        return
    left = {t.pk for t in teams_reached_by(before)} - (
        {t.pk for t in teams_reached_by(instance)} if instance.is_active else set()
    )
    if left:
        retire_keys(Team.objects.filter(pk__in=left), actor=None, why="member_left")
