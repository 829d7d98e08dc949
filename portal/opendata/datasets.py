"""“开放数据” pages for people (portal/opendata.md, “数据集页面”): what each dataset of the
data package holds, its formats, fields, licence, checksum and the publications that changed
it, read from the stored package (`store.update_package`) and its descriptor."""

from django.conf import settings
from django.http import Http404
from django.urls import reverse

from . import store
from .package import RESOURCES, datapackage_descriptor
from .tables import published_disclosures

# How many of the latest publications a dataset page lists as its changes.
RECENT = 20
TYPES = {"string": "文字", "number": "金额（十进制数）", "integer": "整数", "date": "日期"}


def licence():
    """The licence of the open data ({name, title, path}), from the settings."""
    return {
        "name": settings.OPEN_DATA_LICENSE,
        "title": settings.OPEN_DATA_LICENSE_TITLE,
        "path": settings.OPEN_DATA_LICENSE_URL,
    }


def _dataset(resource, manifest):
    stored = manifest["resources"][resource["name"]]
    return {
        "name": resource["name"],
        "title": resource["title"],
        "description": resource["description"],
        "csv": reverse("portal:open_data_csv", args=[resource["name"]]),
        "url": reverse("portal:dataset", args=[resource["name"]]),
        "sha256": stored["hash"].removeprefix("sha256:"),
        "bytes": stored["bytes"],
        # Tables of the package are also in each version's own downloads; the list of
        # disclosures and the notes are not tables of a document.
        "per_version": resource["name"] in RESOURCES,
        "fields": [
            {**field, "type_label": TYPES.get(field["type"], field["type"])}
            for field in resource["schema"]["fields"]
        ],
    }


def open_data_index():
    """The open-data page: the package, its licence and every dataset."""
    manifest = store.update_package()
    descriptor = datapackage_descriptor()
    return {
        "package": descriptor,
        "datasets": [_dataset(r, manifest) for r in descriptor["resources"]],
        "licence": licence(),
        "built_at": manifest["built_at"],
        "years": sorted(manifest["years"], reverse=True),
        "versions": sum(len(entries) for entries in manifest["years"].values()),
        "crumbs": [{"label": "开放数据"}],
    }


def dataset_data(name):
    """One dataset's page: what it holds, formats, fields, licence, checksum, changes."""
    manifest = store.update_package()
    resource = next((r for r in datapackage_descriptor()["resources"] if r["name"] == name), None)
    if resource is None:
        raise Http404("数据包中没有这个数据集。")
    recent = (
        published_disclosures()
        .select_related("department", "unit")
        .order_by("-published_at", "-pk")[:RECENT]
    )
    return {
        "dataset": _dataset(resource, manifest),
        "licence": licence(),
        "built_at": manifest["built_at"],
        "years": sorted(manifest["years"], reverse=True),
        "changes": list(recent),
        "crumbs": [
            {"label": "开放数据", "url": reverse("portal:open_data")},
            {"label": resource["title"]},
        ],
    }
