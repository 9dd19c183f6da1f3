"""Links that carry the current filter: the URL parameters that reproduce a filter (the
sidebar reads them back), and links to a report in 报告浏览, optionally at one clause."""
from __future__ import annotations

from urllib.parse import quote, urlencode

from dashboard import cache
from dashboard.registry import READER
from pipeline.queries import filters as fdefs


def filter_params(filters: dict | None) -> list[tuple[str, str]]:
    """The URL query parameters that reproduce `filters` (the format bound widgets read)."""
    f = fdefs.known(filters)
    years = cache.filter_options()["years"] if "year_min" in f or "year_max" in f else ()
    return fdefs.url_params(f, years)


def report_link(report_id: str, filters: dict | None = None, url_path: str | None = None,
                highlight: str | None = None) -> str:
    """Relative link to a report in 报告浏览 (`报告浏览?report=<id>&...`), carrying the
    current filter; `highlight` (a clause of the report) makes the reader scroll to it."""
    params = [("report", report_id), *filter_params(filters)]
    if highlight:
        params.append(("hl", str(highlight)[:120]))
    return f"{READER.url_path if url_path is None else url_path}?{urlencode(params, quote_via=quote)}"


def report_links(ids, filters: dict | None) -> list:
    """`report_link` for many reports at once (the filter's parameters are worked out once,
    not once per row); None where the id is missing (a report without a source)."""
    tail = urlencode(filter_params(filters), quote_via=quote)
    base = READER.url_path + "?"
    return [None if not isinstance(r, str) else base + urlencode([("report", r)], quote_via=quote)
            + ("&" + tail if tail else "") for r in ids]
