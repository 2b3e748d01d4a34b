"""The outcome report as a PDF (WeasyPrint, embedded CJK font, SVG charts) and as an xlsx
workbook (openpyxl, one sheet per table). Both in the active language.

The PDF renderer fetches only the application's own static files (and data: URLs): whatever
a report's text holds, rendering never reads another file of the server nor reaches a host.
The workbook writes every text cell through `safe_cell`, so an event or cluster named
``=HYPERLINK(…)`` stays text.
"""

from __future__ import annotations

import mimetypes
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from clusterlink.common.spreadsheets import safe_cell
from clusterlink.reports import svg
from clusterlink.reports.selectors import EventOutcome

FONT_FILES = {
    "regular": "vendor/fonts/SourceHanSansSC-Regular.otf",
    "bold": "vendor/fonts/SourceHanSansSC-Bold.otf",
}


class ReportFontMissing(RuntimeError):
    """The CJK font is copied by `make assets`; without it Chinese and Japanese would not render."""


# How the PDF's HTML names a static file: "static:vendor/fonts/x.otf" (a scheme of our own, so
# no URL of the outside world can ever mean one of our files).
STATIC_SCHEME = "static"


def font_uris() -> dict[str, str]:
    uris = {}
    for weight, relative in FONT_FILES.items():
        if not finders.find(relative):
            raise ReportFontMissing(f"{relative} not found: run `make assets`")
        uris[weight] = f"{STATIC_SCHEME}:{relative}"
    return uris


def static_file_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves `static:<path>` from the static files (the finders,
    then the collected storage) and data: URLs, and refuses every other URL: file:// (the
    server's own files), http(s) (another host, or this one's private network), and any path
    that leaves the static folders. A refused URL raises, which WeasyPrint reports as a
    warning and renders without the resource."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme, _colon, rest = url.partition(":")
            if scheme.lower() == "data":
                return super().fetch(url, headers)
            if scheme.lower() == STATIC_SCHEME:
                relative = unquote(rest).lstrip("/")
                return URLFetcherResponse(
                    url,
                    _static_file_bytes(relative),
                    {
                        "Content-Type": mimetypes.guess_type(relative)[0]
                        or "application/octet-stream"
                    },
                )
            raise ValueError(f"{url[:200]} is not one of the application's static files")

    return StaticFilesOnly(allowed_protocols=("data",))


def _static_file_bytes(relative: str) -> bytes:
    try:
        found = finders.find(relative)
        if found:
            return Path(str(found)).read_bytes()
        if staticfiles_storage.exists(relative):
            with staticfiles_storage.open(relative) as stream:
                return bytes(stream.read())
    except SuspiciousFileOperation as exc:
        raise ValueError(f"{relative[:200]} leaves the static files") from exc
    raise ValueError(f"{relative[:200]} is not one of the application's static files")


def sankey_links(outcome: EventOutcome) -> tuple[list[svg.Link], str]:
    """Flows between clusters as Sankey links and the measure they show: RMB (in 10,000s) when
    every flow has an amount, else pairs when every flow has pairs, else the number of agreements
    (money first: investments and platform deals have no pairs).
    Buyers' clusters stand on the left, suppliers' on the right, each named with its side so a
    cluster on both sides is two nodes (a Sankey has no cycles)."""
    flows = outcome.flows
    amounts = [f.amount_rmb or Decimal(0) for f in flows]  # None: withheld from the public
    pairs = [f.pairs or 0 for f in flows]
    if flows and all(amount > 0 for amount in amounts):
        measure, values = _("10,000 RMB"), [float(amount / 10_000) for amount in amounts]
    elif flows and all(n > 0 for n in pairs):
        measure, values = _("pairs"), [float(n) for n in pairs]
    else:
        measure, values = _("agreements"), [float(f.agreements) for f in flows]
    links = [
        svg.Link(
            source=_("%(cluster)s · buyers") % {"cluster": f.buyer_cluster},
            target=_("%(cluster)s · suppliers") % {"cluster": f.supplier_cluster},
            value=value,
        )
        for f, value in zip(flows, values, strict=True)
    ]
    return links, measure


def report_pdf(outcome: EventOutcome, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    links, measure = sankey_links(outcome)
    html = render_to_string(
        "reports/outcome_pdf.html",
        {
            **context,
            "fonts": font_uris(),
            "sankey_svg": mark_safe(svg.sankey(links)),  # our own SVG; labels are escaped
            "sankey_measure": measure,
            "types_svg": mark_safe(
                svg.bar_chart([(row.label, row.intentions + row.signed) for row in outcome.by_type])
            ),
        },
    )
    return bytes(HTML(string=html, url_fetcher=static_file_fetcher()).write_pdf())


def _rmb(value: Decimal | None) -> Decimal | None:
    # A number cell; the format shows two decimals. None (an empty cell): a figure from too few
    # agreements for the public (reports.selectors.PUBLIC_AGGREGATE_MINIMUM).
    return None if value is None else value.quantize(Decimal("0.01"))


def report_xlsx(outcome: EventOutcome) -> bytes:
    workbook = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows: list[list[Any]], first: bool = False) -> None:
        ws = workbook.active if first else workbook.create_sheet()
        assert ws is not None
        ws.title = title[:31]
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([safe_cell(value) for value in row])
        for column in ws.columns:
            letter = column[0].column_letter
            ws.column_dimensions[letter].width = max(
                12, *(len(str(c.value or "")) + 4 for c in column)
            )
            for c in column[1:]:
                if isinstance(c.value, Decimal):
                    c.number_format = "#,##0.00"
                elif isinstance(c.value, int):
                    c.number_format = "#,##0"

    event = outcome.event
    sheet(
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            [_("Event"), event.name],
            [_("Dates"), f"{event.starts_on:%Y-%m-%d} – {event.ends_on:%Y-%m-%d}"],
            [_("Headline"), outcome.headline()],
            [_("Firms with agreements"), outcome.firms_with_agreements],
            [_("Cooperation intentions"), outcome.intentions],
            [_("Signed agreements"), outcome.signed],
            [_("Pairs"), outcome.pairs],
            [_("Amount (RMB)"), _rmb(outcome.amount_rmb)],
            [_("Meetings held"), outcome.meetings_held],
            [_("Registered firms"), outcome.registered_firms],
        ],
        first=True,
    )
    sheet(
        _("Participants"),
        [_("Cluster"), _("Role"), _("Firms"), _("People")],
        [[r.cluster, r.role_label, r.firms, r.people] for r in outcome.by_participant],
    )
    sheet(
        _("Agreements by type"),
        [_("Type"), _("Cooperation intentions"), _("Signed"), _("Pairs"), _("Amount (RMB)")],
        [[r.label, r.intentions, r.signed, r.pairs, _rmb(r.amount_rmb)] for r in outcome.by_type],
    )
    sheet(
        _("Flows between clusters"),
        [
            _("Buyers' cluster"),
            _("Suppliers' cluster"),
            _("Agreements"),
            _("Pairs"),
            _("Amount (RMB)"),
        ],
        [
            [f.buyer_cluster, f.supplier_cluster, f.agreements, f.pairs, _rmb(f.amount_rmb)]
            for f in outcome.flows
        ],
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
