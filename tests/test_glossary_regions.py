"""Definitions belong to a region from a year on: two regions word a term their own way, each
region's glossary page shows its own, and a disclosure keeps what it was published with."""

from pathlib import Path

import pytest
from django.urls import reverse

from budgets import annual
from budgets.models import Disclosure
from budgets.rules import ERROR, WARNING, check_disclosure
from glossary.models import DisclosureTerm, Term
from organizations.models import Region
from portal.disclosure_file import load_disclosure_file
from tests.pagetext import visible_text

SECOND = (
    Path(__file__).resolve().parent.parent
    / "portal"
    / "data"
    / "qingshan-donghu-npc-office-2025.toml"
)
YUZHONG_INCOME = "指本年度从本级财政部门取得的财政拨款"
DONGHU_INCOME = "指区级财政当年拨付的资金"


@pytest.fixture
def second(reference):
    return load_disclosure_file(SECOND).disclosure


def glossary_page(client, region):
    response = client.get(reverse("portal:region_glossary", args=[region.pk]))
    assert response.status_code == 200
    return visible_text(response.content.decode())


def test_each_regions_glossary_shows_its_own_definition(client, reference, second):
    yuzhong = glossary_page(client, reference.department.region)
    donghu = glossary_page(client, second.department.region)
    assert f"财政拨款收入{YUZHONG_INCOME}" in yuzhong and DONGHU_INCOME not in yuzhong
    assert f"财政拨款收入{DONGHU_INCOME}" in donghu and YUZHONG_INCOME not in donghu
    assert "行政运行2010101反映区人大常委会机关" in donghu and "2010301" not in donghu
    assert "人大事务" not in donghu
    index = visible_text(client.get(reverse("portal:glossary")).content.decode())
    assert "重庆市›渝中区" in index and "示范省›青山市›东湖区" in index


def test_each_disclosure_page_prints_its_regions_definition(client, reference, second):
    assert YUZHONG_INCOME in visible_text(client.get(reference.get_absolute_url()).content.decode())
    page = visible_text(client.get(second.get_absolute_url()).content.decode())
    assert DONGHU_INCOME in page and YUZHONG_INCOME not in page


def test_the_loader_defines_terms_in_the_files_region_only(reference, second):
    donghu, yuzhong = second.department.region, reference.department.region
    assert set(Term.objects.filter(name="财政拨款收入").values_list("region", "from_year")) == {
        (yuzhong.pk, 2025),
        (donghu.pk, 2025),
    }
    assert not DisclosureTerm.objects.filter(disclosure=second).exclude(term__region=donghu)
    assert not DisclosureTerm.objects.filter(disclosure=reference).exclude(term__region=yuzhong)


def test_the_second_region_loaded_and_edited_leaves_the_reference_page_byte_identical(
    client, reference, tmp_path
):
    before_body = Disclosure.objects.get(pk=reference.pk).published_body
    before_page = client.get(reference.get_absolute_url()).content
    load_disclosure_file(SECOND)
    edited = tmp_path / "second-edited.toml"
    edited.write_text(
        SECOND.read_text(encoding="utf-8").replace(DONGHU_INCOME, "指东湖区财政拨付的资金"),
        encoding="utf-8",
    )
    assert load_disclosure_file(edited).changed
    for term in Term.objects.filter(region__name="东湖区"):  # edited in the admin too
        term.definition += "（修订）"
        term.save()
    # even the reference's own term edited in place: its published page is frozen
    own = Term.objects.get(region=reference.department.region, name="基本支出")
    own.definition = "改写后的解释。"
    own.save()
    assert Disclosure.objects.get(pk=reference.pk).published_body == before_body
    assert client.get(reference.get_absolute_url()).content == before_page


def test_a_disclosure_uses_the_nearest_regions_latest_definition_up_to_its_year(db):
    province = Region.objects.create(name="甲省", level=Region.Level.PROVINCE)
    county = Region.objects.create(name="乙县", level=Region.Level.COUNTY, parent=province)
    other = Region.objects.create(name="丙省", level=Region.Level.PROVINCE)
    Term.objects.create(name="基本支出", definition="通用。")
    Term.objects.create(name="项目支出", definition="通用项目。")
    Term.objects.create(region=province, name="基本支出", definition="省2024。", from_year=2024)
    Term.objects.create(region=county, name="基本支出", definition="县2026。", from_year=2026)
    Term.objects.create(region=other, name="项目支出", definition="丙省。", from_year=2020)

    def definitions(region, year):
        return {t.name: t.definition for t in Term.objects.in_force(region=region, year=year)}

    assert definitions(county, 2023) == {"基本支出": "通用。", "项目支出": "通用项目。"}
    assert definitions(county, 2025) == {"基本支出": "省2024。", "项目支出": "通用项目。"}
    assert definitions(county, 2026) == {"基本支出": "县2026。", "项目支出": "通用项目。"}
    assert definitions(province, 2026)["基本支出"] == "省2024。"
    assert definitions(other, 2026) == {"基本支出": "通用。", "项目支出": "丙省。"}


def test_next_years_draft_takes_the_definition_in_force_that_year(reference, superuser):
    region = reference.department.region
    old = Term.objects.get(region=region, name="基本支出")
    new = Term.objects.create(
        region=region, name="基本支出", definition="2026年起的解释。", from_year=2026
    )
    draft, _created = annual.prepare_year(
        department=reference.department, year=2026, user=superuser
    )
    terms = set(DisclosureTerm.objects.filter(disclosure=draft).values_list("term", flat=True))
    assert new.pk in terms and old.pk not in terms
    assert not [
        p
        for p in check_disclosure(draft)
        if p.field == "glossary_entries" and "解释，" in p.message
    ]
    # the published 2025 version keeps its own
    assert DisclosureTerm.objects.filter(disclosure=reference, term=old).exists()


def test_a_term_of_another_region_or_a_later_year_is_an_error(reference, second):
    foreign = Term.objects.get(region=second.department.region, name="项目支出")
    later = Term.objects.create(
        region=reference.department.region, name="其他收入", definition="新。", from_year=2030
    )
    draft = Disclosure.objects.create(
        department=reference.department, year=2026, kind=Disclosure.Kind.BUDGET, revision=1
    )
    DisclosureTerm.objects.create(disclosure=draft, term=foreign, order=1)
    DisclosureTerm.objects.create(disclosure=draft, term=later, order=2)
    messages = [p.message for p in check_disclosure(draft) if p.severity == ERROR]
    assert (
        "名词“项目支出”选用的是东湖区自2025年起的解释，不适用于渝中区2026年的公开文件。" in messages
    )
    assert (
        "名词“其他收入”选用的是渝中区自2030年起的解释，不适用于渝中区2026年的公开文件。" in messages
    )


def test_a_definition_reworded_since_the_draft_was_prepared_only_warns(reference, superuser):
    draft, _created = annual.prepare_year(
        department=reference.department, year=2026, user=superuser
    )
    Term.objects.create(
        region=reference.department.region, name="基本支出", definition="新。", from_year=2026
    )
    found = [(p.severity, p.message) for p in check_disclosure(draft) if "解释" in p.message]
    assert (
        WARNING,
        "名词“基本支出”选用的是渝中区自2025年起的解释，渝中区2026年适用的解释已更新。",
    ) in found


def test_terms_import_into_the_region_their_row_names(client, superuser, reference):
    from tests.test_region_import import confirm, csv_file, upload

    client.force_login(superuser)
    rows = [
        ["地区", "起始年度", "名词", "解释", "科目年度", "对应科目编码", "排序"],
        ["重庆市/渝中区", 2026, "基本支出", "渝中区2026年起的解释。", "", "", ""],
    ]
    confirm(client, "glossary_term", upload(client, "glossary_term", csv_file(rows)))
    region = reference.department.region
    assert Term.objects.get(region=region, name="基本支出", from_year=2026).definition == (
        "渝中区2026年起的解释。"
    )
    in_2025 = {t.name: t.definition for t in Term.objects.in_force(region=region, year=2025)}
    assert in_2025["基本支出"].startswith("指为保障机构正常运转")


def test_the_term_picker_offers_a_contact_person_only_their_regions_and_general_terms(
    editor_client, second
):
    """Django's autocomplete for the disclosure form's term field asks the term admin; an
    editor of 渝中区 is offered 渝中区's and 重庆市's terms and the general ones, never 东湖区's
    wording (a reviewer, who reaches every department, is offered all)."""
    yuzhong = Region.objects.get(name="渝中区")
    own = Term.objects.get(region=yuzhong, name="项目支出")
    foreign = Term.objects.get(region=second.department.region, name="项目支出")
    general = Term.objects.create(name="项目支出（通用）", definition="通用。")

    def offered(client):
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "glossary",
                "model_name": "disclosureterm",
                "field_name": "term",
                "term": "项目支出",
            },
        )
        assert response.status_code == 200
        return {int(r["id"]) for r in response.json()["results"]}

    assert {own.pk, general.pk} <= offered(editor_client)
    assert foreign.pk not in offered(editor_client)
    listing = editor_client.get(reverse("admin:glossary_term_changelist")).content.decode()
    assert "东湖区" not in listing
