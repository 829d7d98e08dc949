"""The preview of a draft whose amounts are not entered yet renders and says what is missing."""

from django.urls import reverse

from budgets import annual


def test_the_preview_of_a_prepared_year_renders_and_names_what_is_missing(
    client, reference, superuser
):
    draft, _ = annual.prepare_year(department=reference.department, year=2026, user=superuser)
    client.force_login(superuser)
    response = client.get(reverse("portal:preview", args=[draft.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "预览" in html and "未填写" in html
    # Each line carried from 2025 is listed as not filled in, and its table says so.
    assert "支出“201 一般公共服务支出”尚未填写本年预算数" in html
    assert "5行本年预算数尚未填写（表中显示为“—”）" in html
    # Last year's total counts the 类 lines once (not the line restating their split too).
    assert "11,091.84" in html and "22,183.68" not in html
