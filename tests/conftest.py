import os
from pathlib import Path

import pytest
from django.apps import apps

# Playwright runs an event loop in this thread; the ORM must still be usable beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FILES = Path(__file__).parent / "files"
REFERENCE_TEXT = FILES / "yuzhong-government-office-2025-budget.txt"


@pytest.fixture
def reference_data(db):
    """The shipped reference data (migrations install it; transactional tests flush it)."""
    from budgets import reference_data as shipped

    shipped.install(apps)


@pytest.fixture
def reference(reference_data):
    """The 2025 reference disclosure, loaded from the project's own data file."""
    from portal.disclosure_file import load_disclosure_file

    return load_disclosure_file().disclosure


@pytest.fixture
def reference_text():
    return REFERENCE_TEXT.read_text(encoding="utf-8")


CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless; Playwright never downloads a browser here."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI 需要 Debian 的 chromium 软件包（/usr/bin/chromium），但未安装。")
        pytest.skip(
            "未安装 /usr/bin/chromium（apt-get install chromium fonts-noto-cjk），跳过浏览器测试。"
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
