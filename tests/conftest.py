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
