"""A department's composition (单位构成): kinds of unit as reference data, counts by kind
computed from the units, nested units, units merged into their parent's budget, a group of
units with a count, the duties' preamble, and duties numbered in the region's style."""

from pathlib import Path

import pytest
from django.template import Context, Template

from organizations.composition import composition
from organizations.models import UNIT_KINDS, Unit, UnitKind
from portal.disclosure_file import DisclosureFileError, load_disclosure_file
from tests.pagetext import visible_text

SECOND = (
    Path(__file__).resolve().parent.parent
    / "portal"
    / "data"
    / "qingshan-donghu-npc-office-2025.toml"
)


def unit(name, kind, order, *, count=1, parent="", merged=False):
    return {
        "name": name,
        "kind": kind,
        "kind_order": order,
        "count": count,
        "parent": parent,
        "merged_into_parent": merged,
    }


def test_counts_by_kind_are_computed_from_the_units_a_group_counting_its_number():
    units = [
        unit("本级", "行政单位", 10),
        unit("中心", "公益一类事业单位", 30),
        unit("大队", "事业单位", 50, count=4, parent="中心"),
        unit("站", "公益一类事业单位", 30, parent="中心", merged=True),
        unit("未说明性质的单位", "", 0),
    ]
    c = composition(units)
    assert [(k.kind, k.count) for k in c["by_kind"]] == [
        ("行政单位", 1),
        ("公益一类事业单位", 2),
        ("事业单位", 4),
    ]
    assert c["total"] == 8
    assert [u["name"] for u in c["merged"]] == ["站"]
    assert [u["name"] for u in c["tree"]] == ["本级", "中心", "未说明性质的单位"]
    assert [u["name"] for u in c["tree"][1]["children"]] == ["大队", "站"]


@pytest.mark.parametrize(
    ("style", "expected"),
    [("1.", "12."), ("（1）", "（12）"), ("（一）", "（十二）"), ("一、", "十二、")],
)
def test_duties_are_numbered_in_the_style_the_template_names(style, expected):
    rendered = Template("{% load narrative %}{{ n|numbered:style }}").render(
        Context({"n": 12, "style": style})
    )
    assert rendered == expected


def test_unit_kinds_are_reference_data_installed_in_order(reference_data):
    assert list(UnitKind.objects.values_list("name", flat=True)) == UNIT_KINDS


@pytest.fixture
def second_page(client, reference):
    second = load_disclosure_file(SECOND).disclosure
    response = client.get(second.get_absolute_url())
    assert response.status_code == 200
    return second, response.content.decode()


def test_the_second_regions_composition_is_nested_counted_and_says_what_is_merged(second_page):
    second, html = second_page
    page = visible_text(html)
    assert (
        "东湖区人大常委会办公室共有单位6个，其中：行政单位1个，公益一类事业单位1个，"
        "公益二类事业单位1个，事业单位3个。"
    ) in page
    assert (
        "东湖区人大代表履职档案室为公益二类事业单位。该单位不单列预算，"
        "纳入东湖区人大代表服务中心部门预算编制范围。"
    ) in page
    assert "3个街道人大代表联络站均为事业单位。" in page
    # nested: the 二级 units sit in a list inside their parent's entry
    parent = html.index("东湖区人大代表服务中心为公益一类事业单位")
    nested = html.index("<ul>", parent)
    assert nested < html.index("东湖区人大代表履职档案室为", parent) < html.index("</ul>", nested)
    # the preamble before the duties, numbered 1. as the region's template words them
    preamble = page.index("东湖区人大常委会办公室是区人大常委会的办事机构")
    assert preamble < page.index("1.负责区人民代表大会及其常务委员会会议的筹备和会务工作。")
    units = {u.name: u for u in Unit.objects.filter(department=second.department)}
    assert units["街道人大代表联络站"].count == 3
    assert units["东湖区人大代表履职档案室"].parent == units["东湖区人大代表服务中心"]


def test_a_unit_of_an_unknown_kind_or_an_unlisted_parent_is_refused(reference_data, tmp_path):
    text = SECOND.read_text(encoding="utf-8")
    bad_kind = tmp_path / "bad-kind.toml"
    bad_kind.write_text(text.replace('kind = "公益二类事业单位"', 'kind = "公益三类"'), "utf-8")
    with pytest.raises(DisclosureFileError, match="找不到单位性质“公益三类”"):
        load_disclosure_file(bad_kind)
    bad_parent = tmp_path / "bad-parent.toml"
    bad_parent.write_text(
        text.replace('parent = "东湖区人大代表服务中心"', 'parent = "无此单位"'), "utf-8"
    )
    with pytest.raises(DisclosureFileError, match="上级单位须在文件中先列出"):
        load_disclosure_file(bad_parent)


def test_a_unit_cannot_sit_under_itself_or_another_departments_unit(db):
    from django.core.exceptions import ValidationError

    from tests import factories

    department, other = factories.department("甲部门"), factories.department("乙部门")
    top = Unit.objects.create(department=department, name="上级", relation="own_office")
    child = Unit.objects.create(
        department=department, name="下级", relation="subordinate", parent=top
    )
    foreign = Unit.objects.create(department=other, name="外部门单位", relation="own_office")
    top.parent = child
    with pytest.raises(ValidationError, match="下级单位"):
        top.full_clean()
    child.parent = foreign
    with pytest.raises(ValidationError, match="同一部门"):
        child.full_clean()
