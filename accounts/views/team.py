"""A coordinator's accounts page: invite workers and coordinators, issue a one-time password reset
for a worker (the night-time case), revoke an invitation. Administrators do the same in the admin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import InvitationForm
from outreach import access
from outreach.services import invitations, passwords
from outreach.services.second_factor import qr_code
from planning.decorators import coordinator_required


def _page(request: HttpRequest, form: InvitationForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "accounts/team.html",
        {
            "form": form,
            "members": access.members_visible_to(request.user).order_by("role", "username"),
            "invitations": access.invitations_manageable_by(request.user).open(),
        },
        status=status,
    )


def _handover(request: HttpRequest, *, title: str, url: str, account: str, emailed: bool) -> HttpResponse:
    """The link to hand over (shown once): text to copy and a QR code to scan with the phone."""
    return render(
        request,
        "accounts/handover.html",
        {"title": title, "url": url, "qr_code": qr_code(url), "account": account, "emailed": emailed},
    )


@coordinator_required
def team(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    form = InvitationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, token = invitations.create(
                actor=request.user,
                username=data["username"],
                email=data["email"],
                role=data["role"],
                organisation=organisation,
                team=data["team"],
                request=request,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        except PermissionDenied:
            form.add_error(None, _("You cannot invite this account."))
        else:
            url = request.build_absolute_uri(reverse("accounts:invitation", args=[token]))
            emailed = invitations.send(invitation=invitation, link=url)
            return _handover(
                request, title=_("Invitation created"), url=url, account=invitation.username, emailed=emailed
            )
    return _page(request, form, status=400 if request.method == "POST" else 200)


@coordinator_required
@require_POST
def reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    worker = access.access_member(request.user, pk, reset_password=True)
    link = passwords.issue_reset(actor=request.user, user=worker, request=request)
    return _handover(
        request,
        title=_("One-time password reset"),
        url=request.build_absolute_uri(link.path),
        account=worker.get_username(),
        emailed=False,
    )


@coordinator_required
@require_POST
def revoke_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = access.access_invitation(request.user, pk)
    invitations.revoke(actor=request.user, invitation=invitation, request=request)
    messages.success(request, _("Invitation revoked."))
    return redirect("accounts:team")
