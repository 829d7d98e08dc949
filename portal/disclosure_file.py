"""Load a disclosure file (TOML, documented in portal/data/README.md) into the database.

One file holds one department's disclosure for one year: its region and narrative template,
its units with their duties, sections and staffing for that year, every figure and text of the
disclosure, and its glossary. Loading is all or nothing and idempotent: records are matched by
natural keys (names, codes, positions) and only rows that differ are written, so loading the
same file twice changes nothing.
"""

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budgets.models import (
    BasicExpenditureLine,
    CatalogueTable,
    Disclosure,
    EconomicItem,
    EquipmentLine,
    ExpenditureLine,
    FunctionalItem,
    IncomeLine,
    IncomeSource,
    IndicatorLevel,
    KeyProject,
    NarrativeTemplate,
    OfficialExpenseItem,
    OfficialExpenseLine,
    PerformanceTarget,
    ProcurementCategory,
    ProcurementLine,
    ProjectSubsection,
    ProjectWriteUp,
    PublishedDisclosureError,
    PublishedSentence,
    VehicleKind,
    VehicleLine,
)
from budgets.money import TEN_THOUSAND
from budgets.narrative_parts import BY_KEY, PARTS, all_parts
from budgets.rules import DEFAULT_RULE_SET
from budgets.workflow import record_publication
from glossary.models import DisclosureTerm, Term
from organizations.models import (
    Department,
    Duty,
    Region,
    Section,
    StaffingKind,
    StaffingQuota,
    Unit,
    UnitYear,
)

REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "yuzhong-government-office-2025.toml"


class DisclosureFileError(Exception):
    """The file cannot be loaded; the message says where and why, in Chinese."""


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    disclosure: Disclosure | None = None
    changes: list = field(default_factory=list)

    @property
    def changed(self):
        return self.created + self.updated + self.deleted

    def __str__(self):
        return f"新增{self.created}条，修改{self.updated}条，删除{self.deleted}条"


def choice_value(choices, label, where):
    """The stored value of a TextChoices label as written in the file ("本级" → own_office)."""
    if label in ("", None):
        return ""
    for value, text in choices.choices:
        if str(text) == label or value == label:
            return value
    allowed = "、".join(str(text) for _, text in choices.choices)
    raise DisclosureFileError(f"{where}：“{label}”无效，应为 {allowed} 之一。")


def money(value, where):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise DisclosureFileError(f"{where}：金额“{value}”不是数字。")
    amount = Decimal(value)
    if amount < 0:
        raise DisclosureFileError(f"{where}：金额不能为负数。")
    if amount != amount.quantize(Decimal("0.000001")):
        raise DisclosureFileError(f"{where}：金额最多精确到分（万元六位小数）。")
    return amount


def head_count(value, where):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DisclosureFileError(f"{where}：“{value}”应为不小于0的整数。")
    return value


def lookup(model, where, **kwargs):
    """The one record of `model` (a model, or a queryset to look in) matching `kwargs`."""
    queryset = model.objects.all() if isinstance(model, type) else model
    try:
        return queryset.get(**kwargs)
    except queryset.model.DoesNotExist:
        described = "、".join(str(v) for v in kwargs.values())
        raise DisclosureFileError(
            f"{where}：找不到{queryset.model._meta.verbose_name}“{described}”。"
        ) from None


class Loader:
    def __init__(self):
        self.report = LoadReport()
        self.unit = "万元"  # what the file's amounts are given in ([disclosure] amount_unit)

    def money(self, value, where):
        """An amount of the file in 万元, exact: a file in 元 is converted (÷ 10,000)."""
        amount = money(value, where)
        if amount is None or self.unit == "万元":
            return amount
        if amount != amount.quantize(Decimal("0.01")):
            raise DisclosureFileError(f"{where}：以元为单位的金额最多两位小数（精确到分）。")
        return amount / TEN_THOUSAND

    # -- generic writes that skip unchanged rows ---------------------------------------

    def save(self, obj, label):
        try:
            obj.full_clean(validate_unique=False)
        except ValidationError as error:
            messages = "；".join(f"{k}: {'、'.join(v)}" for k, v in error.message_dict.items())
            raise DisclosureFileError(f"{label}：{messages}") from None
        obj.save()

    def upsert(self, model, keys, values, label):
        """Create or update one record matched by `keys`; write only what differs."""
        obj = model.objects.filter(**keys).first()
        if obj is None:
            obj = model(**keys, **values)
            self.save(obj, label)
            self.report.created += 1
            self.report.changes.append(f"新增 {label}")
            return obj
        differs = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if differs:
            for name, value in differs.items():
                setattr(obj, name, value)
            self.save(obj, label)
            self.report.updated += 1
            self.report.changes.append(f"修改 {label}：{'、'.join(differs)}")
        return obj

    def sync(self, model, parent, key, rows, label):
        """Make the children of `parent` (a filter dict) exactly `rows` (dicts incl. `key`)."""
        wanted = set()
        for row in rows:
            keys = {**parent, **{k: row[k] for k in key}}
            values = {k: v for k, v in row.items() if k not in key}
            self.upsert(model, keys, values, f"{label} {'/'.join(str(row[k]) for k in key)}")
            wanted.add(tuple(row[k] if not hasattr(row[k], "pk") else row[k].pk for k in key))
        for obj in model.objects.filter(**parent):
            ident = tuple(
                getattr(obj, f"{k}_id", None) if hasattr(obj, f"{k}_id") else getattr(obj, k)
                for k in key
            )
            if ident not in wanted:
                obj.delete()
                self.report.deleted += 1
                self.report.changes.append(f"删除 {label} {obj}")

    # -- the file's sections --------------------------------------------------------------

    def load(self, data):
        region = self.load_region(data.get("region", {}))
        for template in data.get("templates", []):
            self.load_template(template)
        department = self.upsert(
            Department,
            {"region": region, "name": data["department"]["name"]},
            {
                "short_name": data["department"].get("short_name", ""),
                "code": data["department"].get("code", ""),
            },
            f"部门 {data['department']['name']}",
        )
        year = data["disclosure"]["year"]
        for order, unit in enumerate(data.get("units", []), start=1):
            self.load_unit(department, year, order, unit)
        disclosure = self.load_disclosure(department, data["disclosure"])
        self.load_glossary(disclosure, data.get("glossary", []))
        status = data["disclosure"].get("status", "草稿")
        if status not in ("草稿", "已公开"):
            raise DisclosureFileError(f"[disclosure] status：“{status}”无效，应为 草稿 或 已公开。")
        if status == "已公开" and not disclosure.is_published:
            disclosure = record_publication(disclosure=disclosure)
            self.report.updated += 1
            self.report.changes.append("登记为已公开")
        self.report.disclosure = disclosure
        return self.report

    def load_region(self, spec):
        parent = None
        for entry in spec.get("path", []):
            level = choice_value(
                Region.Level, entry.get("level", ""), f"地区“{entry['name']}”的 level"
            )
            parent = self.upsert(
                Region,
                {"parent": parent, "name": entry["name"]},
                {"level": level},
                f"地区 {entry['name']}",
            )
        if parent is None:
            raise DisclosureFileError("文件缺少 [region] path（地区层级）。")
        return parent

    def load_template(self, spec):
        region = lookup(Region, "模板的 region", name=spec["region"])
        kind = choice_value(Disclosure.Kind, spec.get("kind", "部门预算"), "模板的 kind")
        unit = choice_value(
            NarrativeTemplate.TableUnit, spec.get("table_unit", "万元"), "模板的 table_unit"
        )
        template = self.upsert(
            NarrativeTemplate,
            {"region": region, "kind": kind, "first_year": spec["first_year"]},
            {
                "name": spec["name"],
                "template_name": spec["file"],
                "table_unit": unit,
                "thousands_separator": spec.get("thousands_separator", True),
                "reason_threshold": spec.get("reason_threshold", 10),
                "reason_blocking": spec.get("reason_blocking", False),
                "rule_set": spec.get("rule_set", DEFAULT_RULE_SET),
                "parts": spec.get("parts", all_parts()),
                "text_checks_blocking": spec.get("text_checks_blocking", False),
            },
            f"模板 {spec['name']}",
        )
        entries = []
        for order, entry in enumerate(spec.get("tables", []), start=1):
            if "table" not in entry:
                raise DisclosureFileError(
                    f"模板“{spec['name']}”第{order}张表缺少 table（表格代码）。"
                )
            entries.append(
                {
                    "key": entry["table"],
                    "order": order,
                    "title": entry.get("title", ""),
                    "empty_note": entry.get("empty_note", ""),
                }
            )
        self.sync(
            CatalogueTable, {"template": template}, ["key"], entries, f"模板“{spec['name']}”的表格"
        )
        subsections = [
            {"name": name, "order": order}
            for order, name in enumerate(spec.get("project_subsections", []), start=1)
        ]
        self.sync(
            ProjectSubsection,
            {"template": template},
            ["name"],
            subsections,
            f"模板“{spec['name']}”的项目说明小节",
        )

    def load_unit(self, department, year, order, spec):
        where = f"单位“{spec['name']}”"
        unit = self.upsert(
            Unit,
            {"department": department, "name": spec["name"]},
            {
                "order": order,
                "relation": choice_value(
                    Unit.Relation, spec.get("relation", ""), f"{where}的 relation"
                ),
                "kind": choice_value(Unit.Kind, spec.get("kind", ""), f"{where}的 kind"),
                "funding": choice_value(
                    Unit.Funding, spec.get("funding", ""), f"{where}的 funding"
                ),
                "rank": spec.get("rank", ""),
                "merged_into_parent": spec.get("merged_into_parent", False),
            },
            where,
        )
        unit_year = self.upsert(
            UnitYear,
            {"unit": unit, "year": year},
            {"duties_preamble": spec.get("duties_preamble", "")},
            f"{where}{year}年",
        )
        parent = {"unit_year": unit_year}
        duties = [
            {"order": i, "text": text} for i, text in enumerate(spec.get("duties", []), start=1)
        ]
        self.sync(Duty, parent, ["order"], duties, f"{where}职责")
        sections = [
            {"order": i, "name": name} for i, name in enumerate(spec.get("sections", []), start=1)
        ]
        self.sync(Section, parent, ["order"], sections, f"{where}科室")
        staffing = []
        for name, count in spec.get("staffing", {}).items():
            kind = StaffingKind.objects.filter(name=name).first() or self.upsert(
                StaffingKind, {"name": name}, {"order": 0}, f"编制类型 {name}"
            )
            staffing.append({"kind": kind, "count": head_count(count, f"{where}的编制“{name}”")})
        self.sync(StaffingQuota, parent, ["kind"], staffing, f"{where}编制")

    @staticmethod
    def stated_none(keys, where):
        """The "none" flags of the parts the file states as none (`stated_none = ["procurement"]`)."""
        flags = {part.none_field: False for part in PARTS if part.none_field}
        for key in keys:
            part = BY_KEY.get(key)
            if part is None or not part.none_field:
                known = "、".join(f"{p.key}（{p.label}）" for p in PARTS if p.none_field)
                raise DisclosureFileError(f"{where} stated_none：“{key}”无效，可用：{known}。")
            flags[part.none_field] = True
        return flags

    def load_disclosure(self, department, spec):
        where = "[disclosure]"
        self.unit = spec.get("amount_unit", "万元")
        if self.unit not in ("万元", "元"):
            raise DisclosureFileError(f"{where} amount_unit：“{self.unit}”无效，应为 万元 或 元。")
        basic, project = spec.get("basic", {}), spec.get("project", {})
        operating, performance = spec.get("operating_cost", {}), spec.get("performance", {})
        vehicles = dict(spec.get("vehicles", {}))
        set_aside = spec.get("sme_set_aside", {})
        unit = (
            lookup(Unit, f"{where} unit", department=department, name=spec["unit"])
            if spec.get("unit")
            else None
        )
        keys = {
            "department": department,
            "unit": unit,
            "year": spec["year"],
            "kind": choice_value(Disclosure.Kind, spec.get("kind", "部门预算"), f"{where} kind"),
            "revision": 1,  # a file holds a document as first published
        }
        values = {
            "npc_approved_on": spec.get("npc_approved_on"),
            "finance_approved_on": spec.get("finance_approved_on"),
            "published_on": spec.get("published_on"),
            "index_number": spec.get("index_number", ""),
            "publisher": spec.get("publisher", ""),
            "contact_name": spec.get("contact_name", ""),
            "contact_phone": spec.get("contact_phone", ""),
            "income_change_reason": spec.get("income_change_reason", ""),
            "prior_basic": self.money(basic.get("prior"), "[disclosure.basic] prior"),
            "prior_project": self.money(project.get("prior"), "[disclosure.project] prior"),
            "basic_change_reason": basic.get("change_reason", ""),
            "basic_uses": basic.get("uses", ""),
            "project_change_reason": project.get("change_reason", ""),
            "official_expense_change_reason": spec.get("official_expense_change_reason", ""),
            "operating_cost": self.money(
                operating.get("amount"), "[disclosure.operating_cost] amount"
            ),
            "prior_operating_cost": self.money(
                operating.get("prior"), "[disclosure.operating_cost] prior"
            ),
            "operating_cost_change_reason": operating.get("change_reason", ""),
            "operating_cost_uses": operating.get("uses", ""),
            "performance_amount": self.money(
                performance.get("amount"), "[disclosure.performance] amount"
            ),
            "vehicles_counted_on": vehicles.pop("counted_on", None),
            "procurement_sme_amount": self.money(
                set_aside.get("amount"), "[disclosure.sme_set_aside] amount"
            ),
            "procurement_micro_amount": self.money(
                set_aside.get("micro"), "[disclosure.sme_set_aside] micro"
            ),
            **self.stated_none(spec.get("stated_none", []), where),
        }
        disclosure = self.upsert(Disclosure, keys, values, f"公开文件 {spec['year']}")
        parent = {"disclosure": disclosure}
        year = disclosure.year
        functional_items = FunctionalItem.objects.of_year(year, on=disclosure.finance_approved_on)

        income = [
            {
                "source": lookup(IncomeSource, "[disclosure.income]", name=name),
                "amount": self.money(line.get("amount"), f"收入“{name}”"),
                "prior_amount": self.money(line.get("prior"), f"收入“{name}”上年数"),
                "prior_execution": self.money(
                    line.get("prior_execution"), f"收入“{name}”上年执行数"
                ),
                "change_reason": line.get("change_reason", ""),
            }
            for name, line in spec.get("income", {}).items()
        ]
        self.sync(IncomeLine, parent, ["source"], income, "收入")

        expenditure = []
        for i, line in enumerate(spec.get("expenditure", []), start=1):
            at = f"第{i}条 [[disclosure.expenditure]]"
            code = line.get("code")
            expenditure.append(
                {
                    "source": lookup(IncomeSource, at, name=line.get("source", "一般公共预算拨款")),
                    "functional_item": lookup(functional_items, at, code=str(code))
                    if code
                    else None,
                    "basic": self.money(line.get("basic"), at),
                    "project": self.money(line.get("project"), at),
                    "total": self.money(line.get("total"), at),
                    "prior_amount": self.money(line.get("prior"), f"{at} prior"),
                    "prior_execution": self.money(
                        line.get("prior_execution"), f"{at} prior_execution"
                    ),
                    "purpose": line.get("purpose", ""),
                    "change_reason": line.get("change_reason", ""),
                }
            )
        self.sync(ExpenditureLine, parent, ["source", "functional_item"], expenditure, "支出")

        basic_lines = [
            {
                "economic_item": lookup(
                    EconomicItem, "[disclosure.basic_economic]", year=year, code=str(code)
                ),
                "amount": self.money(line.get("amount"), f"基本支出经济分类“{code}”"),
                "prior_amount": self.money(line.get("prior"), f"基本支出经济分类“{code}”上年数"),
            }
            for code, line in spec.get("basic_economic", {}).items()
        ]
        self.sync(BasicExpenditureLine, parent, ["economic_item"], basic_lines, "基本支出经济分类")

        entries = [
            e if isinstance(e, dict) else {"name": e} for e in project.get("key_projects", [])
        ]
        projects = []
        for i, entry in enumerate(entries, start=1):
            at = f"第{i}个重点项目"
            code, source = entry.get("code"), entry.get("source")
            projects.append(
                {
                    "order": i,
                    "name": entry["name"],
                    "amount": self.money(entry.get("amount"), at),
                    "source": lookup(IncomeSource, f"{at} source", name=source) if source else None,
                    "functional_item": lookup(functional_items, f"{at} code", code=str(code))
                    if code
                    else None,
                    "unit": lookup(Unit, f"{at} unit", department=department, name=entry["unit"])
                    if entry.get("unit")
                    else None,
                }
            )
        self.sync(KeyProject, parent, ["order"], projects, "重点项目")
        self.load_project_details(disclosure, entries)

        official = [
            {
                "item": lookup(OfficialExpenseItem, "[disclosure.official_expenses]", name=name),
                "amount": self.money(line.get("amount"), f"“三公”经费“{name}”"),
                "prior_amount": self.money(line.get("prior"), f"“三公”经费“{name}”上年数"),
                "change_reason": line.get("change_reason", ""),
            }
            for name, line in spec.get("official_expenses", {}).items()
        ]
        self.sync(OfficialExpenseLine, parent, ["item"], official, "“三公”经费")

        procurement = [
            {
                "source": lookup(IncomeSource, "[disclosure.procurement]", name=source),
                "category": lookup(ProcurementCategory, "[disclosure.procurement]", name=category),
                "amount": self.money(amount, f"政府采购“{source}·{category}”"),
            }
            for source, categories in spec.get("procurement", {}).items()
            for category, amount in categories.items()
        ]
        self.sync(ProcurementLine, parent, ["source", "category"], procurement, "政府采购")

        vehicle_lines = [
            {
                "kind": lookup(
                    VehicleKind.objects.of_year(year), "[disclosure.vehicles]", name=kind
                ),
                "held": head_count(line.get("held", 0), f"车辆“{kind}”held"),
                "planned": head_count(line.get("planned", 0), f"车辆“{kind}”planned"),
            }
            for kind, line in vehicles.items()
        ]
        self.sync(VehicleLine, parent, ["kind"], vehicle_lines, "车辆")

        equipment = []
        for i, line in enumerate(spec.get("equipment", []), start=1):
            at = f"第{i}条 [[disclosure.equipment]]"
            equipment.append(
                {
                    "order": i,
                    "category": line.get("category", "设备"),
                    # The document states the threshold in 万元 whatever its tables' unit.
                    "threshold": money(line.get("threshold_wan"), f"{at} threshold_wan"),
                    "count": head_count(line.get("count"), f"{at} count"),
                }
            )
        self.sync(EquipmentLine, parent, ["order"], equipment, "设备")

        wordings = [
            {"key": key, "text": text} for key, text in spec.get("published_wording", {}).items()
        ]
        self.sync(PublishedSentence, parent, ["key"], wordings, "原文措辞")
        return disclosure

    def load_project_details(self, disclosure, entries):
        """Each key project's write-up (subsections the region's template names) and its
        performance targets (二级 indicator as “一级 › 二级”)."""
        parent = {"disclosure": disclosure}
        region = disclosure.department.region
        template = NarrativeTemplate.for_body(
            region=region, year=disclosure.year, kind=disclosure.kind
        )
        subsections = ProjectSubsection.objects.filter(template=template)
        write_ups, targets = [], []
        for i, entry in enumerate(entries, start=1):
            project = KeyProject.objects.get(disclosure=disclosure, order=i)
            for name, text in entry.get("write_up", {}).items():
                where = f"第{i}个重点项目的 write_up（模板须在 project_subsections 中列出该小节）"
                subsection = lookup(subsections, where, name=name)
                write_ups.append({"project": project, "subsection": subsection, "text": text})
            for order, target in enumerate(entry.get("targets", []), start=1):
                where = f"第{i}个重点项目第{order}条绩效目标"
                first, _, second = str(target.get("indicator", "")).partition("›")
                indicator = lookup(
                    IndicatorLevel.objects.filter(parent__name=first.strip()),
                    f"{where} indicator（写作“一级 › 二级”）",
                    name=second.strip(),
                )
                operator = target.get("operator", "≥")
                if operator not in PerformanceTarget.Operator.values:
                    known = "、".join(PerformanceTarget.Operator.values)
                    raise DisclosureFileError(f"{where}：operator“{operator}”无效，应为 {known}。")
                targets.append(
                    {
                        "project": project,
                        "order": order,
                        "indicator": indicator,
                        "name": target["name"],
                        "operator": operator,
                        "value": str(target["value"]),
                        "unit": target.get("unit", ""),
                    }
                )
        self.sync(ProjectWriteUp, parent, ["project", "subsection"], write_ups, "项目说明")
        self.sync(PerformanceTarget, parent, ["project", "order"], targets, "绩效目标")

    def load_glossary(self, disclosure, entries):
        rows = []
        for order, entry in enumerate(entries, start=1):
            code = entry.get("code")
            item = (
                lookup(
                    FunctionalItem.objects.of_year(
                        disclosure.year, on=disclosure.finance_approved_on
                    ),
                    f"名词“{entry['term']}”的 code",
                    code=str(code),
                )
                if code
                else None
            )
            term = self.upsert(
                Term,
                {"name": entry["term"]},
                {
                    "definition": entry["definition"],
                    "functional_item": item,
                    "order": (int(code) if code else 0),
                },
                f"名词 {entry['term']}",
            )
            rows.append({"term": term, "order": order})
        self.sync(DisclosureTerm, {"disclosure": disclosure}, ["term"], rows, "名词解释")


def read_disclosure_file(path):
    """Parse a disclosure file; amounts come back as exact Decimals, never floats."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle, parse_float=Decimal)
    except FileNotFoundError:
        raise DisclosureFileError(f"找不到文件：{path}") from None
    except tomllib.TOMLDecodeError as error:
        raise DisclosureFileError(f"文件格式错误（TOML）：{error}") from None


def disclosure_exists(path):
    """Whether the disclosure a file describes (department, year, kind) is already stored."""
    data = read_disclosure_file(path)
    try:
        spec = data["disclosure"]
        kind = choice_value(Disclosure.Kind, spec.get("kind", "部门预算"), "[disclosure] kind")
        return Disclosure.objects.filter(
            revision=1,
            department__name=data["department"]["name"],
            department__region__name=data["region"]["path"][-1]["name"],
            unit__name=spec["unit"] if spec.get("unit") else None,
            year=spec["year"],
            kind=kind,
        ).exists()
    except KeyError as error:
        raise DisclosureFileError(f"文件缺少必填项：{error.args[0]}") from None


def load_disclosure_file(path=REFERENCE_FILE):
    """Load one disclosure file; all or nothing. Returns a LoadReport of what changed."""
    data = read_disclosure_file(path)
    try:
        with transaction.atomic():
            return Loader().load(data)
    except KeyError as error:
        raise DisclosureFileError(f"文件缺少必填项：{error.args[0]}") from None
    except IntegrityError as error:  # a rule only the database states; nothing was kept
        raise DisclosureFileError(f"数据不符合数据库约束：{error}") from None
    except PublishedDisclosureError:
        raise DisclosureFileError(
            "该公开文件已公开，文件中的内容与已公开版本不同；已公开的版本不能通过文件修改，请在后台发起更正。"
        ) from None
