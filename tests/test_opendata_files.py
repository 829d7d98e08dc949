"""Open data built once: a published version's downloads and the data package are written to
storage at publication, equal what the per-request code rendered, carry verified SHA-256
checksums and are served as files with conditional GET."""

import hashlib
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from budgets.workflow import record_publication
from organizations.models import Department
from portal import opendata
from portal.opendata import store
from portal.opendata.checksum import canonical_json
from tests import factories
from tests.pagetext import visible_text


@pytest.fixture
def fresh_storage(settings, tmp_path):
    """An empty open-data storage of this test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "opendata": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "open-data"},
        },
    }
    return tmp_path / "open-data"


def per_request_json(disclosure):
    """The JSON download as the views rendered it on every request before it was stored."""
    tables = opendata.disclosure_tables(disclosure)

    def url(name, *args):
        return "http://testserver" + reverse(f"portal:{name}", args=args)

    pk = disclosure.pk
    links = {
        "page": url("disclosure", pk),
        "json": url("disclosure_json", pk),
        "xlsx": url("disclosure_xlsx", pk),
        **{f"csv:{t.key}": url("disclosure_table_csv", pk, t.key) for t in tables},
        "schema": url("disclosure_schema"),
        "datapackage": url("datapackage"),
    }
    document = opendata.disclosure_document(disclosure, tables, links)
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def sheets(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {s.title: [[c.value for c in row] for row in s.iter_rows()] for s in book}


def test_the_stored_downloads_equal_what_each_request_rendered(client, reference, fresh_storage):
    d = opendata.get_published(reference.pk)
    assert client.get(f"/disclosures/{d.pk}.json").content == per_request_json(d)
    for table in opendata.disclosure_tables(d):
        response = client.get(f"/disclosures/{d.pk}/tables/{table.key}.csv")
        assert response.content == opendata.render_table_csv(table), table.key
    response = client.get(f"/disclosures/{d.pk}/download.xlsx")
    assert sheets(response.content) == sheets(
        opendata.render_xlsx(d, opendata.disclosure_tables(d))
    )
    assert list(fresh_storage.glob(f"versions/{d.pk}/*/manifest.json"))


def test_the_stored_package_equals_what_each_request_rendered(client, reference, fresh_storage):
    def page_url(d):
        return store.site_url(d.get_absolute_url())

    records = opendata.package_records(opendata.package_disclosures(), page_url)
    for name in opendata.PACKAGE_RESOURCES:
        response = client.get(f"/open-data/{name}.csv")
        assert response.content == opendata.render_package_csv(name, records[name]), name


def test_every_package_resource_carries_the_sha256_of_its_file(client, reference, fresh_storage):
    descriptor = client.get("/open-data/datapackage.json").json()
    assert {r["name"] for r in descriptor["resources"]} == set(opendata.PACKAGE_RESOURCES)
    for resource in descriptor["resources"]:
        content = client.get(f"/open-data/{resource['path']}").content
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
        assert resource["bytes"] == len(content)


def test_a_version_file_is_served_with_its_sha256_as_etag_and_revalidates_with_304(
    client, reference, fresh_storage
):
    url = f"/disclosures/{reference.pk}/tables/income.csv"
    response = client.get(url)
    assert response["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304
    since = client.get(url, headers={"if-modified-since": response["Last-Modified"]})
    assert since.status_code == 304
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


def test_a_package_resource_revalidates_with_304_until_a_publication_changes_it(
    client, reference, draft, fresh_storage, django_capture_on_commit_callbacks
):
    url = "/open-data/disclosures.csv"
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        record_publication(disclosure=draft)
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert f"\r\n{draft.pk}," in response.content.decode()


def test_a_correction_writes_its_files_and_updates_the_package_at_publication(
    client, reference, draft, fresh_storage, django_capture_on_commit_callbacks
):
    client.get("/open-data/datapackage.json")  # the package before the correction
    with django_capture_on_commit_callbacks(execute=True):
        corrected = record_publication(disclosure=draft)
    # Written by the publication itself, before anyone asks for them.
    manifest = store.version_manifest(corrected.pk, corrected.content_checksum)
    assert set(manifest["files"]) >= {"disclosure.json", "download.xlsx", "tables/income.csv"}
    package = json.loads((fresh_storage / "package/manifest.json").read_bytes())
    assert package["years"]["2025"] == [[corrected.pk, store.stamp(corrected)]]
    rows = (fresh_storage / "package/disclosures.csv").read_text(encoding="utf-8").splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == [str(corrected.pk)]
    # Each file on disk is the one its manifest describes.
    for name, entry in manifest["files"].items():
        data = (fresh_storage / store.version_dir(corrected) / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name


def test_a_publication_reassembles_only_its_own_year(
    client, reference, draft, fresh_storage, django_capture_on_commit_callbacks
):
    older = factories.disclosure(
        factories.department("往年局"), year=2024, lines=[("2010301", "1", "0")]
    )
    client.get("/open-data/datapackage.json")
    untouched = {
        path: path.stat().st_mtime_ns
        for path in [
            *(fresh_storage / "package/years/2024").iterdir(),
            fresh_storage / "package/rows" / f"{older.pk}-{store.stamp(older)}.json",
        ]
    }
    with django_capture_on_commit_callbacks(execute=True):
        record_publication(disclosure=draft)
    assert {path: path.stat().st_mtime_ns for path in untouched} == untouched
    rows = client.get("/open-data/disclosures.csv").content.decode().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == [str(draft.pk), str(older.pk)]


def test_an_older_versions_json_stays_the_bytes_whose_checksum_was_stored(
    client, reference, draft, fresh_storage
):
    url = f"/disclosures/{reference.pk}.json"
    first = client.get(url).content
    record_publication(disclosure=draft)
    # Live data the JSON reads changes after publication: the written file does not.
    Department.objects.filter(pk=reference.department_id).update(name="改名后的部门")
    assert client.get(url).content == first
    document = json.loads(first)
    assert hashlib.sha256(canonical_json(document)).hexdigest() == reference.content_checksum


def test_build_open_data_writes_every_version_and_the_package(reference, draft, fresh_storage):
    corrected = record_publication(disclosure=draft)
    call_command("build_open_data", stdout=io.StringIO())
    for version in (reference, corrected):
        assert store.version_manifest(version.pk, version.content_checksum)
    descriptor = json.loads((fresh_storage / "package/datapackage.json").read_bytes())
    for resource in descriptor["resources"]:
        data = (fresh_storage / "package" / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert (fresh_storage / "package" / store.SCHEMA_FILE).exists()


# ---------------------------------------------------------------- 开放数据 pages


def test_the_open_data_page_lists_every_dataset_with_its_page_and_file(client, reference):
    html = client.get(reverse("portal:open_data")).content.decode()
    for name in opendata.PACKAGE_RESOURCES:
        assert f'href="{reverse("portal:dataset", args=[name])}"' in html, name
        assert f'href="{reverse("portal:open_data_csv", args=[name])}"' in html, name
    assert 'rel="license"' in html


def test_a_dataset_page_shows_its_fields_licence_checksum_and_changes(
    client, reference, draft, django_assert_max_num_queries
):
    corrected = record_publication(disclosure=draft)
    client.get("/open-data/datapackage.json")
    with django_assert_max_num_queries(4):
        html = client.get(reverse("portal:dataset", args=["expenditure"])).content.decode()
    text = visible_text(html)
    descriptor = client.get("/open-data/datapackage.json").json()
    resource = next(r for r in descriptor["resources"] if r["name"] == "expenditure")
    for field in resource["schema"]["fields"]:
        assert field["name"] in text and field["title"] in text
    assert resource["hash"].removeprefix("sha256:") in text
    assert "CCBY4.0" in text
    assert f'href="{corrected.get_absolute_url()}"' in html and "测试用更正" in text
    assert client.get(reverse("portal:dataset", args=["nothing"])).status_code == 404


def test_every_disclosure_page_and_the_footer_link_the_open_data(client, reference):
    html = client.get(reference.get_absolute_url()).content.decode()
    assert html.count(f'href="{reverse("portal:open_data")}"') == 2  # the page and the footer
    home = client.get("/").content.decode()
    assert f'href="{reverse("portal:open_data")}"' in home
