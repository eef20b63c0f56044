"""Counts entered fast in the field: one tap per young person seen, a digital slot's requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from outreach.choices import AgeBand, ContactLevel, Gender, RequestCategory

# The categories a digital slot counts requests in: "no request" is not a request.
SLOT_REQUEST_CATEGORIES = [c for c in RequestCategory.values if c != RequestCategory.NONE]


def funnel_errors(*, conversations: int, requests: dict[str, int], orientations: int) -> dict[str, list[str]]:
    """The funnel's own rule: requests and orientations come out of conversations.

    The one home of this rule: the sync service, the admin (DigitalSlot.clean) and the phone's
    form (js/counts.js) say the same.
    """
    errors: dict[str, list[str]] = {}
    if sum(requests.values()) > conversations:
        errors["requests"] = [
            gettext("More requests (%(requests)d) than conversations (%(conversations)d).")
            % {"requests": sum(requests.values()), "conversations": conversations}
        ]
    if orientations > conversations:
        errors["orientations"] = [
            gettext("More orientations (%(orientations)d) than conversations (%(conversations)d).")
            % {"orientations": orientations, "conversations": conversations}
        ]
    return errors


class TallyRemoval(models.TextChoices):
    UNDO = "undo", _("Undone")
    PROMOTED = "promoted", _("Turned into a contact")


class TallyMark(models.Model):
    """One tap of a head count: a young person seen or briefly met, never who.

    A mark is never deleted by the field app: undoing it or turning it into a contact marks it
    removed, so a replayed tap cannot count again and the promoted contact is not counted twice.
    """

    uuid = models.UUIDField(_("UUID"), unique=True, editable=False)
    session = models.ForeignKey(
        "outreach.OutreachSession", on_delete=models.CASCADE, related_name="tally_marks"
    )
    level = models.CharField(
        _("level"), max_length=16, choices=ContactLevel.choices, default=ContactLevel.SEEN
    )
    age_band = models.CharField(_("age band"), max_length=16, choices=AgeBand.choices)
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices)
    tapped_at = models.DateTimeField(_("tapped at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    removal = models.CharField(_("removed"), max_length=8, choices=TallyRemoval.choices, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    contact = models.OneToOneField(
        "outreach.Contact",
        verbose_name=_("turned into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="from_tally",
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("head count tap")
        verbose_name_plural = _("head count taps")
        ordering = ["session", "tapped_at"]
        indexes = [models.Index(fields=["session", "removal"], name="tallymark_session_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=ContactLevel.values), name="tallymark_level_valid"),
            models.CheckConstraint(condition=Q(age_band__in=AgeBand.values), name="tallymark_age_band_valid"),
            models.CheckConstraint(condition=Q(gender__in=Gender.values), name="tallymark_gender_valid"),
            models.CheckConstraint(
                condition=Q(removal="", removed_at__isnull=True, contact__isnull=True)
                | Q(removal=TallyRemoval.UNDO, removed_at__isnull=False, contact__isnull=True)
                # The contact may since have been deleted by retention: the mark stays removed.
                | Q(removal=TallyRemoval.PROMOTED, removed_at__isnull=False),
                name="tallymark_removal_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_age_band_display()} / {self.get_gender_display()}"

    @property
    def version(self) -> int:
        """What the sync answers: 1 while the tap counts, 2 once undone or turned into a contact."""
        return 2 if self.removal else 1


class SlotRequest(models.Model):
    """How many requests of one category a digital slot's conversations brought."""

    slot = models.ForeignKey("outreach.DigitalSlot", on_delete=models.CASCADE, related_name="requests")
    category = models.CharField(_("request category"), max_length=16, choices=RequestCategory.choices)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("requests of a digital slot")
        verbose_name_plural = _("requests of digital slots")
        constraints = [
            models.UniqueConstraint(fields=["slot", "category"], name="slotrequest_category_once"),
            models.CheckConstraint(condition=Q(count__gte=1), name="slotrequest_count_positive"),
            models.CheckConstraint(
                condition=Q(category__in=SLOT_REQUEST_CATEGORIES), name="slotrequest_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} × {self.get_category_display()}"
