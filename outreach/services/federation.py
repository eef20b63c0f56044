"""Who a ProConnect identity is in Maraude. Never a new account from the federation alone.

ProConnect recommends the professional e-mail for matching (its `sub` differs per identity
provider). An identity opens the one active account with that e-mail, or accepts the one open
invitation for it; anything else is refused, through the same sign-in rule as every door.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from outreach.models import User
from outreach.services import invitations, signin

# The second factor recorded when ProConnect's own multi-factor sign-in stands for ours.
FEDERATED_MFA = "proconnect_mfa"


@dataclass(frozen=True)
class Identity:
    """What ProConnect says about the person (only the e-mail and the methods are used)."""

    sub: str
    email: str
    amr: list[str] = field(default_factory=list)
    idp_id: str = ""


def _account_for(email: str) -> User | None:
    matches = list(User.objects.filter(email__iexact=email, is_active=True)[:2]) if email else []
    return matches[0] if len(matches) == 1 else None


def sign_in(*, request, identity: Identity) -> tuple[User, str | None]:
    """(the account, the second factor already proven or None), or signin.SignInRefused.

    Not one transaction: a refusal's journal entry and failure count must outlive the refusal.
    """
    email = identity.email.strip().lower()
    user = _account_for(email)
    if user is None:
        invitation = invitations.open_for_email(email)
        if invitation is None:
            signin.check_account(
                request=request, user=None, identity=email, door=signin.Door.PROCONNECT, reason="no_account"
            )
        signin.ensure_not_locked(username=invitation.username, request=request, door=signin.Door.PROCONNECT)
        user = invitations.accept(invitation=invitation, password=None, request=request, via="proconnect")
    else:
        signin.check_account(
            request=request, user=user, identity=email, door=signin.Door.PROCONNECT, reason="inactive"
        )
    proven = FEDERATED_MFA if settings.PROCONNECT_ACCEPT_MFA and "mfa" in identity.amr else None
    return user, proven
