"""Every public page, in real headless Chromium at 1366 px and 390 px: axe-core finds no
WCAG 2.1 A/AA violation, the focus ring stands out (≥ 3:1), charts draw under the strict
CSP, and the print stylesheet keeps small tables whole and totals once. Screenshots of each
page at both widths: tests/screenshots/public/ (README “截图”).

One test function on purpose: one live server, one browser page, every page and width."""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from budgets.models import OfficialExpenseItem, OfficialExpenseLine
from budgets.workflow import record_publication
from tests import factories
from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
WIDTHS = (1366, 390)


def luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one, other):
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(css):
    return tuple(int(float(v)) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])


CHARTS = {"disclosure": 3, "department": 1}  # the charts each page draws


def earlier_year(department):
    """A 2024 budget of `department` with its “三公” expenses (a second year to chart)."""
    d = factories.disclosure(department, 2024, published=False, lines=[("2010301", "80", "20")])
    item = OfficialExpenseItem.objects.filter(children__isnull=True).first()
    OfficialExpenseLine.objects.create(disclosure=d, item=item, amount=Decimal("12.5"))
    return record_publication(disclosure=d)


def test_every_public_page_passes_axe_at_desktop_and_phone_width(live_server, reference, page):
    shots = SCREENSHOTS / "public"
    shots.mkdir(parents=True, exist_ok=True)
    department = reference.department
    earlier_year(department)  # two years: the department page draws 三公 over the years
    pages = {
        "home": "/",
        "region": department.region.get_absolute_url(),
        "department": department.get_absolute_url(),
        "compare": reverse("portal:compare", args=[department.pk]),
        "search": f"{reverse('portal:search')}?q=运行",  # items, terms: several kinds
        "disclosure": reference.get_absolute_url(),
        "glossary": reverse("portal:glossary"),
        "region-glossary": reverse("portal:region_glossary", args=[department.region_id]),
        "open-data": reverse("portal:open_data"),
        "dataset": reverse("portal:dataset", args=["expenditure"]),
    }
    errors, axe, report = [], Axe(), {}
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(live_server.url + path)
            if name in CHARTS:
                # The charts are drawn (SVG) under the strict CSP, each named by its sentence.
                page.wait_for_function(
                    f"() => document.querySelectorAll('figure.chart svg').length === {CHARTS[name]}"
                )
                assert page.locator("figure.chart[hidden]").count() == 0
            results = axe.run(page, options=WCAG_21_AA)
            if results.violations_count:
                report[f"{name} @ {width}px"] = results.generate_report()
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
            page.screenshot(path=shots / f"{name}-{width}.png", full_page=True)
    assert report == {}, "\n".join(f"{k}:\n{v}" for k, v in report.items())
    assert errors == [], "no console error, no Content-Security-Policy violation"

    # Wide tables scroll inside a labelled region the keyboard reaches; labels never squeezed.
    page.goto(live_server.url + reference.get_absolute_url())
    region = page.locator(".table-wrap[role=region]").filter(has_text="政府采购预算表")
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-labelledby")
    label_width = page.locator("#tables table.figures tbody th").first.evaluate(
        "e => e.getBoundingClientRect().width"
    )
    assert label_width >= 10 * 14  # at least ~10 characters at the phone's font size

    # The focus ring: ≥ 3:1 against the page.
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site name, in the red header
    page.locator("main a").first.focus()
    ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    assert contrast(rgb(ring), (255, 255, 255)) >= 3

    # Print: small tables whole, the header row on every page, the 合计 row once, a footer.
    page.emulate_media(media="print")
    style = "(e, p) => getComputedStyle(e)[p]"
    small = page.locator(".table-wrap.small").first
    assert small.evaluate(style, "breakInside") == "avoid"
    assert (
        page.locator("table.figures thead").first.evaluate(style, "display") == "table-header-group"
    )
    assert page.locator("table.figures tfoot").first.evaluate(style, "display") == "table-row-group"
    footer = page.locator(".print-footer")
    assert (
        footer.is_visible()
        and f"{reference.get_absolute_url()} · 第1版 · 2025年2月12日公开" in (footer.text_content())
    )
    assert not page.locator("figure.chart").first.is_visible()
