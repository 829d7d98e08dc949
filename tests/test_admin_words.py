"""The back office speaks plainly: after a save, one message naming what was saved and what
to do next (never the stock “成功修改了 …你可以在下面再次编辑它。”), and page titles
without the stock phrases (“修改 单位”, “增加 单位”)."""

import html
import json
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from budgets.rules import check_disclosure
from organizations.models import Unit
from tests.adminforms import form_values

pytestmark = pytest.mark.django_db

STOCK = ("成功修改", "成功添加", "再次编辑", "修改 ", "增加 ", "选择 ")


def save(client, url, form_id, **changes):
    data = form_values(client.get(url).content.decode(), form_id)
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return [str(message) for message in get_messages(response.wsgi_request)]


def disclosure_url(disclosure):
    return reverse("admin:budgets_disclosure_change", args=[disclosure.pk])


def test_saving_a_draft_without_findings_says_it_may_be_submitted(editor_client, draft):
    assert check_disclosure(draft) == []
    said = save(editor_client, disclosure_url(draft), "disclosure_form", _continue="1")
    assert said == [
        f"已保存公开文件“{draft}”，可在下方继续填写。检查未发现问题；填完后点页面上方的“提交审核”按钮，交审核人审核。"
    ]


def test_saving_a_draft_with_findings_says_how_many_remain_and_where(editor_client, draft):
    said = save(
        editor_client,
        disclosure_url(draft),
        "disclosure_form",
        operating_cost_change_reason="主要原因是XX。",
        _continue="1",
    )
    assert len(said) == 1
    assert said[0].startswith(f"已保存公开文件“{draft}”，可在下方继续填写。还有1处需要处理")
    assert "（1个错误须改正后才能提交）" in said[0]
    assert "见页面上方的“一致性检查”" in said[0]
    assert not any(stock in said[0] for stock in STOCK)


def test_a_plain_save_leads_back_to_the_draft_with_its_findings(editor_client, draft):
    said = save(
        editor_client, disclosure_url(draft), "disclosure_form", operating_cost_change_reason="XX"
    )
    assert f'请<a href="{disclosure_url(draft)}">打开本文件</a>' in said[0]


def test_unit_screens_use_plain_titles_and_messages(editor_client, reference):
    add_url = reverse("admin:organizations_unit_add")
    page = editor_client.get(add_url).content.decode()
    assert "<h1>新增单位</h1>" in page and "增加 单位" not in page
    # The contact person's only department is chosen already.
    assert form_values(page, "unit_form")["department"] == str(reference.department.pk)
    listing = editor_client.get(reverse("admin:organizations_unit_changelist")).content.decode()
    assert "新增单位" in listing and "增加 单位" not in listing
    said = save(
        editor_client,
        add_url,
        "unit_form",
        department=str(reference.department.pk),
        name="测试服务中心",
        relation="subordinate",
        count="1",
        order="9",
    )
    assert said == [
        "已添加单位“测试服务中心”。本单位每年的职责、内设科室和编制，请在“单位年度情况”中按年度填写。"
    ]
    unit = Unit.objects.get(name="测试服务中心")
    change_url = reverse("admin:organizations_unit_change", args=[unit.pk])
    assert "<h1>修改单位</h1>" in editor_client.get(change_url).content.decode()
    said = save(editor_client, change_url, "unit_form", rank="正科级", _continue="1")
    assert said == ["已保存单位“测试服务中心”，可在下方继续填写。"]


def test_the_add_a_row_link_names_the_row(editor_client, reference):
    from organizations.models import UnitYear

    unit_year = UnitYear.objects.filter(unit__department=reference.department).first()
    page = editor_client.get(
        reverse("admin:organizations_unityear_change", args=[unit_year.pk])
    ).content.decode()
    links = [
        json.loads(html.unescape(data))["options"]["addText"]
        for data in re.findall(r'data-inline-formset="([^"]*)"', page)
    ]
    assert links == ["添加职能职责", "添加内设科室", "添加编制"]
