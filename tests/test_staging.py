"""Between preview and confirm an upload waits in `budgets.staging`: tied to the user who
uploaded it, expiring, never a file in the temp directory and never a server path in the
browser; a confirm naming anything the server did not issue imports and deletes nothing."""

import re
import tempfile

import pytest
from django.urls import reverse

from budgets import spreadsheets, staging
from organizations.models import Unit
from tests.adminforms import form_values
from tests.conftest import make_user
from tests.pagetext import visible_text
from tests.test_region_import import UNITS, csv_file, snapshot, upload, xlsx_file
from tests.test_spreadsheet_import import edited, row_of
from tests.test_spreadsheet_import import upload as upload_workbook

PREFIX = "organizations_unit"
TOKEN = re.compile(r"^[0-9a-f]{64}$")


@pytest.fixture
def temp_dir(tmp_path, monkeypatch, settings):
    """An empty temp directory for everything that would write one (tempfile, uploads)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


def confirm_data(preview):
    url = reverse(f"admin:{PREFIX}_process_import")
    return url, form_values(preview.content.decode(), action=url)


def test_a_set_up_import_leaves_nothing_in_the_temp_directory(editor_client, temp_dir):
    bomb = xlsx_file(UNITS)[0][:200], "坏文件.xlsx"
    upload(editor_client, PREFIX, bomb, "1")  # refused
    upload(editor_client, PREFIX, csv_file(UNITS))  # previewed, then abandoned
    assert list(temp_dir.iterdir()) == []
    url, data = confirm_data(upload(editor_client, PREFIX, csv_file(UNITS)))
    editor_client.post(url, data)  # confirmed
    assert Unit.objects.filter(name="重庆市渝中区测试中心").exists()
    assert list(temp_dir.iterdir()) == []


def test_the_confirm_form_carries_a_token_and_no_server_path(editor_client, temp_dir):
    preview = upload(editor_client, PREFIX, csv_file(UNITS))
    _url, data = confirm_data(preview)
    assert TOKEN.match(data["import_file_name"])
    assert str(temp_dir) not in preview.content.decode()
    assert "/tmp" not in preview.content.decode()


def test_a_confirm_naming_a_file_the_server_did_not_issue_reads_and_deletes_nothing(
    editor_client, temp_dir
):
    victim = temp_dir / "victim.csv"
    victim.write_bytes(csv_file(UNITS)[0])
    url, data = confirm_data(upload(editor_client, PREFIX, csv_file(UNITS)))
    before = snapshot()
    for name in ("victim.csv", str(victim), "../" * 8 + str(victim)[1:], "0" * 64):
        response = editor_client.post(url, {**data, "import_file_name": name}, follow=True)
        assert "预览已失效" in visible_text(response.content.decode())
    assert victim.exists()
    assert snapshot() == before


def test_a_staged_upload_is_only_for_the_user_who_uploaded_it(
    editor_client, client, editor, roles, django_user_model
):
    url, data = confirm_data(upload(editor_client, PREFIX, csv_file(UNITS)))
    colleague = make_user(django_user_model, "同事", roles.EDITOR, editor.departments.all())
    client.force_login(colleague)
    before = snapshot()
    response = client.post(url, data, follow=True)
    assert "预览已失效" in visible_text(response.content.decode())
    assert snapshot() == before


def test_the_confirm_reads_the_file_it_staged_not_the_names_the_form_sends(editor_client):
    url, data = confirm_data(upload(editor_client, PREFIX, csv_file(UNITS)))
    tampered = {**data, "format": "1", "original_file_name": "/etc/passwd", "resource": "9"}
    editor_client.post(url, tampered)
    assert Unit.objects.filter(name="重庆市渝中区测试中心").exists()


def test_a_token_is_used_once(editor_client):
    url, data = confirm_data(upload(editor_client, PREFIX, csv_file(UNITS)))
    editor_client.post(url, data)
    response = editor_client.post(url, data, follow=True)
    assert "预览已失效" in visible_text(response.content.decode())


def test_a_staged_payload_is_kept_for_its_kind_and_user_only(editor, superuser):
    token = staging.stage({"x": 1}, kind="one", user=editor, seconds=60)
    assert staging.staged(token, kind="one", user=editor) == {"x": 1}
    assert staging.staged(token, kind="other", user=editor) is None
    assert staging.staged(token, kind="one", user=superuser) is None
    staging.unstage(token)
    assert staging.staged(token, kind="one", user=editor) is None


def test_the_disclosure_workbook_import_stages_its_plan_the_same_way(
    editor_client, draft, temp_dir
):
    def fill(book):
        sheet = book["车辆情况表"]
        sheet.cell(row_of(sheet, "一般公务用车"), 2).value = 3

    content = edited(spreadsheets.template_workbook(draft), fill)
    response = upload_workbook(editor_client, draft, content)
    confirm = reverse("admin:budgets_disclosure_spreadsheet_confirm", args=[draft.pk])
    data = form_values(response.content.decode(), action=confirm)
    user = draft.department.members.first()
    kept = staging.staged(data["token"], kind="disclosure-workbook", user=user)
    assert kept["disclosure"] == draft.pk
    assert list(temp_dir.iterdir()) == []
