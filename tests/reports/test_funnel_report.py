"""The degrees of contact (met → exchanged → followed → oriented) and the digital funnel in reports.

Each figure is compared with a plain recount of the source rows, not with the roll-ups.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.db.models import Sum
from hypothesis.extra.django import TestCase

from outreach.choices import SessionKind
from outreach.models import Contact, DigitalSlot, Orientation, PlatformCategory, SlotRequest, TallyMark
from outreach.models.counts import SLOT_REQUEST_CATEGORIES
from outreach.reporting.aggregate import ReportScope
from outreach.reporting.periods import period_containing
from outreach.reporting.report import build_report
from outreach.reporting.rollups import sessions_changed
from tests.factories import PartnerServiceFactory, TeamFactory, departement
from tests.reports.builders import contacts, night
from tests.reports.test_disclosure import check_protected

MARCH = period_containing("month", dt.date(2026, 3, 10))


def taps(session, n: int, *, removal: str = "", contact=None) -> None:
    for _ in range(n):
        TallyMark.objects.create(
            uuid=uuid.uuid4(),
            session=session,
            age_band="15_17",
            gender="girl",
            tapped_at=session.started_at,
            removal=removal,
            removed_at=session.started_at if removal else None,
            contact=contact,
        )


def slot(session, platform: str, *, spotted, messages, conversations, requests, orientations) -> None:
    made = DigitalSlot.objects.create(
        session=session,
        platform=PlatformCategory.objects.get(code=platform),
        starts_at=session.started_at,
        ends_at=session.started_at + dt.timedelta(hours=1),
        profiles_spotted=spotted,
        messages_sent=messages,
        conversations=conversations,
        orientations=orientations,
    )
    for code, n in requests.items():
        SlotRequest.objects.create(slot=made, category=code, count=n)


class FunnelReportTests(TestCase):
    def setUp(self):
        self.team = TeamFactory()
        self.nord = departement("59")
        self.scope = ReportScope(frozenset({self.team.organisation_id}), self.nord.id, MARCH)
        self.rng = random.Random(14)

    def build_month(self):
        partner = PartnerServiceFactory()
        platforms = ["social_network", "messaging"]
        for day in (3, 10, 17, 24):
            street = night(self.team, dt.date(2026, 3, day), territory=self.nord)
            contacts(street, self.rng.randint(0, 4), level="seen")
            first = contacts(street, self.rng.randint(1, 6), level="exchange", is_first_contact=True)
            again = contacts(street, self.rng.randint(0, 5), level="exchange", is_first_contact=False)
            for contact in self.rng.sample(first + again, self.rng.randint(0, len(first + again))):
                Orientation.objects.create(contact=contact, partner=partner)
            taps(street, self.rng.randint(0, 9))
            taps(street, self.rng.randint(0, 3), removal="undo")
            for contact in self.rng.sample(first, self.rng.randint(0, len(first))):
                taps(street, 1, removal="promoted", contact=contact)
            digital = night(self.team, dt.date(2026, 3, day), territory=self.nord, kind=SessionKind.DIGITAL)
            for platform in platforms:
                conversations = self.rng.randint(0, 8)
                requests = {}
                left = conversations
                for code in self.rng.sample(SLOT_REQUEST_CATEGORIES, 3):
                    requests[code] = self.rng.randint(0, left)
                    left -= requests[code]
                slot(
                    digital,
                    platform,
                    spotted=self.rng.randint(0, 30),
                    messages=self.rng.randint(0, 15),
                    conversations=conversations,
                    requests={k: v for k, v in requests.items() if v},
                    orientations=self.rng.randint(0, conversations),
                )
            sessions_changed([street.pk, digital.pk])

    def test_met_exchanged_followed_oriented_equal_a_plain_recount(self):
        self.build_month()
        report = build_report(self.scope, disclose=False)
        month = Contact.objects.filter(team=self.team, service_date__month=3)
        counting_taps = TallyMark.objects.filter(session__team=self.team, removal="").count()
        recount = {
            "met": month.count() + counting_taps,
            "level:exchange": month.filter(level="exchange").count(),
            "followup": month.filter(level="exchange", is_first_contact=False).count(),
            "oriented": month.filter(orientation_links__isnull=False).distinct().count(),
        }
        funnel = next(b for b in report.breakdowns if b.code == "funnel")
        self.assertEqual({f.key: f.value for f in funnel.figures}, recount)
        self.assertGreater(counting_taps, 0)
        self.assertEqual(funnel.figures[0].percent, 100)

    def test_the_digital_funnel_equals_a_plain_recount(self):
        self.build_month()
        report = build_report(self.scope, disclose=False)
        slots = DigitalSlot.objects.filter(session__team=self.team)
        totals = slots.aggregate(
            s=Sum("profiles_spotted"), m=Sum("messages_sent"), c=Sum("conversations"), o=Sum("orientations")
        )
        by_category = dict(
            SlotRequest.objects.filter(slot__in=slots).values_list("category").annotate(n=Sum("count"))
        )
        funnel = next(b for b in report.breakdowns if b.code == "digital_funnel")
        self.assertEqual(
            [f.value for f in funnel.figures],
            [totals["s"], totals["m"], totals["c"], sum(by_category.values()), totals["o"]],
        )
        requests = next(b for b in report.breakdowns if b.code == "digital_requests")
        self.assertEqual(
            {f.key.split(":")[1]: f.value for f in requests.figures},
            {code: by_category.get(code, 0) for code in SLOT_REQUEST_CATEGORIES},
        )

    def test_funder_figures_of_the_funnels_go_through_disclosure_control(self):
        street = night(self.team, dt.date(2026, 3, 3), territory=self.nord)
        contacts(street, 12, level="exchange")
        taps(street, 2)
        digital = night(self.team, dt.date(2026, 3, 3), territory=self.nord, kind=SessionKind.DIGITAL)
        slot(
            digital,
            "social_network",
            spotted=40,
            messages=20,
            conversations=9,
            requests={"housing": 2, "health": 6},
            orientations=1,
        )
        sessions_changed([street.pk, digital.pk])
        report = build_report(self.scope)
        self.assertIsNone(report.figure("dig:orientations").value)
        self.assertIsNone(report.figure("dig_req:housing").value)
        # 8 requests shown with 6 for health would give housing's 2 back: health is hidden too.
        self.assertIsNone(report.figure("dig_req:health").value)
        # Two taps beside twelve contacts: "met" and "contacts" shown together would give them back.
        self.assertIn("tallies", report.hidden)
        self.assertTrue({"met", "contacts"} & report.hidden)
        check_protected(report.system, report.hidden)
