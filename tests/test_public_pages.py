import pytest
from django.urls import reverse

from tests import factories
from tests.pagetext import visible_text


def test_home_lists_regions_departments_and_years(client, reference):
    page = visible_text(client.get(reverse("portal:home")).content.decode())
    assert "重庆市›渝中区" in page
    assert "重庆市渝中区人民政府办公室" in page and "2025年部门预算" in page


def test_home_without_disclosures_says_so(client, db):
    assert "目前还没有已公开的部门预算" in visible_text(
        client.get(reverse("portal:home")).content.decode()
    )


def test_department_page_lists_its_published_disclosures(client, reference):
    page = visible_text(client.get(reference.department.get_absolute_url()).content.decode())
    assert (
        "重庆市渝中区人民政府办公室2025年部门预算情况说明" in page and "2025年2月12日公开" in page
    )


def test_unknown_department_and_disclosure_are_404(client, db):
    assert client.get(reverse("portal:department", args=[999])).status_code == 404
    assert client.get(reverse("portal:disclosure", args=[999])).status_code == 404


def test_glossary_page_lists_every_term_with_its_code(client, reference):
    region = reference.department.region
    index = visible_text(client.get(reverse("portal:glossary")).content.decode())
    assert "重庆市›渝中区" in index
    url = reverse("portal:region_glossary", args=[region.pk])
    page = visible_text(client.get(url).content.decode())
    assert "行政运行2010301反映行政单位" in page
    assert "“三公”经费指用一般公共预算财政拨款安排" in page


@pytest.mark.parametrize("name", ["portal:home", "portal:glossary", "portal:region_glossary"])
def test_list_pages_run_a_fixed_number_of_queries(
    client, reference, django_assert_max_num_queries, name
):
    args = [reference.department.region_id] if name == "portal:region_glossary" else []
    with django_assert_max_num_queries(3):
        assert client.get(reverse(name, args=args)).status_code == 200


def test_a_full_disclosure_rolls_up_to_class_and_shows_no_missing_detail_note(
    client, reference_data
):
    d = factories.disclosure(
        lines=[("2010301", "100", "0"), ("2010302", "0", "50"), ("2080505", "20", "0")]
    )
    page = visible_text(client.get(d.get_absolute_url()).content.decode())
    assert "201一般公共服务支出150.00100.0050.00" in page
    assert "20103政府办公厅（室）及相关机构事务150.00100.0050.00" in page
    assert "2010301行政运行100.00100.000.00" in page
    assert "未公布" not in page
    assert "测试局2025年无使用政府性基金预算拨款安排的支出。" in page


def test_user_text_is_escaped(client, reference_data):
    d = factories.disclosure(
        lines=[("2010301", "1", "0")], contact_name="<script>alert(1)</script>"
    )
    html = client.get(d.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_the_home_page_is_kept_until_a_publication_or_an_edit_changes_it(
    client, reference, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url, department = reverse("portal:home"), reference.department
    client.get(url)  # rendered once, then kept in the cache
    with django_assert_num_queries(0):
        assert department.name in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # renewed once the edit commits
        department.name = "区政府办公室（改名）"
        department.save()
    assert "区政府办公室（改名）" in client.get(url).content.decode()

    region = department.region
    with django_capture_on_commit_callbacks(execute=True):
        region.name = "渝中区（改名）"
        region.save()
    assert "渝中区（改名）" in visible_text(client.get(url).content.decode())

    with django_capture_on_commit_callbacks(execute=True):  # a publication
        newcomer = factories.disclosure(year=2026, lines=[("2010301", "1", "0")])
    assert newcomer.department.name in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        newcomer.department.name = "测试局（改名）"
        newcomer.department.save()
    assert "测试局（改名）" in client.get(url).content.decode()


def test_home_shows_each_departments_latest_published_version(client, reference_data):
    department = factories.department()
    factories.disclosure(department, year=2024, lines=[("2010301", "1", "0")])
    latest = factories.disclosure(department, year=2025, lines=[("2010301", "1", "0")])
    factories.disclosure(department, year=2026, published=False)  # a draft is not listed
    html = client.get(reverse("portal:home")).content.decode()
    assert f'href="{latest.get_absolute_url()}"' in html
    assert f'href="{department.get_absolute_url()}"' in html
    assert "测试局2025年部门预算" in visible_text(html) and "2024年" not in html
