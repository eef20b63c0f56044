"""Funder and coordinator report pages. Thin: parse the filter, ask outreach.reporting, render.

Every page view and every download is written to the audit journal.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from outreach import journal
from outreach.choices import TerritoryLevel
from outreach.models import Territory
from outreach.reporting.catalogue import build_catalogue
from outreach.reporting.charts import report_charts
from outreach.reporting.exports import report_csv
from outreach.reporting.publication import NotInCatalogue, PublicationBlocked, funder_table
from outreach.reporting.report import build_report
from outreach.reporting.scope import (
    OutOfScope,
    agreement_for,
    agreements_for,
    coordinator_scope,
)
from outreach.reporting.territories import TerritoryTree
from reports.forms import FunderFilterForm, ReportFilterForm
from reports.pdf import report_pdf

EXPORT_FORMATS = {"csv", "pdf"}


def _funder_report(request: HttpRequest, agreement_id: int):
    """(report or None, agreement, form, status): a form error answers 400, a blocked table 409."""
    tree = TerritoryTree()
    try:
        agreement = agreement_for(request.user, agreement_id)
    except OutOfScope as exc:
        raise Http404(_("No such report.")) from exc
    today = timezone.localdate()
    catalogue = build_catalogue(agreement, tree=tree, today=today)
    territories = sorted(
        Territory.objects.filter(id__in=catalogue.territories),
        key=lambda t: (t.id not in catalogue.roots, t.name),
    )
    form = FunderFilterForm(request.GET or None, territories=territories)
    if form.is_bound and not form.is_valid():
        if "territory" in form.errors:
            raise Http404(_("No such report."))
        return None, agreement, form, 400
    kind, day = form.chosen()
    try:
        report = funder_table(
            agreement, territory_id=form.chosen_territory(), kind=kind, day=day, tree=tree, today=today
        )
    except NotInCatalogue as exc:
        raise Http404(_("No such report.")) from exc
    except PublicationBlocked:
        form.add_error(None, _("These figures cannot be published yet: more would have to be hidden first."))
        return None, agreement, form, 409
    return report, agreement, form, 200


def _refused(request: HttpRequest, form, agreement, status: int) -> HttpResponse:
    """The filter with its error: a table outside the catalogue (400) or not publishable (409)."""
    context = {"form": form, "agreement": agreement}
    return render(request, "reports/dashboard.html", context, status=status)


def _detail(report) -> dict:
    return {
        "territory": report.territory_label,
        "start": report.period.start.isoformat(),
        "end": report.period.end.isoformat(),
    }


@login_required
def funder_home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_funder:
        raise Http404(_("No such report."))
    journal.log_report_view(user=request.user, what="funder:agreements", request=request)
    return render(request, "reports/funder_home.html", {"agreements": agreements_for(request.user)})


@login_required
def funder_dashboard(request: HttpRequest, agreement_id: int) -> HttpResponse:
    report, agreement, form, status = _funder_report(request, agreement_id)
    if report is None:
        return render(
            request, "reports/dashboard.html", {"form": form, "agreement": agreement}, status=status
        )
    journal.log_report_view(
        user=request.user, what=f"funder:{agreement.reference}", request=request, **_detail(report)
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "report": report,
            "charts": report_charts(report),
            "form": form,
            "agreement": agreement,
            "csv_url": f"{request.path}report.csv?{request.GET.urlencode()}",
            "pdf_url": f"{request.path}report.pdf?{request.GET.urlencode()}",
        },
    )


def _download(report, *, fmt: str, title: str, name: str) -> HttpResponse:
    stem = slugify(f"maraude-{name}-{report.territory_label}-{report.period.start}-{report.period.end}")
    if fmt == "csv":
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(report_pdf(report, title=title), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@login_required
def funder_export(request: HttpRequest, agreement_id: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("No such format."))
    report, agreement, form, status = _funder_report(request, agreement_id)
    if report is None:
        return render(
            request, "reports/dashboard.html", {"form": form, "agreement": agreement}, status=status
        )
    journal.log_export(
        user=request.user,
        what=f"funder:{agreement.reference}",
        request=request,
        format=fmt,
        **_detail(report),
    )
    title = _("Outreach activity — %(ref)s") % {"ref": agreement.reference}
    return _download(report, fmt=fmt, title=title, name=agreement.reference)


def _coordinator_territories(user, tree: TerritoryTree) -> list[Territory]:
    covered = Territory.objects.filter(
        Q(teams__organisation_id=user.organisation_id) | Q(organisation_id=user.organisation_id)
    ).values_list("id", flat=True)
    ids = {ancestor for territory in covered for ancestor in tree.chain(territory)}
    ids.add(Territory.objects.get(level=TerritoryLevel.NATIONAL).id)
    return sorted(Territory.objects.filter(id__in=ids), key=lambda t: (t.level != "national", t.name))


def _coordinator_report(request: HttpRequest, *, disclose: bool):
    tree = TerritoryTree()
    if not request.user.is_coordinator:
        raise Http404(_("No such report."))
    form = ReportFilterForm(request.GET or None, territories=_coordinator_territories(request.user, tree))
    if form.is_bound and "territory" in form.errors:
        raise Http404(_("No such report."))
    try:
        scope = coordinator_scope(
            request.user,
            territory_id=form.chosen_territory(),
            period=form.chosen_period(timezone.localdate()),
            tree=tree,
        )
    except OutOfScope as exc:
        raise Http404(_("No such report.")) from exc
    previous = scope.period.previous()
    report = build_report(
        scope, tree=tree, disclose=disclose, with_teams=True, previous=previous, all_custom_fields=True
    )
    return report, form


@login_required
def coordinator_dashboard(request: HttpRequest) -> HttpResponse:
    # On screen a coordinator sees their own organisation unsuppressed (they may read its
    # records anyway); anything downloaded goes through disclosure control.
    report, form = _coordinator_report(request, disclose=False)
    journal.log_report_view(user=request.user, what="coordinator", request=request, **_detail(report))
    query = request.GET.urlencode()
    return render(
        request,
        "reports/dashboard.html",
        {
            "report": report,
            "charts": report_charts(report),
            "form": form,
            "csv_url": f"{request.path}report.csv?{query}",
            "pdf_url": f"{request.path}report.pdf?{query}",
        },
    )


@login_required
def coordinator_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("No such format."))
    report, _form = _coordinator_report(request, disclose=True)
    journal.log_export(user=request.user, what="coordinator", request=request, format=fmt, **_detail(report))
    title = _("Outreach activity — %(org)s") % {"org": request.user.organisation}
    return _download(report, fmt=fmt, title=title, name="organisation")
