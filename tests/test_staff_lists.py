"""Staff lists run a fixed number of queries however many regions and disclosures they show
(issue 12: the disclosure list read each region's ancestors one by one)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories


def add_disclosures(count, start=0):
    city = factories.region("测试市")
    for n in range(start, start + count):
        district = factories.region(f"第{n}区", parent=city, level="county")
        department = factories.department(f"第{n}区财政局", district)
        factories.disclosure(department, published=n % 2 == 0)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name",
    [
        "admin:budgets_disclosure_changelist",
        "admin:organizations_department_changelist",
        "admin:organizations_region_changelist",
    ],
)
def test_a_staff_list_runs_as_many_queries_for_one_region_as_for_many(
    admin_client, reference_data, name
):
    url = reverse(name)
    add_disclosures(1)
    one = queries(admin_client, url)
    add_disclosures(12, start=1)
    assert queries(admin_client, url) == one
