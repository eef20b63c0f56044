"""What a session's field counts add up to, for the coordinator's session page (team data, exact)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Sum

from outreach.choices import AgeBand, Gender
from outreach.models import DigitalSlot, OutreachSession, SessionTally, SlotRequest, TallyMark


@dataclass
class HeadCounts:
    genders: list[tuple[str, str]]
    rows: list[tuple[str, list[int], int]]  # age band label, count per gender, row total
    total: int
    undone: int
    promoted: int


def head_counts(session: OutreachSession) -> HeadCounts:
    """Young people counted in a session: taps still counting plus the debrief's tallies."""
    cells: Counter = Counter()
    marks = TallyMark.objects.filter(session=session).order_by()
    for row in marks.filter(removal="").values("age_band", "gender").annotate(n=Count("id")):
        cells[(row["age_band"], row["gender"])] += row["n"]
    for row in (
        SessionTally.objects.filter(session=session).values("age_band", "gender").annotate(n=Sum("count"))
    ):
        cells[(row["age_band"], row["gender"])] += row["n"]
    removed = dict(marks.exclude(removal="").values_list("removal").annotate(n=Count("id")))
    rows = []
    for band, label in AgeBand.choices:
        counts = [cells[(band, gender)] for gender, _g in Gender.choices]
        if any(counts):
            rows.append((str(label), counts, sum(counts)))
    return HeadCounts(
        genders=[(code, str(label)) for code, label in Gender.choices],
        rows=rows,
        total=sum(cells.values()),
        undone=removed.get("undo", 0),
        promoted=removed.get("promoted", 0),
    )


def slot_funnels(session: OutreachSession) -> list[DigitalSlot]:
    """The session's slots with their platform and requests (by category) loaded."""
    return list(
        DigitalSlot.objects.filter(session=session)
        .select_related("platform")
        .prefetch_related(Prefetch("requests", queryset=SlotRequest.objects.order_by("category")))
        .order_by("starts_at")
    )
