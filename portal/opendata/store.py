"""Open data built once (portal/opendata.md, “文件”): a published version's downloads and the
data package are written to the "opendata" storage when a version is published, and served
as files afterwards.

Layout of the storage (any Django storage backend; a directory under MEDIA_ROOT by default):

- `versions/<id>/<stamp>/`: one published version's `disclosure.json`, `download.xlsx`,
  `tables/<table>.csv` and `manifest.json` (SHA-256 and size of each file; written last, so a
  version with a manifest is complete). `<stamp>` is the start of the version's content
  checksum: a version never changes, so its files are written once.
- `package/rows/<id>-<stamp>.json`: the version's rows of every package resource, as CSV
  lines without header: the rows are rendered once per version, never again.
- `package/years/<year>/<resource>.csv`: the rows of a year's current versions, in package
  order; after a publication only its year is assembled again.
- `package/<resource>.csv`, `package/datapackage.json`, `package/disclosure.schema.json`:
  what `/open-data/…` serves; `package/manifest.json` records which versions each year holds
  and every resource's SHA-256 (also in datapackage.json as the Frictionless `hash`).
"""

import hashlib
import json
import os
import threading
from itertools import groupby
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from .files import disclosure_document, render_table_csv, render_xlsx
from .package import (
    PACKAGE_ORDER,
    PACKAGE_RESOURCES,
    datapackage_descriptor,
    disclosure_records,
    package_disclosures,
    package_fields,
    package_header,
    package_rows,
)
from .tables import (
    all_templates,
    current_disclosures,
    disclosure_tables,
    document_name,
    get_published,
    published_disclosures,
)

SCHEMA_FILE = "disclosure.schema.json"
PACKAGE_MANIFEST = "package/manifest.json"
# How many versions' rows are built from one set of queries (bounds the memory of a rebuild).
BATCH = 100


def storage():
    """The storage the open data is written to (STORAGES["opendata"])."""
    return storages["opendata"]


def stamp(disclosure_or_checksum):
    """The part of a version's storage path that changes with its content."""
    checksum = getattr(disclosure_or_checksum, "content_checksum", disclosure_or_checksum)
    return (checksum or "unchecked")[:16]


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def write(name, data):
    """Write `data` (bytes) at `name`, replacing what is there. On a local directory the new
    file replaces the old in one step (a reader gets one or the other, never half)."""
    store = storage()
    try:
        path = Path(store.path(name))
    except NotImplementedError:  # a remote storage: replace by delete and save
        path = None
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        partial.write_bytes(data)
        os.replace(partial, path)
        return
    if store.exists(name):
        store.delete(name)
    saved = store.save(name, ContentFile(data))
    if saved != name:  # another process wrote the same name meanwhile: same content, keep theirs
        store.delete(saved)


def read(name):
    with storage().open(name, "rb") as file:
        return file.read()


def read_json(name, default=None):
    try:
        return json.loads(read(name))
    except (FileNotFoundError, OSError, ValueError):
        return default


def dump_json(data, *, indent=2):
    return json.dumps(data, ensure_ascii=False, indent=indent).encode("utf-8")


# ---------------------------------------------------------------- one version


def site_url(path):
    """An absolute URL of the public site for files written without a request: PORTAL_URL,
    else the first allowed host."""
    base = settings.PORTAL_URL.rstrip("/")
    if not base:
        hosts = [h for h in settings.ALLOWED_HOSTS if h and "*" not in h and h[0] != "."]
        base = f"http://{hosts[0] if hosts else 'localhost'}"
    return base + path


def version_links(disclosure, tables):
    """The `links` of a version's JSON: its page and every download, absolute."""

    def url(name, *args):
        return site_url(reverse(f"portal:{name}", args=args))

    pk = disclosure.pk
    return {
        "page": url("disclosure", pk),
        "json": url("disclosure_json", pk),
        "xlsx": url("disclosure_xlsx", pk),
        **{f"csv:{t.key}": url("disclosure_table_csv", pk, t.key) for t in tables},
        "schema": url("disclosure_schema"),
        "datapackage": url("datapackage"),
    }


def version_dir(disclosure_or_pk, checksum=None):
    if checksum is None:
        disclosure, pk = disclosure_or_pk, disclosure_or_pk.pk
        checksum = disclosure.content_checksum
    else:
        pk = disclosure_or_pk
    return f"versions/{pk}/{stamp(checksum)}"


def version_files(disclosure, tables):
    """{file name: bytes} of one version's downloads, rendered by the same functions the
    downloads have always used."""
    document = disclosure_document(disclosure, tables, version_links(disclosure, tables))
    files = {
        "disclosure.json": dump_json(document),
        "download.xlsx": render_xlsx(disclosure, tables),
    }
    for table in tables:
        files[f"tables/{table.key}.csv"] = render_table_csv(table)
    return files


def write_version(disclosure, *, templates=None):
    """Write a published `for_page()` version's downloads and its package rows; returns the
    version's manifest ({"files": {name: {"sha256", "bytes"}}, "written_at"})."""
    tables = disclosure_tables(disclosure, templates)
    directory = version_dir(disclosure)
    manifest = {
        "files": {},
        "name": document_name(disclosure),
        "tables": {table.key: table.title for table in tables},
        "written_at": timezone.now().isoformat(),
    }
    for name, data in version_files(disclosure, tables).items():
        write(f"{directory}/{name}", data)
        manifest["files"][name] = {"sha256": sha256(data), "bytes": len(data)}
    _write_rows(disclosure, tables)
    write(f"{directory}/manifest.json", dump_json(manifest))
    return manifest


def version_manifest(pk, checksum):
    """The manifest of a version's stored files, or None if they are not written yet."""
    return read_json(f"{version_dir(pk, checksum)}/manifest.json")


# ---------------------------------------------------------------- the data package


def rows_name(pk, checksum):
    return f"package/rows/{pk}-{stamp(checksum)}.json"


def _fields():
    return {name: package_fields(name) for name in PACKAGE_RESOURCES}


def _write_rows(disclosure, tables, fields=None):
    fields = fields or _fields()
    page = site_url(disclosure.get_absolute_url())
    records = disclosure_records(disclosure, page, tables)
    rows = {
        name: package_rows(name, found, fields[name]).decode("utf-8")
        for name, found in records.items()
        if found
    }
    write(rows_name(disclosure.pk, disclosure.content_checksum), dump_json(rows, indent=None))


def package_state():
    """{year: [[id, stamp], …]}: the current versions the package holds, in package order
    (newest year first). One query."""
    rows = (
        current_disclosures().order_by(*PACKAGE_ORDER).values_list("year", "pk", "content_checksum")
    )
    return {
        str(year): [[pk, stamp(checksum)] for _, pk, checksum in group]
        for year, group in groupby(rows, key=lambda row: row[0])
    }


def build_rows(pks):
    """Render the package rows of the versions `pks` (in batches of a fixed number of queries)."""
    pks = list(pks)
    templates = all_templates() if pks else None
    fields = _fields()
    for start in range(0, len(pks), BATCH):
        for d in package_disclosures(pks[start : start + BATCH]):
            _write_rows(d, disclosure_tables(d, templates), fields)


def _assemble_year(year, entries):
    """Concatenate the rows of a year's versions, resource by resource."""
    parts = {name: [] for name in PACKAGE_RESOURCES}
    for pk, version_stamp in entries:
        rows = read_json(rows_name(pk, version_stamp), {})
        for name, text in rows.items():
            parts[name].append(text)
    for name in PACKAGE_RESOURCES:
        write(f"package/years/{year}/{name}.csv", "".join(parts[name]).encode("utf-8"))


def update_package(*, force=False):
    """Bring the stored data package up to date with what is published and return its
    manifest. Only the years whose current versions changed are assembled again, from rows
    rendered once per version; with nothing changed it costs one query and one read."""
    store = storage()
    manifest = read_json(PACKAGE_MANIFEST, {})
    state = package_state()
    old = manifest.get("years", {})
    changed = [year for year, entries in state.items() if force or old.get(year) != entries]
    if not changed and set(old) == set(state) and manifest.get("resources"):
        return manifest
    missing = [
        pk
        for year in changed
        for pk, version_stamp in state[year]
        if not store.exists(rows_name(pk, version_stamp))
    ]
    build_rows(missing)
    for year in changed:
        _assemble_year(year, state[year])
    resources = {}
    for name in PACKAGE_RESOURCES:
        data = package_header(name) + b"".join(
            read(f"package/years/{year}/{name}.csv") for year in state
        )
        write(f"package/{name}.csv", data)
        resources[name] = {"hash": f"sha256:{sha256(data)}", "bytes": len(data)}
    for year in set(old) - set(state):
        for name in PACKAGE_RESOURCES:
            store.delete(f"package/years/{year}/{name}.csv")
    descriptor = datapackage_descriptor()
    for resource in descriptor["resources"]:
        resource |= resources[resource["name"]]
    write("package/datapackage.json", dump_json(descriptor))
    if force or not store.exists(f"package/{SCHEMA_FILE}"):
        write(f"package/{SCHEMA_FILE}", schema_bytes())
    manifest = {
        "years": state,
        "resources": resources,
        "built_at": timezone.now().isoformat(),
    }
    write(PACKAGE_MANIFEST, dump_json(manifest))
    return manifest


def schema_bytes():
    return (
        Path(__file__).parent.parent / "static" / "portal" / "schema" / SCHEMA_FILE
    ).read_bytes()


# ---------------------------------------------------------------- publication and rebuild


def on_publication(disclosure):
    """After a version is published (registered with the workflow, run after commit): write
    its files, then update the package (its year only)."""
    write_version(get_published(disclosure.pk))
    update_package()


def build_all(*, force=False, progress=None):
    """Write every published version's files that are not written yet (all with `force`)
    and the whole data package; returns (versions written, package manifest)."""
    store = storage()
    rows = published_disclosures().order_by("pk").values_list("pk", "content_checksum")
    todo = [
        pk
        for pk, checksum in rows
        if force or not store.exists(f"{version_dir(pk, checksum)}/manifest.json")
    ]
    templates = all_templates() if todo else None
    for start in range(0, len(todo), BATCH):
        for d in package_disclosures(todo[start : start + BATCH]):
            write_version(d, templates=templates)
        if progress:
            progress(min(start + BATCH, len(todo)), len(todo))
    return len(todo), update_package(force=True)
