"""Pages of the support-instrument catalogue, wizard, transparency and burden."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from loket.instruments import rules, selectors, services, transparency
from loket.instruments.forms import BurdenReportForm, CsvUploadForm, WizardForm
from loket.instruments.ical import calendar_ics
from loket.instruments.models import Category, ChangeLog, Level, Modality, TargetGroup
from loket.lib.errors import ApplicationError
from loket.lib.spreadsheet import FORMATS, table_response, xlsx_response
from loket.organisations.models import Organisation


def _staff_or_404(request: HttpRequest) -> None:
    if not (request.user.is_authenticated and request.user.is_staff):
        raise Http404


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Access: public. Faceted list of support instruments."""
    filters = {name: request.GET.getlist(name) for name in selectors.FACETS}
    q = request.GET.get("q", "")[:200]
    historical = request.GET.get("historical") == "1"
    qs = selectors.instrument_list(filters=filters, q=q, historical=historical)
    instruments, counts = selectors.instrument_facets(
        instruments=list(qs), target_groups=filters["target_group"]
    )
    funders = {i.funder.code: str(i.funder) for i in instruments}
    labels = {
        "level": lambda v: str(Level(v).label),
        "category": lambda v: str(Category(v).label),
        "funder": lambda v: funders[v],
        "target_group": lambda v: str(TargetGroup(v).label) if v in TargetGroup.values else v,
    }
    titles = {
        "level": _("Level"),
        "category": _("Category"),
        "funder": _("Funder"),
        "target_group": _("Target group"),
    }
    facets = [
        (
            name,
            titles[name],
            [(v, labels[name](v), n, v in filters[name]) for v, n in counts[name].most_common()],
        )
        for name in selectors.FACETS
    ]
    return render(
        request,
        "instruments/catalogue.html",
        {
            "instruments": instruments,
            "facets": facets,
            "filters": filters,
            "q": q,
            "historical": historical,
        },
    )


@require_GET
def instrument_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Access: public (the catalogue is public data); intermediaries shown only as far as the
    visitor may see their organisation."""
    instrument = selectors.instrument_get(slug=slug)
    today = timezone.localdate()
    calls = instrument.call_topics.upcoming(today)[:20]
    history = ChangeLog.objects.filter(
        model="instruments.Instrument", object_id=str(instrument.pk)
    ).select_related("user")[:10]
    return render(
        request,
        "instruments/detail.html",
        {
            "instrument": instrument,
            "calls": calls,
            "history": history,
            "windows": selectors.call_windows(instrument=instrument),
            "helpers": selectors.instrument_helpers(instrument=instrument, user=request.user),
            "target_groups": [
                TargetGroup(g).label if g in TargetGroup.values else g
                for g in instrument.target_groups or []
            ],
            "today": today,
            "conditions": [
                (rule, rules.describe(rule.kind, rule.params or {}).render(_))
                for rule in instrument.eligibility_rules.all()
            ],
        },
    )


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """Access: public. Up to three instruments side by side (?i=slug&i=slug&i=slug)."""
    instruments = selectors.instruments_for_comparison(slugs=request.GET.getlist("i"))
    modality_rows = [
        (
            label,
            [
                ", ".join(
                    f"{m.get_requirement_display()}{' (' + m.variant + ')' if m.variant else ''}"
                    for m in i.modalities.all()
                    if m.modality == value
                )
                or "—"
                for i in instruments
            ],
        )
        for value, label in Modality.choices
    ]
    return render(
        request,
        "instruments/compare.html",
        {
            "instruments": instruments,
            "modality_rows": modality_rows,
            "all_instruments": selectors.instrument_list(filters={}, historical=True),
        },
    )


@require_GET
def tables(request: HttpRequest) -> HttpResponse:
    """Access: public. SERV Tables 1/3 and 4 regenerated from the catalogue data."""
    return render(
        request,
        "instruments/tables.html",
        {
            "modality_matrix": selectors.modality_matrix(),
            "funder_matrix": selectors.funder_matrix(),
        },
    )


@require_GET
def calls(request: HttpRequest) -> HttpResponse:
    """Access: public. Open and forthcoming EU call topics."""
    q = request.GET.get("q", "")[:200]
    programme = request.GET.get("programme", "")[:200]
    qs = selectors.call_list(q=q, programme=programme, today=timezone.localdate())
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    programmes = (
        selectors.call_list(today=timezone.localdate())
        .order_by()
        .values_list("programme", flat=True)
        .distinct()
    )
    return render(
        request,
        "instruments/calls.html",
        {
            "page": page,
            "q": q,
            "programme": programme,
            "programmes": sorted(set(programmes)),
        },
    )


@require_GET
def call_detail(request: HttpRequest, topic_id: str) -> HttpResponse:
    """Access: public."""
    topic = selectors.call_get(topic_id=topic_id)
    partners_url = "/partners/?" + urlencode({"q": topic.title})
    return render(
        request, "instruments/call_detail.html", {"topic": topic, "partners_url": partners_url}
    )


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Access: public. Deadlines grouped by month."""
    return render(
        request,
        "instruments/calendar.html",
        {"months": selectors.call_calendar(today=timezone.localdate())},
    )


@require_GET
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """Access: public. iCalendar feed of upcoming deadlines (EU calls and instrument windows)."""
    body = calendar_ics(
        deadlines=selectors.deadlines_upcoming(today=timezone.localdate()),
        site_url=settings.SITE_URL,
        now=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="loket-deadlines.ics"'
    return response


@require_http_methods(["GET", "POST"])
def wizard(request: HttpRequest) -> HttpResponse:
    """Access: public. Eight questions; the result is saved under an unguessable link."""
    form = WizardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.wizard_result_create(answers=form.answers(), user=request.user)
        return redirect("instruments:wizard-result", token=result.token)
    return render(request, "instruments/wizard.html", {"form": form})


@require_GET
def wizard_result(request: HttpRequest, token: str) -> HttpResponse:
    """Access: whoever holds the link (token of 24 random characters)."""
    result = selectors.wizard_result_get(token=token)
    theme = result.answers.get("theme", "")
    for item in result.results:
        for reason in item["reasons"]:
            if reason["suggestion"]:
                query = (
                    " ".join(
                        filter(
                            None,
                            [
                                "SME" if reason["needs_sme"] else "",
                                reason["partner_type"],
                                theme,
                            ],
                        )
                    )
                    or item["name"]
                )
                reason["partners_url"] = "/partners/?" + urlencode({"q": query})
    return render(
        request,
        "instruments/wizard_result.html",
        {
            "result": result,
            "share_url": request.build_absolute_uri(),
            "eligible": [r for r in result.results if r["eligible"]],
            "other": [r for r in result.results if not r["eligible"]],
        },
    )


def _scope(request: HttpRequest) -> tuple[str, str]:
    country = request.GET.get("country", "BE").upper()[:2]
    programme = request.GET.get("programme", "")
    if programme not in {"", "FP7", "H2020"}:
        programme = ""
    if not country.isalpha():
        country = "BE"
    return country, programme


@require_GET
def transparency_page(request: HttpRequest) -> HttpResponse:
    """Access: public. Aggregates of public CORDIS data."""
    country, programme = _scope(request)
    data = transparency.overview(country=country, programme=programme)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        header = ["dimension", "value", "ec_contribution", "rows", "share_pct"]
        rows = [
            (dimension, row["value"], row["amount"], row["count"], round(row["share"], 2))
            for dimension, values in data["breakdowns"].items()
            for row in values
        ]
        if fmt == "csv":
            return table_response(fmt=fmt, stem="loket-eu-funding", header=header, rows=rows)
        top = [
            (r["organisation_id"], r["name"], r["amount"], round(r["share"], 2))
            for r in data["concentration"]["top"]
        ]
        return xlsx_response(
            filename="loket-eu-funding.xlsx",
            sheets=[
                (_("Breakdowns"), header, rows),
                (
                    _("Top recipients"),
                    ["organisation_id", "name", "ec_contribution", "share_pct"],
                    top,
                ),
                (
                    _("Scope"),
                    ["country", "programme", "total_ec_contribution", "rows"],
                    [(country, programme or "FP7+H2020", data["total"], data["rows"])],
                ),
            ],
        )
    return render(
        request,
        "instruments/transparency.html",
        {
            "data": data,
            "country": country,
            "programme": programme,
            "scope_query": urlencode({"country": country, "programme": programme}),
        },
    )


@require_GET
def transparency_rows(request: HttpRequest) -> HttpResponse:
    """Access: public. The participation rows behind one figure."""
    country, programme = _scope(request)
    dimension = request.GET.get("dimension", "")
    value = request.GET.get("value", "")[:40]
    if dimension not in [*transparency.DIMENSIONS, "organisation"]:
        raise Http404
    rows = transparency.drilldown(
        dimension=dimension, value=value, country=country, programme=programme
    )
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return table_response(
            fmt=fmt,
            stem="loket-eu-funding-rows",
            title=_("Rows"),
            header=[
                "project",
                "acronym",
                "programme",
                "start",
                "organisation",
                "type",
                "sme",
                "nuts",
                "role",
                "ec_contribution",
            ],
            rows=[
                (
                    r.project.cordis_id,
                    r.project.acronym,
                    r.project.programme,
                    r.project.start_date,
                    r.organisation.name,
                    r.activity_type,
                    r.sme,
                    r.nuts_code,
                    r.role,
                    r.ec_contribution,
                )
                for r in rows
            ],
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    total = sum((r.ec_contribution or 0 for r in rows), 0)
    return render(
        request,
        "instruments/transparency_rows.html",
        {
            "page": page,
            "dimension": dimension,
            "value": value,
            "total": total,
            "count": len(rows),
            "query": urlencode(
                {"country": country, "programme": programme, "dimension": dimension, "value": value}
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def burden(request: HttpRequest) -> HttpResponse:
    """Access: public summary; signed-in members of an organisation may report; each sees only
    their own organisations' reports."""
    form = None
    organisations = (
        Organisation.objects.filter(memberships__user=request.user).order_by("name")
        if request.user.is_authenticated
        else Organisation.objects.none()
    )
    if organisations:
        form = BurdenReportForm(request.POST or None, organisations=organisations)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.burden_report_create(
                    user=request.user, organisation=data.pop("organisation"), **data
                )
            except ApplicationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Thank you: your report was recorded."))
                return redirect("instruments:burden")
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "instruments/burden.html",
        {
            "summary": selectors.burden_summary(),
            "form": form,
            "own_reports": selectors.burden_reports_for(user=request.user)[:50],
        },
    )


@require_GET
def curator_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Access: curators (staff) only; others get 404. ?table=instruments|modalities|rules."""
    _staff_or_404(request)
    table = request.GET.get("table", "instruments")
    if fmt not in FORMATS or table not in services.CURATION_TABLES:
        raise Http404
    header, rows = selectors.curation_rows(table=table)
    return table_response(fmt=fmt, stem=f"loket-{table}", header=header, rows=rows, title=table)


@require_http_methods(["GET", "POST"])
def curator_import(request: HttpRequest) -> HttpResponse:
    """Access: curators (staff) only; anonymous and other users get 404 and nothing changes."""
    _staff_or_404(request)
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.CSV_MAX_BYTES:
            messages.error(request, _("The file is larger than 2 MB."))
        else:
            try:
                report = services.catalogue_csv_import(
                    table=form.cleaned_data["table"], data=upload.read(), user=request.user
                )
            except ApplicationError as exc:
                messages.error(request, str(exc))
            else:
                if report.errors:
                    messages.error(request, _("Nothing was changed; fix these lines first."))
                else:
                    messages.success(
                        request,
                        _("%(c)s created, %(u)s updated, %(n)s unchanged.")
                        % {"c": report.created, "u": report.updated, "n": report.unchanged},
                    )
    return render(
        request,
        "instruments/curator_import.html",
        {"form": form, "report": report, "tables": services.CURATION_TABLES},
    )
