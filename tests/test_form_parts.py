"""The disclosure form follows the region's template: one tab per part, in the template's
order and with its titles; what no part prints goes to “其他”; each part has its preview."""

import re

import pytest
from django.urls import reverse

from budgets.form_parts import chapters
from portal.disclosure_file import load_disclosure_file
from tests.test_second_region import SECOND

REFERENCE_FILE = "narratives/chongqing-budget-2025.html"
SECOND_FILE = "narratives/shifan-budget-2025.html"
TAB = re.compile(r'<a href="#(part-\d+)" class="part-tab[^"]*" data-part-tab="[^"]+">([^<]+)<')


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def tabs(html):
    """[(panel id, title)] of the form's tabs, in order."""
    return TAB.findall(html)


def panel(html, panel_id):
    """The HTML of one tab's panel (panels do not nest)."""
    start = html.index(f'<div class="part-panel" id="{panel_id}"')
    following = html.find('<div class="part-panel"', start + 1)
    return html[start : following if following > 0 else None]


def test_the_reference_templates_parts_hold_the_blocks_they_print():
    layout = [(c.title, c.section, c.blocks) for c in chapters(REFERENCE_FILE)]
    assert layout == [
        ("一、单位基本情况", "part-1", ["units"]),
        ("二、部门收支总体情况", "part-2", ["income"]),
        ("三、部门预算情况说明", "part-3", ["appropriation", "projects"]),
        ("四、“三公”经费情况说明", "part-4", ["official_expenses"]),
        (
            "五、其他重要事项的情况说明",
            "part-5",
            ["operating_cost", "procurement", "performance", "vehicles"],
        ),
        ("六、专业性名词解释", "part-6", ["glossary"]),
        ("公开联系人", "", ["contact"]),
    ]


def test_a_template_with_the_glossary_third_orders_the_form_so_and_groups_the_rest():
    layout = [(c.title, c.section, c.blocks) for c in chapters(SECOND_FILE)]
    assert layout == [
        ("一、部门基本情况", "part-1", ["units"]),
        ("二、部门预算收支情况", "part-2", ["income", "appropriation"]),
        ("三、名词解释", "part-3", ["glossary"]),
        ("四、“三公”经费和机关运行经费", "part-4", ["official_expenses", "operating_cost"]),
        ("五、重点项目和绩效目标", "part-5", ["projects", "performance"]),
        ("公开联系人", "", ["contact"]),
        # the template prints neither procurement nor vehicles: no tab of their own
        ("其他", "", ["procurement", "vehicles"]),
    ]


def test_an_unknown_template_file_falls_back_to_the_reference_parts():
    assert chapters("narratives/no-such-file.html") == chapters(REFERENCE_FILE)


def test_the_reference_form_shows_its_templates_parts_as_tabs(superuser_client, draft):
    html = superuser_client.get(
        reverse("admin:budgets_disclosure_change", args=[draft.pk])
    ).content.decode()
    assert [title for _id, title in tabs(html)] == [
        "公开主体与发布信息",
        "一、单位基本情况",
        "二、部门收支总体情况",
        "三、部门预算情况说明",
        "四、“三公”经费情况说明",
        "五、其他重要事项的情况说明",
        "六、专业性名词解释",
        "公开联系人",
        "公开前审查",
    ]
    panels = dict((title, panel_id) for panel_id, title in tabs(html))
    part_5 = panel(html, panels["五、其他重要事项的情况说明"])
    assert 'id="id_operating_cost"' in part_5 and 'id="procurement_lines-group"' in part_5
    assert 'id="glossary_entries-group"' in panel(html, panels["六、专业性名词解释"])


@pytest.fixture
def second_draft(reference, superuser):
    from budgets.workflow import disclosure_correct

    loaded = load_disclosure_file(SECOND).disclosure
    return disclosure_correct(disclosure=loaded, user=superuser, reason="测试用更正")


def test_the_second_regions_form_follows_its_own_template(superuser_client, second_draft):
    html = superuser_client.get(
        reverse("admin:budgets_disclosure_change", args=[second_draft.pk])
    ).content.decode()
    assert [title for _id, title in tabs(html)] == [
        "公开主体与发布信息",
        "一、部门基本情况",
        "二、部门预算收支情况",
        "三、名词解释",
        "四、“三公”经费和机关运行经费",
        "五、重点项目和绩效目标",
        "公开联系人",
        "其他",
        "公开前审查",
    ]
    panels = dict((title, panel_id) for panel_id, title in tabs(html))
    assert 'id="glossary_entries-group"' in panel(html, panels["三、名词解释"])
    part_4 = panel(html, panels["四、“三公”经费和机关运行经费"])
    assert 'id="id_operating_cost"' in part_4 and 'id="official_expense_lines-group"' in part_4
    other = panel(html, panels["其他"])
    assert "本地区的情况说明模板不印出以下内容" in other
    assert 'id="procurement_lines-group"' in other and 'id="vehicle_lines-group"' in other
    assert "五、其他重要事项" not in html


def test_each_part_shows_its_public_rendering_marked_as_preview(editor_client, draft):
    html = editor_client.get(
        reverse("admin:budgets_disclosure_change", args=[draft.pk])
    ).content.decode()
    url = reverse("portal:preview_part", args=[draft.pk, "part-5"])
    # An <iframe> and a plain link: both work without script.
    assert f'<iframe src="{url}"' in html and f'<a href="{url}" target="_blank"' in html
    assert "<script>" not in html  # the refresh button is wired by a static file
    response = editor_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "预览：" in page
    assert "（二）政府采购情况。" in page  # this part …
    assert "一、单位基本情况" not in page and "部门收入预算表" not in page  # … and only it
    # It is framed by the form's page only, and never cached or indexed.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"


def test_a_part_preview_shows_what_was_just_saved(editor_client, draft):
    draft.operating_cost_change_reason = "主要原因是新增会议保障。"
    draft.save()
    page = editor_client.get(
        reverse("portal:preview_part", args=[draft.pk, "part-5"])
    ).content.decode()
    assert "主要原因是新增会议保障。" in page
    # A part the region's template does not have says so, with the whole preview linked.
    missing = editor_client.get(reverse("portal:preview_part", args=[draft.pk, "part-9"]))
    assert "本地区的情况说明没有这一部分" in missing.content.decode()


def test_a_part_preview_is_refused_outside_the_department(client, draft, roles, django_user_model):
    from organizations.models import Department
    from tests.conftest import make_user

    other = Department.objects.create(name="另一部门", region=draft.department.region)
    client.force_login(make_user(django_user_model, "other", roles.EDITOR, [other]))
    url = reverse("portal:preview_part", args=[draft.pk, "part-5"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
