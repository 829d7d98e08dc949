"""A benchmark city (issue 12): `python manage.py seed_benchmark --departments 300 --years 10`
builds a region tree (a city and its districts), departments with units (duties, sections,
staffing each year), and for every department and year a published 部门预算 with 项-level
expenditure lines, income, economic lines, “三公” expenses, procurement, key projects, review
checks and glossary entries; a few versions are corrected (a second, published revision).

Everything is written with bulk inserts, in one transaction. Benchmark data is marked: every
department's code starts with `MARK`; the command refuses a database that holds published
disclosures of other (real) departments, and refuses to add a second city to one that holds
benchmark data already (published rows cannot be deleted: start from a fresh database).

Publication follows the workflow's publish step (`budgets.workflow._freeze`): rows first, then
each version's frozen snapshot, content checksum and page body are computed from those rows and
the status set in the same bulk update (the database refuses any write to a published version,
so nothing is added afterwards). Rendering the bodies is most of the time; `lazy_bodies=True`
leaves them unstored: such a version's page is rendered on request (like a version published
before bodies were stored) and then served from the page cache.
"""

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from budgets import revisions, snapshots, workflow
from budgets.models import (
    BasicExpenditureLine,
    ClassificationScheme,
    ClassificationVersion,
    Disclosure,
    DisclosureCheck,
    EconomicItem,
    ExpenditureLine,
    FunctionalItem,
    IncomeLine,
    IncomeSource,
    KeyProject,
    OfficialExpenseItem,
    OfficialExpenseLine,
    ProcurementCategory,
    ProcurementLine,
    StatusChange,
    VehicleKind,
    VehicleLine,
)
from glossary.models import DisclosureTerm, Term
from organizations.models import (
    Department,
    Duty,
    Region,
    Section,
    StaffingKind,
    StaffingQuota,
    Unit,
    UnitKind,
    UnitYear,
)

from . import page_cache, pages
from .opendata import store

MARK = "BENCH-"  # the code prefix of every benchmark department
CITY = "基准市"
DISTRICTS = [
    "东城区", "西城区", "南岸区", "北岸区", "江北区", "江南区",
    "高新区", "新港区", "湖滨区", "山前区", "溪口县", "云台县",
]  # fmt: skip
KINDS = [
    "人民政府办公室", "发展和改革委员会", "教育委员会", "科学技术局", "公安局", "民政局",
    "司法局", "财政局", "人力资源和社会保障局", "规划和自然资源局", "生态环境局",
    "住房和城乡建设委员会", "城市管理局", "交通运输委员会", "水利局", "农业农村委员会",
    "商务委员会", "文化和旅游发展委员会", "卫生健康委员会", "退役军人事务局", "应急管理局",
    "审计局", "市场监督管理局", "统计局", "医疗保障局", "机关事务管理局", "信访办公室",
    "体育局", "林业局", "档案馆",
]  # fmt: skip
SUBORDINATES = ["信息中心", "服务中心", "事务中心", "执法支队", "研究院"]
PROJECTS = ["信息化建设运维", "专项业务工作经费", "办公用房维修改造", "重点课题研究", "宣传培训"]
TERMS = {
    "财政拨款收入（基准）": "指本级财政当年拨付的资金。",
    "基本支出（基准）": "指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
    "项目支出（基准）": "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
    "“三公”经费（基准）": "指用一般公共预算财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。",
}  # fmt: skip
SCHEMES = {
    ClassificationScheme.FUNCTIONAL: FunctionalItem,
    ClassificationScheme.ECONOMIC: EconomicItem,
    ClassificationScheme.GOVERNMENT_ECONOMIC: EconomicItem,
}
# The rows of a version (all written here), copied into a correction.
PARTS = [
    IncomeLine,
    ExpenditureLine,
    BasicExpenditureLine,
    OfficialExpenseLine,
    ProcurementLine,
    VehicleLine,
    KeyProject,
    DisclosureCheck,
    DisclosureTerm,
]
LIST_YEAR = 2025  # the shipped lists copied into years that have none
BATCH = 50


class BenchmarkRefused(Exception):
    """The database is not one the benchmark may fill; the message says why, in Chinese."""


def is_benchmark_database():
    """True when the database holds benchmark departments."""
    return Department.objects.filter(code__startswith=MARK).exists()


def refusal():
    """Why seeding is refused here, or None."""
    real = Disclosure.objects.published().exclude(department__code__startswith=MARK).count()
    if real:
        return (
            f"数据库中有 {real} 份真实的已公开文件，不能写入基准数据：请新建一个数据库，"
            "把 DATABASE_URL 指向它后再运行。"
        )
    if is_benchmark_database():
        return "数据库中已有基准数据（已公开的版本不能删除）：如需重建，请新建一个数据库。"
    return None


def _money(rng, low, high):
    """A random amount in 万元, to the fen."""
    return Decimal(rng.randint(round(low * 100), round(high * 100))) / 100


def _split(total, parts, rng):
    """`total` split into `parts` positive amounts (to the fen) that add up exactly."""
    fen = int(total * 100)
    if fen <= parts:
        return [total] + [Decimal(0)] * (parts - 1)
    edges = [0, *sorted(rng.sample(range(1, fen), parts - 1)), fen]
    return [Decimal(b - a) / 100 for a, b in zip(edges, edges[1:], strict=False)]


class City:
    """The builder; `seed()` runs it. Deterministic for given sizes."""

    def __init__(self, *, departments, years, last_year, lazy_bodies, log):
        self.rng = random.Random(departments * 1000 + years)
        self.size, self.log = departments, log
        self.years = list(range(last_year - years + 1, last_year + 1))
        self.lazy_bodies = lazy_bodies
        self.sources = {s.code: s for s in IncomeSource.objects.all()}
        self.counts = {}

    def _bulk(self, model, rows):
        model.objects.bulk_create(rows, batch_size=2000)
        self.counts[model._meta.verbose_name] = self.counts.get(model._meta.verbose_name, 0) + len(
            rows
        )
        return rows

    # ------------------------------------------------------------------ reference lists

    def classification_lists(self):
        """Each year's annual lists; a year without items gets a copy of the shipped list."""
        self.functional, self.economic = {}, {}
        for scheme, model in SCHEMES.items():
            shipped = list(
                model.objects.filter(
                    version=ClassificationVersion.objects.annual(scheme, LIST_YEAR)
                )
            )
            for year in self.years:
                version = ClassificationVersion.objects.annual(scheme, year)
                items = model.objects.filter(version=version)
                if not items.exists():
                    self._bulk(
                        model,
                        [
                            model(version=version, year=year, code=i.code, name=i.name)
                            for i in shipped
                        ],
                    )
                by_code = {item.code: item for item in items}
                if scheme == ClassificationScheme.FUNCTIONAL:
                    self.functional[year] = by_code
                elif scheme == ClassificationScheme.ECONOMIC:
                    self.economic[year] = by_code
        # Codes every year's list has (the shipped lists differ a little from year to year).
        functional = set.intersection(*(set(items) for items in self.functional.values()))
        economic = set.intersection(*(set(items) for items in self.economic.values()))
        self.xiang_codes = sorted(c for c in functional if len(c) == 7)
        self.economic_codes = sorted(
            c for c in economic if len(c) == 5 and c[:3] in {"301", "302", "303"}
        )

    # ------------------------------------------------------------------ bodies

    def regions_and_departments(self):
        city = Region.objects.create(name=CITY, level=Region.Level.CITY, order=900)
        districts = self._bulk(
            Region,
            [
                Region(name=name, level=Region.Level.COUNTY, parent=city, order=i)
                for i, name in enumerate(DISTRICTS)
            ],
        )
        departments, used = [], set()
        for n in range(self.size):
            region = city if n < self.size * 3 // 10 else districts[n % len(districts)]
            name = f"{region.name if region is not city else CITY}{KINDS[n % len(KINDS)]}"
            while (region.pk, name) in used:
                name += "（二）"
            used.add((region.pk, name))
            departments.append(
                Department(region=region, name=name, code=f"{MARK}{n + 1:04d}", order=n)
            )
        self.departments = self._bulk(Department, departments)

    def units(self):
        units = []
        administrative = UnitKind.objects.get_or_create(name="行政单位")[0]
        public_welfare = UnitKind.objects.get_or_create(name="公益一类事业单位")[0]
        for department in self.departments:
            units.append(
                Unit(
                    department=department,
                    name=f"{department.name}（本级）",
                    relation=Unit.Relation.OWN_OFFICE,
                    kind=administrative,
                    funding=Unit.Funding.FULL,
                    order=0,
                )
            )
            for j in range(self.rng.randint(0, 3)):
                units.append(
                    Unit(
                        department=department,
                        name=f"{department.name}{SUBORDINATES[j]}",
                        relation=Unit.Relation.SUBORDINATE,
                        kind=public_welfare,
                        funding=Unit.Funding.FULL,
                        order=j + 1,
                    )
                )
        units = self._bulk(Unit, units)
        years = self._bulk(UnitYear, [UnitYear(unit=u, year=y) for u in units for y in self.years])
        quota = StaffingKind.objects.get_or_create(name="行政编制")[0]
        self._bulk(
            Duty,
            [
                Duty(unit_year=uy, order=i, text=f"负责{uy.unit.name}第{i}项职责的组织实施。")
                for uy in years
                for i in (1, 2, 3)
            ],
        )
        self._bulk(
            Section,
            [Section(unit_year=uy, order=i, name=f"第{i}科") for uy in years for i in (1, 2)],
        )
        self._bulk(
            StaffingQuota,
            [
                StaffingQuota(unit_year=uy, kind=quota, count=self.rng.randint(5, 60))
                for uy in years
            ],
        )

    # ------------------------------------------------------------------ disclosures

    def disclosures(self):
        """Every department's version 1 of every year, with its lines, then published."""
        ids = []
        for year in self.years:
            rows = []
            for department in self.departments:
                approved = date(year, 2, self.rng.randint(1, 20))
                rows.append(
                    Disclosure(
                        department=department,
                        year=year,
                        npc_approved_on=date(year, 1, 15),
                        finance_approved_on=approved,
                        published_on=approved + timedelta(days=self.rng.randint(3, 18)),
                        index_number=f"{department.code}-{year}",
                        contact_name="王老师",
                        contact_phone="023-6000" + f"{self.rng.randint(0, 9999):04d}",
                        basic_uses="保障机构正常运转及正常履职",
                        operating_cost=_money(self.rng, 20, 300),
                        prior_operating_cost=_money(self.rng, 20, 300),
                        performance_amount=_money(self.rng, 100, 2000),
                        no_vehicles=self.rng.random() < 0.3,
                    )
                )
            rows = self._bulk(Disclosure, rows)
            self.lines(rows, year)
            ids += [d.pk for d in rows]
        return ids

    def lines(self, disclosures, year):
        """The lines of `disclosures` (all of `year`)."""
        rng, functional, economic = self.rng, self.functional[year], self.economic[year]
        general, institution = self.sources["general_budget"], self.sources["public_institution"]
        expenditure, income, basic, official, procurement = [], [], [], [], []
        vehicles, projects, checks, terms = [], [], [], []
        leaf_items = list(OfficialExpenseItem.objects.filter(children__isnull=True))
        categories = list(ProcurementCategory.objects.all())
        car = VehicleKind.objects.order_by("order").first()
        glossary = [
            Term.objects.get_or_create(name=name, defaults={"definition": text})[0]
            for name, text in TERMS.items()
        ]
        for d in disclosures:
            codes = rng.sample(self.xiang_codes, min(len(self.xiang_codes), rng.randint(12, 30)))
            totals = {general: [Decimal(0), Decimal(0)], institution: [Decimal(0), Decimal(0)]}
            general_basic = Decimal(0)
            for n, code in enumerate(sorted(codes)):
                source = institution if n % 7 == 6 else general
                amount_basic = _money(rng, 5, 900) if rng.random() < 0.6 else Decimal(0)
                amount_project = (
                    _money(rng, 5, 1500) if not amount_basic or rng.random() < 0.3 else Decimal(0)
                )
                prior = ((amount_basic + amount_project) * Decimal(rng.uniform(0.8, 1.2))).quantize(
                    Decimal("0.01")
                )
                expenditure.append(
                    ExpenditureLine(
                        disclosure=d,
                        source=source,
                        functional_item=functional[code],
                        basic=amount_basic,
                        project=amount_project,
                        prior_amount=prior,
                        purpose="用于保障相关业务工作正常开展。" if amount_project else "",
                    )
                )
                totals[source][0] += amount_basic + amount_project
                totals[source][1] += prior
                if source is general:
                    general_basic += amount_basic
            for source, (amount, prior) in totals.items():
                if amount:
                    income.append(
                        IncomeLine(disclosure=d, source=source, amount=amount, prior_amount=prior)
                    )
            if general_basic:
                picked = sorted(rng.sample(self.economic_codes, min(6, len(self.economic_codes))))
                for code, amount in zip(
                    picked, _split(general_basic, len(picked), rng), strict=True
                ):
                    basic.append(
                        BasicExpenditureLine(
                            disclosure=d, economic_item=economic[code], amount=amount,
                            prior_amount=(amount * Decimal("0.95")).quantize(Decimal("0.01")),
                        )
                    )  # fmt: skip
            for item in leaf_items:
                official.append(
                    OfficialExpenseLine(
                        disclosure=d, item=item, amount=_money(rng, 0, 30),
                        prior_amount=_money(rng, 0, 30),
                        change_reason="主要原因是严格执行厉行节约有关规定。",
                    )
                )  # fmt: skip
            for category in rng.sample(categories, 2):
                procurement.append(
                    ProcurementLine(
                        disclosure=d, source=general, category=category,
                        amount=_money(rng, 5, 400),
                    )
                )  # fmt: skip
            if not d.no_vehicles:
                vehicles.append(VehicleLine(disclosure=d, kind=car, held=rng.randint(1, 8)))
            for order in range(1, rng.randint(2, 4)):
                projects.append(
                    KeyProject(
                        disclosure=d, order=order, name=f"{d.department.name}{PROJECTS[order]}",
                        amount=_money(rng, 50, 800), source=general,
                        functional_item=functional[codes[order]],
                    )
                )  # fmt: skip
            for kind, by in (("confidentiality", "保密审查员"), ("head_signoff", "主要负责人")):
                checks.append(
                    DisclosureCheck(
                        disclosure=d, kind=kind, conclusion="同意公开", checked_by=by,
                        checked_on=d.finance_approved_on + timedelta(days=2),
                    )
                )  # fmt: skip
            terms += [DisclosureTerm(disclosure=d, term=t, order=i) for i, t in enumerate(glossary)]
        for model, rows in (
            (ExpenditureLine, expenditure),
            (IncomeLine, income),
            (BasicExpenditureLine, basic),
            (OfficialExpenseLine, official),
            (ProcurementLine, procurement),
            (VehicleLine, vehicles),
            (KeyProject, projects),
            (DisclosureCheck, checks),
            (DisclosureTerm, terms),
        ):
            self._bulk(model, rows)

    def publish(self, ids):
        """Publish the versions `ids` as `workflow._freeze` does, `BATCH` at a time."""
        fields = [
            "status",
            "frozen",
            "published_at",
            "content_checksum",
            "published_body",
            "changes",
        ]
        for start in range(0, len(ids), BATCH):
            batch = list(
                Disclosure.objects.for_page()
                .select_related(pages.REGION_DEPTH)
                .filter(pk__in=ids[start : start + BATCH])
            )
            for d in batch:
                d.frozen = snapshots.live_snapshot(d)
                d.published_at = timezone.now()
                if d.supersedes_id:
                    old = Disclosure.objects.for_page().get(pk=d.supersedes_id)
                    d.changes = revisions.diff(
                        revisions.flatten(old, snapshots.snapshot_of(old)),
                        revisions.flatten(d, d.frozen),
                    )
                d.status = Disclosure.Status.PUBLISHED
                for checksum in workflow.checksums:
                    d.content_checksum = checksum(d)
                if not self.lazy_bodies:
                    html, failed = pages.render_body(d)
                    if failed:
                        raise BenchmarkRefused("说明模板无法显示，基准数据不能公开。")
                    d.published_body = str(html)
            Disclosure.objects.bulk_update(batch, fields)
            self._bulk(
                StatusChange,
                [
                    StatusChange(
                        disclosure=d, from_status="approved", to_status="published",
                        comment="基准数据",
                    )
                    for d in batch
                ],
            )  # fmt: skip
            self.log(f"  已公开 {min(start + BATCH, len(ids))}/{len(ids)}")

    def corrections(self):
        """A correction (revision 2) of the last year's version of every 25th department:
        a copy of its rows with one “三公” amount corrected."""
        originals = {
            d.pk: d
            for d in Disclosure.objects.filter(
                department__in=self.departments[::25], year=self.years[-1], revision=1
            )
        }
        copies = {}
        for pk, d in originals.items():
            copy = Disclosure.objects.get(pk=pk)
            copy.pk = copy.id = None
            copy._state.adding = True
            copy.revision, copy.supersedes_id = 2, pk
            copy.status = Disclosure.Status.DRAFT
            copy.correction_reason = "更正“三公”经费中公务接待费的数字。"
            copy.published_at = copy.frozen = copy.published_body = None
            copy.published_on = d.published_on + timedelta(days=30)
            copy.changes, copy.content_checksum = [], ""
            copies[pk] = copy
        self._bulk(Disclosure, list(copies.values()))
        for model in PARTS:
            rows = list(model.objects.filter(disclosure_id__in=originals))
            for row in rows:
                row.pk = row.id = None
                row._state.adding = True
                row.disclosure_id = copies[row.disclosure_id].pk
                if model is OfficialExpenseLine and row.item.name == "公务接待费":
                    row.amount += 1
            self._bulk(model, rows)
        return [c.pk for c in copies.values()]

    def run(self):
        started = time.monotonic()
        self.classification_lists()
        self.regions_and_departments()
        self.units()
        self.log(f"单位 {time.monotonic() - started:.1f} 秒")
        ids = self.disclosures()
        self.log(f"各行 {time.monotonic() - started:.1f} 秒")
        self.publish(ids)
        corrections = self.corrections()
        self.publish(corrections)
        self.counts["seconds"] = round(time.monotonic() - started, 1)
        return self.counts


def seed(
    *, departments=300, years=10, last_year=LIST_YEAR, lazy_bodies=False, open_data=True, log=print
):
    """Build the benchmark city; returns the number of rows written per model. Raises
    BenchmarkRefused on a database with real published disclosures or benchmark data.
    The open-data files are then written for the whole site, as `build_open_data` does (the
    workflow writes them after each publication commits); no PDFs are rendered (seconds each:
    a benchmark version's PDF link answers 404)."""
    reason = refusal()
    if reason:
        raise BenchmarkRefused(reason)
    with transaction.atomic():
        counts = City(
            departments=departments,
            years=years,
            last_year=last_year,
            lazy_bodies=lazy_bodies,
            log=log,
        ).run()
    page_cache.home_changed()  # bulk writes skip the signals that renew the home page
    if open_data:
        started = time.monotonic()
        store.build_all()
        counts["open_data_seconds"] = round(time.monotonic() - started, 1)
    return counts
