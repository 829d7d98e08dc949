"""A citizen, in real headless Chromium, finds the 2025 disclosure from the home page."""

import pytest
from playwright.sync_api import expect

from tests.test_reference_page import PART_HEADINGS

pytestmark = pytest.mark.browser


def test_a_citizen_follows_links_from_home_to_the_2025_disclosure(
    live_server, reference, page, screenshot_dir
):
    # Console errors include Content-Security-Policy violations: a public page has none.
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="部门预算公开")).to_be_visible()
    page.get_by_role("link", name="重庆市渝中区人民政府办公室2025年部门预算").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "重庆市渝中区人民政府办公室2025年部门预算情况说明"
    )
    for heading in PART_HEADINGS:
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    expect(
        page.get_by_role("table", name="一般公共预算“三公”经费支出表（单位：万元）")
    ).to_be_visible()
    expect(page.get_by_text("单位预算公开联系人：严天洁 联系方式：023-63259683")).to_be_visible()
    page.screenshot(path=screenshot_dir / "citizen-disclosure-2025.png", full_page=True)
    assert errors == []


def test_the_disclosure_reads_on_a_phone(live_server, reference, page, screenshot_dir):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reference.get_absolute_url())
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"
    page.screenshot(path=screenshot_dir / "citizen-disclosure-phone.png", full_page=False)


def log_in(browser, live_server, username, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(f"pw-{username}-1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="各部门公开工作")).to_be_visible()
    return page


def wait_for_preview(page):
    """Wait until the shown part's preview has loaded: the test database (SQLite, shared
    cache) refuses a read that overlaps a write, so no save may start while it loads."""
    expect(page.locator(".part-tab.selected")).to_have_count(1)  # part_tabs.js has run
    pane = page.locator("[data-part-panel]:not([hidden]) [data-part-preview]")
    if pane.count() == 0:
        return pane  # a tab with no preview (the header, the contact line, the review)
    pane.scroll_into_view_if_needed()
    expect(pane.frame_locator("iframe").locator(".preview-banner")).to_be_visible()
    return pane


def test_the_whole_path_from_the_contact_persons_start_page_to_the_public_page(
    live_server, browser, page, draft, editor, reviewer
):
    """The contact person starts from the start page, fills one part, fixes a finding and
    submits; a reviewer approves and publishes; the contact person sees 已公开 and the page.
    Screenshots: tests/screenshots/workspace/ (README “截图”)."""
    from tests.conftest import SCREENSHOTS, record_checks

    shots = SCREENSHOTS / "workspace"
    shots.mkdir(parents=True, exist_ok=True)
    record_checks(draft)

    contact = log_in(browser, live_server, "editor", width=1366)
    errors = []
    contact.on("console", lambda m: m.type == "error" and errors.append(m.text))
    start = contact.locator("#my-disclosures")
    expect(start).to_contain_text("重庆市渝中区人民政府办公室 2025年部门预算（第2版）")
    contact.screenshot(path=shots / "1-editor-start-page.png", full_page=True)
    start.get_by_role("link", name="提交审核").click()

    # One part: 五、其他重要事项的情况说明 (the tabs are the region's template's parts), with
    # template residue left in a reason.
    wait_for_preview(contact)
    contact.get_by_role("link", name="五、其他重要事项的情况说明").click()
    wait_for_preview(contact)
    expect(contact.locator("#id_operating_cost")).to_be_visible()
    expect(contact.locator("#id_income_change_reason")).to_be_hidden()
    assert contact.evaluate("document.documentElement.scrollWidth") <= 1366
    contact.locator("#id_operating_cost").fill("280.23")
    contact.locator("#id_operating_cost_change_reason").fill("主要原因是XX。")
    contact.get_by_role("button", name="保存并继续编辑").click()
    expect(contact.locator(".messagelist")).to_contain_text(
        "还有1处需要处理（1个错误须改正后才能提交）"
    )
    wait_for_preview(contact)
    finding = contact.locator(".disclosure-problems a", has_text="模板残留")
    contact.screenshot(path=shots / "2-editor-sees-finding.png", full_page=True)
    finding.click()
    reason = contact.locator("#id_operating_cost_change_reason")
    expect(reason).to_be_visible()
    expect(contact.get_by_role("link", name="五、其他重要事项的情况说明")).to_contain_text("有问题")
    wait_for_preview(contact)
    reason.fill("主要原因是压减一般性支出。")
    contact.get_by_role("button", name="保存并继续编辑").click()
    expect(contact.locator(".messagelist")).not_to_contain_text("检查发现")
    wait_for_preview(contact)
    # Below the part, its public rendering as saved, marked 预览; “刷新预览” reloads it.
    contact.get_by_role("link", name="五、其他重要事项的情况说明").click()
    shown = wait_for_preview(contact)
    preview = shown.frame_locator("iframe")
    expect(preview.locator("#part-5")).to_contain_text("运行经费280.23万元")
    shown.get_by_role("button", name="刷新预览").click()
    expect(preview.locator("#part-5")).to_contain_text("主要原因是压减一般性支出")
    contact.screenshot(path=shots / "2b-editor-part-preview.png")
    contact.get_by_role("button", name="提交审核").click()
    expect(contact.locator(".messagelist")).to_contain_text("已提交审核")
    contact.screenshot(path=shots / "3-editor-submitted.png")

    review = log_in(browser, live_server, "reviewer")
    # Under the strict Content-Security-Policy the admin page runs without a violation, and
    # the publish confirmation (a static script, no inline onclick) still asks.
    console_errors, dialogs = [], []
    review.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    review.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    queue = review.locator("#review-queue")
    expect(queue).to_contain_text("已提交")
    review.screenshot(path=shots / "4-reviewer-queue.png", full_page=True)
    queue.get_by_role("link", name="重庆市渝中区人民政府办公室 2025年部门预算（第2版）").click()
    review.get_by_role("button", name="审核通过").click()
    expect(review.locator(".messagelist")).to_contain_text("已审核通过")
    review.get_by_role("button", name="公开", exact=True).click()
    expect(review.locator(".messagelist")).to_contain_text("已公开")
    assert dialogs == ["公开后本版本不能再修改，只能发起更正。确定公开吗？"]
    assert console_errors == [], "no Content-Security-Policy violation on the admin page"
    review.screenshot(path=shots / "5-reviewer-published.png")

    contact.goto(live_server.url + "/admin/")
    expect(start).to_contain_text("已公开")
    contact.screenshot(path=shots / "6-editor-sees-published.png", full_page=True)
    start.get_by_role("link", name="查看公开页面").click()
    expect(
        contact.get_by_text("运行经费280.23万元，比上年减少5.75万元", exact=False)
    ).to_be_visible()
    expect(contact.get_by_role("heading", name="更正记录")).to_be_visible()
    contact.screenshot(path=shots / "7-public-page.png", full_page=True)
    assert errors == []


def test_a_wide_table_scrolls_in_its_own_region_on_a_phone(
    live_server, reference, page, screenshot_dir
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reference.get_absolute_url())
    region = page.get_by_role("region", name="部门支出总表（单位：万元）")
    region.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    label = region.locator("tbody th").first
    assert label.evaluate("el => el.getBoundingClientRect().width") >= 100
    region.focus()
    page.keyboard.press("ArrowRight")
    page.screenshot(path=screenshot_dir / "tables-phone.png", full_page=False)


def test_the_preview_marks_an_unfilled_part_and_the_page_reads_as_printed(
    live_server, browser, page, draft, editor, screenshot_dir
):
    draft.procurement_lines.all().delete()
    contact = log_in(browser, live_server, "editor")
    contact.goto(f"{live_server.url}/disclosures/{draft.pk}/preview/")
    part_5 = contact.locator("#part-5")
    expect(part_5).to_contain_text("（二）政府采购情况。（未填写）")
    part_5.screenshot(path=screenshot_dir / "preview-unfilled-procurement.png")
    contact.goto(f"{live_server.url}/admin/budgets/disclosure/{draft.pk}/change/")
    finding = contact.get_by_role("link", name="政府采购尚未填写")
    expect(finding).to_be_visible()
    finding.click()  # opens the form's tab of that part
    fieldset = contact.locator("fieldset", has=contact.locator("#id_no_procurement"))
    expect(fieldset).to_be_visible()
    fieldset.screenshot(path=screenshot_dir / "admin-part-5-none-flags.png")
    wait_for_preview(contact)  # before the draft is deleted below
    draft.delete()
    page.goto(live_server.url + draft.supersedes.get_absolute_url())
    expect(page.locator("#part-4")).to_contain_text("因公出国（境）费用0万元")
    page.locator("#part-1").screenshot(path=screenshot_dir / "reference-as-printed.png")
