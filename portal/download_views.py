"""Open-data downloads (portal/opendata.md): plain function views that render the structures
of `portal.opendata` as XLSX, CSV and JSON. Only published disclosures; anything else is 404.
"""

import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.urls import reverse

from . import opendata

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
JSON = "application/json; charset=utf-8"
SCHEMA = Path(__file__).parent / "static" / "portal" / "schema" / "disclosure.schema.json"


def content_disposition(filename, fallback, *, inline=False):
    """`attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266 / 5987): browsers use the
    Chinese name, old clients the ASCII fallback."""
    filename = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", filename)
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _response(content, content_type, filename, fallback, *, inline=False):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, fallback, inline=inline)
    return response


def _json(data):
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _links(request, disclosure, tables):
    def url(name, *args):
        return request.build_absolute_uri(reverse(f"portal:{name}", args=args))

    pk = disclosure.pk
    return {
        "page": url("disclosure", pk),
        "json": url("disclosure_json", pk),
        "xlsx": url("disclosure_xlsx", pk),
        **{f"csv:{t.key}": url("disclosure_table_csv", pk, t.key) for t in tables},
        "schema": url("disclosure_schema"),
        "datapackage": url("datapackage"),
    }


def disclosure_xlsx(request, pk):
    """All tables of a published disclosure as one workbook, one sheet per table."""
    disclosure = opendata.get_published(pk)
    content = opendata.render_xlsx(disclosure, opendata.disclosure_tables(disclosure))
    name = opendata.document_name(disclosure)
    return _response(
        content, XLSX, f"{name}公开表格.xlsx", f"disclosure-{pk}-{disclosure.year}.xlsx"
    )


def disclosure_table_csv(request, pk, table):
    """One table of a published disclosure as CSV (UTF-8 with BOM, for spreadsheets)."""
    disclosure = opendata.get_published(pk)
    built = next((t for t in opendata.disclosure_tables(disclosure) if t.key == table), None)
    if built is None:
        raise Http404("没有这张表。")
    name = opendata.document_name(disclosure)
    return _response(
        opendata.render_table_csv(built),
        CSV,
        f"{name}-{built.title}.csv",
        f"disclosure-{pk}-{disclosure.year}-{table}.csv",
    )


def disclosure_json(request, pk):
    """The whole published disclosure as JSON, valid against disclosure.schema.json."""
    disclosure = opendata.get_published(pk)
    tables = opendata.disclosure_tables(disclosure)
    document = opendata.disclosure_document(disclosure, tables, _links(request, disclosure, tables))
    name = opendata.document_name(disclosure)
    return _response(
        _json(document),
        JSON,
        f"{name}.json",
        f"disclosure-{pk}-{disclosure.year}.json",
        inline=True,
    )


@cache
def _schema():
    return SCHEMA.read_bytes()


def disclosure_schema(request):
    """The JSON Schema of the disclosure JSON, at a stable address beside the data package."""
    return _response(
        _schema(),
        "application/schema+json",
        "disclosure.schema.json",
        "disclosure.schema.json",
        inline=True,
    )


def datapackage(request):
    """The data package descriptor of everything published (no query: it is fixed)."""
    return _response(
        _json(opendata.datapackage_descriptor()),
        JSON,
        "datapackage.json",
        "datapackage.json",
        inline=True,
    )


def open_data_csv(request, resource):
    """One resource of the data package, over all published disclosures (plain UTF-8)."""
    if resource not in opendata.PACKAGE_RESOURCES:
        raise Http404("数据包中没有这个资源。")
    records = opendata.package_records(
        opendata.package_disclosures(),
        lambda d: request.build_absolute_uri(d.get_absolute_url()),
    )
    return _response(
        opendata.render_package_csv(resource, records[resource]),
        CSV,
        f"{resource}.csv",
        f"{resource}.csv",
    )
