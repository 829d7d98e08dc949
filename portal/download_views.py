"""Open-data downloads (portal/opendata.md): plain function views that serve the files written
once per publication (`portal.opendata.store`) with ETag and Last-Modified. Only published
disclosures; anything else is 404."""

import hashlib
import re
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, quote_etag

from . import opendata
from .opendata import store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
JSON = "application/json; charset=utf-8"
# Files up to this size are sent from memory; larger ones are streamed from the storage.
INLINE_LIMIT = 1 << 20


def content_disposition(filename, fallback, *, inline=False):
    """`attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266 / 5987): browsers use the
    Chinese name, old clients the ASCII fallback."""
    filename = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", filename)
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _stored(request, name, *, sha, modified, content_type, filename, fallback, inline=False):
    """Serve a file of the open-data storage with its ETag (its SHA-256) and Last-Modified;
    a matching If-None-Match / If-Modified-Since gets 304 Not Modified."""
    etag = quote_etag(sha)
    last_modified = int(parse_datetime(modified).timestamp()) if modified else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        file = store.storage().open(name, "rb")
        if file.size > INLINE_LIMIT:  # large package resources are streamed
            response = FileResponse(file, content_type=content_type)
        else:
            with file:
                response = HttpResponse(file.read(), content_type=content_type)
        response["Content-Disposition"] = content_disposition(filename, fallback, inline=inline)
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, no_cache=True)
    return response


def _version(pk):
    """(id, year, checksum) of a published version, its files written; or 404."""
    found = (
        opendata.published_disclosures()
        .filter(pk=pk)
        .values_list("pk", "year", "content_checksum")
        .first()
    )
    if found is None:
        raise Http404("没有这份公开文件，或它尚未公开。")
    manifest = store.version_manifest(pk, found[2])
    if manifest is None:  # published before its files were written: write them now, once
        manifest = store.write_version(opendata.get_published(pk))
    return found, manifest


def _version_file(request, pk, file, content_type, filename, fallback, inline=False):
    (pk, year, checksum), manifest = _version(pk)
    entry = manifest["files"].get(file)
    if entry is None:
        raise Http404("没有这张表。")
    return _stored(
        request,
        f"{store.version_dir(pk, checksum)}/{file}",
        sha=entry["sha256"],
        modified=manifest["written_at"],
        content_type=content_type,
        filename=filename(manifest["name"], manifest),
        fallback=fallback.format(pk=pk, year=year),
        inline=inline,
    )


def disclosure_xlsx(request, pk):
    """All tables of a published disclosure as one workbook, one sheet per table."""
    return _version_file(
        request,
        pk,
        "download.xlsx",
        XLSX,
        lambda name, _: f"{name}公开表格.xlsx",
        "disclosure-{pk}-{year}.xlsx",
    )


def disclosure_table_csv(request, pk, table):
    """One table of a published disclosure as CSV (UTF-8 with BOM, for spreadsheets)."""
    return _version_file(
        request,
        pk,
        f"tables/{table}.csv",
        CSV,
        lambda name, manifest: f"{name}-{manifest['tables'][table]}.csv",
        f"disclosure-{{pk}}-{{year}}-{table}.csv",
    )


def disclosure_json(request, pk):
    """The whole published disclosure as JSON, valid against disclosure.schema.json: the
    bytes written at publication, whose content checksum the page prints."""
    return _version_file(
        request,
        pk,
        "disclosure.json",
        JSON,
        lambda name, _: f"{name}.json",
        "disclosure-{pk}-{year}.json",
        inline=True,
    )


def _package_file(request, name, content_type, *, inline):
    manifest = store.update_package()
    if name == store.SCHEMA_FILE:
        sha = hashlib.sha256(store.schema_bytes()).hexdigest()
    elif name == "datapackage.json":
        sha = hashlib.sha256(manifest["built_at"].encode()).hexdigest()
    else:
        sha = manifest["resources"][name.removesuffix(".csv")]["hash"].removeprefix("sha256:")
    return _stored(
        request,
        f"package/{name}",
        sha=sha,
        modified=manifest["built_at"],
        content_type=content_type,
        filename=name,
        fallback=name,
        inline=inline,
    )


def disclosure_schema(request):
    """The JSON Schema of the disclosure JSON, at a stable address beside the data package."""
    return _package_file(request, store.SCHEMA_FILE, "application/schema+json", inline=True)


def datapackage(request):
    """The data package descriptor of everything published, with each resource's SHA-256."""
    return _package_file(request, "datapackage.json", JSON, inline=True)


def open_data_csv(request, resource):
    """One resource of the data package, over all published disclosures (plain UTF-8)."""
    if resource not in opendata.PACKAGE_RESOURCES:
        raise Http404("数据包中没有这个资源。")
    return _package_file(request, f"{resource}.csv", CSV, inline=False)
