"""Loading a disclosure file: the whole reference as data, idempotent, all or nothing."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from budgets.models import Disclosure
from portal.disclosure_file import REFERENCE_FILE, DisclosureFileError, load_disclosure_file


def snapshot():
    """Every row of every project table, as comparable values."""
    tables = {}
    for label in ("organizations", "budgets", "glossary"):
        for model in apps.get_app_config(label).get_models():
            tables[model._meta.label] = sorted(map(repr, model.objects.values_list()))
    return tables


def test_the_reference_loads_every_part(reference):
    assert reference.status == Disclosure.Status.PUBLISHED
    assert reference.department.units.count() == 4
    assert (
        sum(
            uy.duties.count()
            for unit in reference.department.units.all()
            for uy in unit.years.all()
        )
        == 45
    )
    assert reference.key_projects.count() == 25 and reference.glossary_entries.count() == 19
    assert (
        reference.prior_basic == Decimal("2128.46")
        and reference.published_on.isoformat() == "2025-02-12"
    )
    assert reference.finance_approved_on is None and reference.index_number == ""


def test_loading_twice_changes_nothing(reference):
    before = snapshot()
    report = load_disclosure_file()
    assert report.changed == 0
    assert snapshot() == before


def test_the_command_reports_what_it_did(reference_data, capsys):
    call_command("load_disclosure")
    call_command("load_disclosure", str(REFERENCE_FILE))
    out = capsys.readouterr().out
    assert "新增0条，修改0条，删除0条" in out


def write(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


def broken(tmp_path, old, new):
    text = REFERENCE_FILE.read_text(encoding="utf-8")
    assert old in text
    return write(tmp_path, text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"公务接待费" = { amount = 28.85', '"公务接待费" = { amount = -28.85', "不能为负数"),
        ("amount = 273.23", "amount = 273.2345678", "精确到分"),
        ('relation = "所属"', 'relation = "下属"', "本级、所属、管理"),
        ('code = "221"', 'code = "999"', "找不到支出功能分类科目"),
        ("[disclosure]\n", "[disclosure]\n[disclosure]\n", "TOML"),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_nothing_written(
    reference, tmp_path, old, new, message
):
    before = snapshot()
    with pytest.raises(DisclosureFileError, match=message):
        load_disclosure_file(broken(tmp_path, old, new))
    assert snapshot() == before


def test_a_failure_late_in_the_file_rolls_back_what_came_before(reference_data, tmp_path):
    before = snapshot()
    path = broken(
        tmp_path, 'term = "购房补贴"\ncode = "2210203"', 'term = "购房补贴"\ncode = "2219999"'
    )
    with pytest.raises(DisclosureFileError):
        load_disclosure_file(path)
    assert snapshot() == before


def test_the_command_says_nothing_was_changed(reference_data, tmp_path):
    with pytest.raises(CommandError, match="数据库未作任何修改"):
        call_command("load_disclosure", str(tmp_path / "missing.toml"))


def test_a_changed_file_updates_only_what_changed(reference_data, tmp_path):
    draft_file = broken(tmp_path, 'status = "已公开"', 'status = "草稿"')
    load_disclosure_file(draft_file)
    changed = write(
        tmp_path, draft_file.read_text(encoding="utf-8").replace("023-63259683", "023-00000000")
    )
    report = load_disclosure_file(changed)
    assert (report.created, report.updated, report.deleted) == (0, 1, 0)
    assert Disclosure.objects.get().contact_phone == "023-00000000"


def test_a_file_cannot_change_a_published_version(reference, tmp_path):
    before = snapshot()
    path = broken(tmp_path, 'contact_phone = "023-63259683"', 'contact_phone = "023-00000000"')
    with pytest.raises(DisclosureFileError, match="请在后台发起更正"):
        load_disclosure_file(path)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"一般公务用车" = { held = 9', '"一般公务用车" = { held = 2.5', "应为不小于0的整数"),
        ("total = 87.5\n", "basic = 87.5\n", "基本支出和项目支出"),
    ],
)
def test_counts_and_line_shapes_are_checked(reference, tmp_path, old, new, message):
    before = snapshot()
    with pytest.raises(DisclosureFileError, match=message):
        load_disclosure_file(broken(tmp_path, old, new))
    assert snapshot() == before


def test_keep_existing_leaves_admin_edits_alone(reference, capsys):
    from organizations.models import Duty

    duty = Duty.objects.order_by("pk").first()
    duty.text = "在后台修改过的职责。"
    duty.save()
    call_command("load_disclosure", "--keep-existing")
    assert "已存在" in capsys.readouterr().out
    assert Duty.objects.get(pk=duty.pk).text == "在后台修改过的职责。"


def test_the_reference_data_command_is_idempotent(reference_data, capsys):
    from budgets.models import FunctionalItem

    before = FunctionalItem.objects.count()
    call_command("load_reference_data")
    assert FunctionalItem.objects.count() == before and "已是最新" in capsys.readouterr().out


def test_a_document_without_a_publication_date_keeps_none_and_reloads_unchanged(
    reference_data, tmp_path, client
):
    path = broken(tmp_path, "published_on = 2025-02-12\n", "")
    disclosure = load_disclosure_file(path).disclosure
    assert disclosure.is_published and disclosure.published_on is None
    before = snapshot()
    report = load_disclosure_file(path)
    assert (report.created, report.updated, report.deleted) == (0, 0, 0)
    assert snapshot() == before
    page = client.get(disclosure.get_absolute_url()).content.decode()
    assert "<dt>发布日期</dt><dd>未注明</dd>" in page
