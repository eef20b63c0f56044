from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outreach.choices import Role


def role_constraints(prefix: str) -> list[models.CheckConstraint]:
    """The shape of an account, for the account and for the invitation that will create it: a
    known role, workers in a team of an organisation, coordinators and funders in an organisation."""
    return [
        models.CheckConstraint(condition=Q(role__in=Role.values), name=f"{prefix}_role_valid"),
        models.CheckConstraint(
            condition=~Q(role=Role.WORKER) | Q(team__isnull=False, organisation__isnull=False),
            name=f"{prefix}_worker_has_team",
        ),
        models.CheckConstraint(
            condition=~Q(role__in=[Role.COORDINATOR, Role.FUNDER]) | Q(organisation__isnull=False),
            name=f"{prefix}_coordinator_funder_have_organisation",
        ),
    ]


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `createsuperuser` makes an administrator (a worker would need a team).
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person using Maraude, with one role scoped to an organisation (and a team for workers).

    Workers belong to a team; coordinators and funders to an organisation; administrators to none.
    E-mail is optional: many workers share as little as possible.
    """

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.WORKER)
    organisation = models.ForeignKey(
        "outreach.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    team = models.ForeignKey(
        "outreach.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The field app's language for this account; empty: the phone's language."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = role_constraints("user")

    @property
    def is_worker(self) -> bool:
        return self.role == Role.WORKER

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_funder(self) -> bool:
        return self.role == Role.FUNDER
