"""Classification lists: shipped per year with their source, versioned with an effective date,
used by a disclosure as in force for its year, and frozen with a published version."""

import re
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from budgets import reference_data as shipped
from budgets.models import (
    BasicExpenditureLine,
    ClassificationScheme,
    ClassificationVersion,
    EconomicItem,
    FunctionalItem,
)
from budgets.rules import ERROR, WARNING, check_disclosure
from budgets.workflow import record_publication
from tests import factories

SCHEMES = ClassificationScheme


def revision(scheme, year, on, rows, model=FunctionalItem):
    """An in-year revision of a list: a complete list as of `on`."""
    version = ClassificationVersion.objects.create(
        scheme=scheme, year=year, effective_on=on, document="财预〔2025〕99号"
    )
    for code, name in rows:
        model.objects.create(version=version, code=code, name=name)
    return version


def problems(d):
    return [(p.severity, p.field, p.message) for p in check_disclosure(d)]


def test_every_scheme_ships_a_list_for_2024_to_2026_stating_its_source_and_coverage(
    reference_data,
):
    lists = shipped_lists()
    assert {(listed.scheme, listed.year) for listed in lists} == {
        (scheme, year) for scheme in SCHEMES.values for year in (2024, 2025, 2026)
    }
    for listed in lists:
        assert listed.source and listed.rows, listed.path.name
        assert listed.effective_on == date(listed.year, 1, 1)


def shipped_lists():
    """The shipped list files, each checked to state its source and coverage in its header."""
    lists = shipped.shipped_lists()
    for listed in lists:
        header = listed.path.read_text(encoding="utf-8").splitlines()[:6]
        assert any(line.startswith("# 来源:") for line in header), listed.path.name
        assert any(line.startswith("# 范围:") for line in header), listed.path.name
    return lists


# Code length → its parent's length: functional 类 (3) / 款 (5) / 项 (7); economic 类 / 款.
PARENT_LENGTH = {3: None, 5: 3, 7: 5}


def test_each_shipped_list_has_unique_codes_and_every_item_its_parent_in_the_same_file():
    for listed in shipped.shipped_lists():
        codes = [code for code, _, _ in listed.rows]
        assert len(codes) == len(set(codes)), listed.path.name
        for code, name, _ in listed.rows:
            assert code.isdigit() and len(code) in PARENT_LENGTH and name, (listed.path.name, code)
            parent = PARENT_LENGTH[len(code)]
            assert parent is None or code[:parent] in codes, (listed.path.name, code)


def test_the_headers_and_the_data_readme_state_each_lists_true_counts():
    """The row counts written in each file's header and in budgets/data/README.md's table are
    the files' own (they are quoted to users, so a hand-edited count would mislead)."""
    lists = {listed.path.name: listed for listed in shipped.shipped_lists()}

    def counts(listed):
        unverified = sum(flag for _, _, flag in listed.rows)
        levels = {n: sum(len(code) == n for code, _, _ in listed.rows) for n in PARENT_LENGTH}
        return len(listed.rows), unverified, levels

    for name, listed in lists.items():
        total, unverified, levels = counts(listed)
        header = "".join(listed.path.read_text(encoding="utf-8").splitlines()[:6])
        assert f"共{total}行，{unverified}行标 unverified" in header, name
        for level, length in (("类", 3), ("款", 5), ("项", 7)):
            for stated in re.findall(rf"{level}（(\d+)个）", header):
                assert int(stated) == levels[length], (name, level)

    table = (shipped.DATA_DIR / "README.md").read_text(encoding="utf-8")
    described = set()
    for row in re.findall(r"^\| `.*$", table, flags=re.M):
        files, rows, text, marked = [cell.strip() for cell in row.strip("|").split("|")]
        names = []
        for stem, years in re.findall(r"`([a-z-]+)-([\d/]+)\.csv`", files):
            names += [f"{stem}-{year}.csv" for year in years.split("/")]
        for name in names:
            total, unverified, levels = counts(lists[name])
            assert int(rows) == total, name
            assert marked.startswith("全部" if unverified == total else f"{unverified} 行"), name
            for stated, length in re.findall(r"(\d+) 个(类|款|项)", text):
                assert int(stated) == levels[{"类": 3, "款": 5, "项": 7}[length]], name
        described.update(names)
    assert described == set(lists)


def test_rows_not_checked_against_a_source_are_marked_unverified(reference_data):
    checked = FunctionalItem.objects.of_year(2025).get(code="2010301")
    unchecked = FunctionalItem.objects.of_year(2024).get(code="2010301")
    assert (checked.name, checked.unverified) == ("行政运行", False)
    assert unchecked.unverified


def test_the_government_economic_list_is_reference_data_beside_the_departmental_one(
    reference_data,
):
    government = EconomicItem.objects.of_year(2025, scheme=SCHEMES.GOVERNMENT_ECONOMIC)
    departmental = EconomicItem.objects.of_year(2025)
    assert government.get(code="501").name == "机关工资福利支出"
    assert departmental.get(code="301").name == "工资福利支出"
    assert not departmental.filter(code="501").exists()
    limit = BasicExpenditureLine._meta.get_field("economic_item").get_limit_choices_to()
    assert not EconomicItem.objects.filter(**limit, code="501").exists()


def test_a_disclosure_uses_the_list_version_in_force_on_its_approval_date(reference_data):
    annual = ClassificationVersion.objects.get(scheme=SCHEMES.FUNCTIONAL, year=2025)
    july = revision(SCHEMES.FUNCTIONAL, 2025, date(2025, 7, 1), [("201", "一般公共服务支出")])
    in_force = ClassificationVersion.objects.in_force
    assert in_force(SCHEMES.FUNCTIONAL, 2025, date(2025, 2, 1)) == annual
    assert in_force(SCHEMES.FUNCTIONAL, 2025, date(2025, 7, 1)) == july
    assert in_force(SCHEMES.FUNCTIONAL, 2025, date(2024, 12, 20)) == annual
    assert in_force(SCHEMES.FUNCTIONAL, 2027, date(2027, 2, 1)) is None


def test_a_line_whose_code_is_not_in_its_years_list_is_flagged_and_never_renamed(
    reference_data,
):
    d = factories.disclosure(
        lines=[("2010301", "5", "0"), ("2010399", "1", "0")],
        published=False,
        finance_approved_on=date(2025, 8, 1),
    )
    # A revision in force from July drops 2010399 and renames 2010301.
    revision(
        SCHEMES.FUNCTIONAL,
        2025,
        date(2025, 7, 1),
        [("201", "一般公共服务支出"), ("2010301", "行政运行（新）")],
    )
    found = problems(d)
    assert any(
        severity == ERROR
        and field == "expenditure_lines"
        and "“2010399" in message
        and "不在2025年支出功能分类（2025-07-01起）中" in message
        for severity, field, message in found
    ), found
    assert any(
        severity == WARNING and "名称为“行政运行（新）”" in message
        for severity, _, message in found
    ), found
    line = d.expenditure_lines.get(functional_item__code="2010399")
    assert line.functional_item.name == "其他政府办公厅（室）及相关机构事务支出"


def test_a_basic_line_on_the_government_economic_list_is_flagged(reference_data):
    d = factories.disclosure(lines=[("2010301", "5", "0")], published=False)
    item = EconomicItem.objects.of_year(2025, scheme=SCHEMES.GOVERNMENT_ECONOMIC).get(code="50101")
    BasicExpenditureLine.objects.create(disclosure=d, economic_item=item, amount=Decimal(5))
    assert any(
        field == "basic_lines" and "不在2025年部门预算支出经济分类" in message
        for _, field, message in problems(d)
    )


def test_a_line_on_its_years_list_raises_no_list_problem(reference_data):
    d = factories.disclosure(lines=[("2010301", "5", "0")], published=False)
    item = EconomicItem.objects.of_year(2025).get(code="30101")
    BasicExpenditureLine.objects.create(disclosure=d, economic_item=item, amount=Decimal(5))
    assert not [
        p for p in problems(d) if p[1] in ("expenditure_lines", "basic_lines") and "科目" in p[2]
    ]


def test_renaming_items_after_publication_leaves_the_published_page_byte_identical(
    client, reference_data
):
    d = factories.disclosure(
        lines=[("2010301", "100", "0"), ("2080505", "20", "0")], published=False
    )
    economic = EconomicItem.objects.of_year(2025).get(code="30101")
    BasicExpenditureLine.objects.create(disclosure=d, economic_item=economic, amount=Decimal(120))
    d = record_publication(disclosure=d)
    urls = [
        d.get_absolute_url(),
        reverse("portal:disclosure_table_csv", args=[d.pk, "basic-economic"]),
    ]
    before = [client.get(url).content for url in urls]
    assert "行政运行" in before[0].decode() and "一般公共服务支出" in before[0].decode()
    assert "基本工资" in before[1].decode("utf-8-sig")
    for model, code in (
        (FunctionalItem, "2010301"),
        (FunctionalItem, "201"),
        (EconomicItem, "30101"),
    ):
        model.objects.of_year(2025).filter(code=code).update(name=f"改名{code}")
    cache.clear()
    assert [client.get(url).content for url in urls] == before


def test_a_draft_shows_the_lists_current_names(client, reference_data):
    d = factories.disclosure(lines=[("2010301", "100", "0")], published=False)
    FunctionalItem.objects.of_year(2025).filter(code="201").update(name="改名201")
    from budgets.figures import DisclosureFigures

    assert [row.name for row in DisclosureFigures(d).functional_rows] == ["改名201"]


def test_loading_the_shipped_lists_again_changes_nothing_and_restores_a_renamed_item(
    reference_data, capsys
):
    assert shipped.install(apps) == 0
    FunctionalItem.objects.of_year(2025).filter(code="201").update(name="被改动的名称")
    call_command("load_reference_data")
    assert "新增或更名 1 行" in capsys.readouterr().out
    assert FunctionalItem.objects.of_year(2025).get(code="201").name == "一般公共服务支出"
    call_command("load_reference_data")
    assert "没有变化" in capsys.readouterr().out
    assert shipped.install(apps) == 0


def test_a_site_administrator_manages_list_versions_and_a_contact_person_only_reads_them(db):
    from django.contrib.auth.models import Group

    from portal.roles import EDITOR, SITE_ADMIN

    def codenames(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    assert {"add_classificationversion", "change_classificationversion"} <= codenames(SITE_ADMIN)
    assert "view_classificationversion" in codenames(EDITOR)
    assert "add_classificationversion" not in codenames(EDITOR)
