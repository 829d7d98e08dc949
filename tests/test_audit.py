"""Every change is kept with who and when; logins and workflow steps are logged."""

from django.urls import reverse

from budgets import workflow
from budgets.models import Disclosure, OfficialExpenseLine
from portal.models import AuditEvent


def test_logins_and_failed_logins_are_logged(client, editor):
    client.post(reverse("admin:login"), {"username": "editor", "password": "wrong"})
    client.post(reverse("admin:login"), {"username": "editor", "password": "pw-editor-1"})
    kinds = list(AuditEvent.objects.order_by("at").values_list("kind", "username"))
    assert kinds == [("login_failed", "editor"), ("login", "editor")]


def test_a_workflow_step_in_the_admin_is_logged(client, draft, editor):
    client.force_login(editor)
    from tests.conftest import record_checks

    record_checks(draft)
    client.post(reverse("admin:budgets_disclosure_step", args=[draft.pk, "submit"]))
    assert Disclosure.objects.get(pk=draft.pk).status == "submitted"
    assert AuditEvent.objects.filter(
        kind="status", user=editor, detail__contains="提交审核"
    ).exists()


def test_a_workflow_step_behind_a_proxy_records_the_clients_address(
    client, draft, editor, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(editor)
    from tests.conftest import record_checks

    record_checks(draft)
    client.post(
        reverse("admin:budgets_disclosure_step", args=[draft.pk, "submit"]),
        headers={"X-Forwarded-For": "203.0.113.7"},
        REMOTE_ADDR="10.0.0.2",
    )
    event = AuditEvent.objects.get(kind="status", user=editor)
    assert event.ip == "203.0.113.7"


def test_changes_keep_who_when_before_and_after(admin_client, draft):
    line = OfficialExpenseLine.objects.get(disclosure=draft, item__name="公务接待费")
    from tests.adminforms import form_values

    url = reverse("admin:budgets_disclosure_change", args=[draft.pk])
    data = form_values(admin_client.get(url).content.decode(), "disclosure_form")
    data.update({"contact_phone": "023-7", "_continue": "1"})
    admin_client.post(url, data)
    record = Disclosure.history.filter(id=draft.pk).first()
    previous = record.prev_record
    assert record.history_user.username == "admin"
    change = next(c for c in record.diff_against(previous).changes if c.field == "contact_phone")
    assert (change.old, change.new) == ("023-63259683", "023-7")
    assert record.edit_version == previous.edit_version + 1
    assert line.history.count() >= 1
    history = admin_client.get(reverse("admin:budgets_disclosure_history", args=[draft.pk]))
    assert history.status_code == 200 and "admin" in history.content.decode()


def test_the_history_librarys_revert_is_disabled(settings):
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True


def test_a_status_change_is_recorded_in_history(draft, editor):
    workflow.disclosure_submit(disclosure=draft, user=editor)
    assert Disclosure.history.filter(id=draft.pk, status="submitted").exists()


def test_loading_a_data_file_is_audited(reference_data):
    from django.core.management import call_command

    call_command("load_disclosure")
    assert AuditEvent.objects.filter(kind="import", detail__contains="加载数据文件").exists()
