"""Everything published as one Frictionless data package (datapackage.json + CSV files),
following Open Fiscal Data Package conventions where they fit."""

import csv
import io
from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse

from budgets.models import EconomicItem, FunctionalItem
from budgets.sanitize import safe_text
from budgets.tables import REGISTRY, SOURCE_COLUMN

from ..pages import REGION_DEPTH
from .tables import (
    PHASES,
    WAN,
    all_templates,
    amount_text,
    current_disclosures,
    disclosure_tables,
    published_disclosures,
)

# ---------------------------------------------------------------- the data package


def _field(name, type_, title, description="", column_type=None, **extra):
    field = {"name": name, "type": type_, "title": title, **extra}
    if description:
        field["description"] = description
    if column_type:  # Open Fiscal Data Package column type
        field["columnType"] = column_type
    return field


def _amount(name, title, description, column_type=None):
    return _field(
        name,
        "number",
        title,
        f"{description}单位：万元，精确到分（最多六位小数）。",
        column_type,
    )


_VALUE = "value"
_COMPARISON = [
    _amount("amount", "本年数", "本年度预算数。", _VALUE),
    _amount("prior_amount", "上年数", "上年度预算数，未知时为空。"),
    _amount("change", "增减", "本年数减上年数，减少为负数；上年未知时为空。"),
]
_FUNCTIONAL = "functional-classification:generic"
_ECONOMIC = "economic-classification:generic"

# The expenditure table by functional class, 类 › 款 › 项.
_FUNCTIONAL_FIELDS = [
    _field(
        "code",
        "string",
        "科目编码",
        "支出功能分类科目编码：类3位、款5位、项7位。",
        f"{_FUNCTIONAL}:code",
    ),
    _field("name", "string", "科目名称", column_type=f"{_FUNCTIONAL}:label"),
    _amount("amount", "合计", "基本支出与项目支出之和。", _VALUE),
    _amount("basic", "基本支出", "来源文件未区分时为空。"),
    _amount("project", "项目支出", "来源文件未区分时为空。"),
]
# 收支总表: income items beside expenditure items (a row may have only one side).
_TWO_SIDED = [
    _field("income_item", "string", "收入项目", column_type="fin-source:generic:label"),
    _amount("income", "收入预算数", "本年度收入预算数。"),
    _field("expenditure_item", "string", "支出项目"),
    _amount("expenditure", "支出预算数", "本年度支出预算数。"),
]
# A 财政拨款 expenditure table of one fund type: the expenditure table's fields and more.
_BY_FUND = [
    *_FUNCTIONAL_FIELDS,
    _amount("prior_amount", "上年预算数", "未知时为空。"),
    _amount("change", "增减", "本年数减上年数，减少为负数；上年未知时为空。"),
    _field(
        "change_percent", "number", "增减%", "增减占上年数的百分比，两位小数；上年为0或未知时为空。"
    ),
]

# Per resource: its title, its money direction (None: not money) and its own fields, whose
# names are the table's column keys (procurement and income-by-item are unpivoted: see UNPIVOTED).
RESOURCES = {
    "income": (
        "revenue",
        [
            _field("source", "string", "收入来源", column_type="fin-source:generic:label"),
            *_COMPARISON,
        ],
    ),
    "income-by-item": (
        "revenue",
        [
            *_FUNCTIONAL_FIELDS[:2],
            _field("source", "string", "收入来源", column_type="fin-source:generic:label"),
            _amount("amount", "金额", "该收入来源安排在该科目的预算数。", _VALUE),
        ],
    ),
    "expenditure": ("expenditure", _FUNCTIONAL_FIELDS),
    "basic-project": (
        "expenditure",
        [
            _field(
                "item",
                "string",
                "项目",
                "一般公共预算财政拨款支出及其基本支出、项目支出，政府性基金预算财政拨款支出。",
            ),
            *_COMPARISON,
        ],
    ),
    "basic-economic": (
        "expenditure",
        [
            _field(
                "code",
                "string",
                "科目编码",
                "部门预算支出经济分类科目编码：类3位、款5位。",
                f"{_ECONOMIC}:code",
            ),
            _field("name", "string", "科目名称", column_type=f"{_ECONOMIC}:label"),
            _amount("amount", "金额", "基本支出；“类”行为其下各款之和（row_level 为0）。", _VALUE),
            _amount("personnel", "人员经费", "301、303类的基本支出；其他类为空。"),
            _amount("public", "公用经费", "302、310类的基本支出；其他类为空。"),
        ],
    ),
    "official-expenses": (
        "expenditure",
        [_field("item", "string", "项目", "“三公”经费项目。"), *_COMPARISON],
    ),
    "official-expenses-operating": (
        "expenditure",
        [
            _field(
                "item",
                "string",
                "项目",
                "“三公”经费合计及其项目（row_level 1、2），机关运行经费（row_level 0）。",
            ),
            *_COMPARISON,
        ],
    ),
    "procurement": (
        "expenditure",
        [
            _field("source", "string", "资金来源", column_type="fin-source:generic:label"),
            _field(
                "category", "string", "品目类别", "货物、工程、服务等。", "expenditure-type:label"
            ),
            _amount("amount", "金额", "政府采购预算。", _VALUE),
        ],
    ),
    "vehicles": (
        None,
        [
            _field("kind", "string", "车辆类型"),
            _field(
                "held",
                "integer",
                "实有车辆（辆）",
                "统计截止日见 disclosures 的 vehicles_counted_on。",
            ),
            _field("planned", "integer", "本年拟购置（辆）"),
        ],
    ),
    "equipment": (
        None,
        [
            _field("category", "string", "设备类别", "按公开文本，如通用设备、专用设备。"),
            _field(
                "threshold",
                "string",
                "价值标准",
                "公开文本所写的单位价值标准，如“单位价值50万元以上”。",
            ),
            _field(
                "count",
                "integer",
                "数量（台/套）",
                "单位价值在标准以上的台（套）数；统计截止日见 disclosures 的 vehicles_counted_on。",
            ),
        ],
    ),
    "summary": (None, _TWO_SIDED),
    "appropriation-summary": (None, _TWO_SIDED),
    "general-budget": ("expenditure", _BY_FUND),
    "government-fund": ("expenditure", _BY_FUND),
    "state-capital": ("expenditure", _BY_FUND),
    "key-projects": (
        "expenditure",
        [
            _field("number", "integer", "序号"),
            _field("name", "string", "项目名称", column_type="activity:generic:project:label"),
            _amount("amount", "金额", "公开文本未列金额时为空。", _VALUE),
        ],
    ),
    "performance-targets": (
        "expenditure",
        [
            _field("project", "string", "项目名称", column_type="activity:generic:project:label"),
            _amount("amount", "项目金额", "只列在该项目第一条绩效目标的行上，其余行为空。"),
            _field("first", "string", "一级指标", "产出指标、效益指标、满意度指标等。"),
            _field("second", "string", "二级指标", "数量指标、质量指标、社会效益指标等。"),
            _field("name", "string", "三级指标"),
            _field(
                "target", "string", "指标值", "含指标性质和计量单位，如“≥300人次”；定性指标为文字。"
            ),
        ],
    ),
}

_DISCLOSURE_FIELDS = [
    _field(
        "disclosure_id", "integer", "公开文件编号", "门户中公开文件（版本）的编号，各表以此关联。"
    ),
    _field("url", "string", "公开页面地址"),
    _field("fiscal_year", "integer", "年度", column_type="date:fiscal-year"),
    _field(
        "kind",
        "string",
        "公开类型",
        "budget 部门预算；final 部门决算。",
        constraints={"enum": ["budget", "final"]},
    ),
    _field("phase", "string", "预算阶段", "approved 批复预算；executed 决算。", "phase:id"),
    _field(
        "region", "string", "地区", "由外到内，以 / 分隔，如 重庆市/渝中区。", "geo:generic:title"
    ),
    _field("department_id", "integer", "部门编号", "门户中的部门编号。"),
    _field(
        "department_code",
        "string",
        "部门编码",
        "财政部门使用的部门编码，可为空。",
        "administrative-classification:generic:level1:code",
    ),
    _field(
        "department",
        "string",
        "部门",
        column_type="administrative-classification:generic:level1:label",
    ),
    _field(
        "unit",
        "string",
        "单位",
        "单位预算的单位名称；部门预算为空。",
        "administrative-classification:generic:level2:label",
    ),
    _field("title", "string", "标题"),
    _field("publisher", "string", "发布机构"),
    _field("index_number", "string", "索引号"),
    _field("published_on", "date", "发布日期"),
    _field("finance_approved_on", "date", "财政批复日期"),
    _field("npc_approved_on", "date", "人大批准日期"),
    _field("vehicles_counted_on", "date", "国有资产（车辆、设备）统计截止日期"),
    _field(
        "procurement_sme_amount",
        "number",
        "面向中小企业预留（万元）",
        "政府采购预算中面向中小企业预留的金额；公开文本未列的为空。",
    ),
    _field(
        "procurement_sme_share",
        "number",
        "面向中小企业预留占比（%）",
        "面向中小企业预留金额占政府采购预算总额的百分比，两位小数，由数据计算。",
    ),
    _field(
        "procurement_micro_amount",
        "number",
        "其中面向小微企业预留（万元）",
        "公开文本未列的为空。",
    ),
    _field("contact_name", "string", "公开联系人"),
    _field("contact_phone", "string", "联系电话"),
    _field(
        "pdf_url", "string", "PDF 地址", "公开时生成的 PDF；没有 PDF 的版本为空。", format="uri"
    ),
    _field("pdf_sha256", "string", "PDF 的 SHA-256", "十六进制；可用来核对下载的 PDF。"),
]

_KEY_FIELDS = [
    _field("disclosure_id", "integer", "公开文件编号", "见 disclosures。"),
    _field("fiscal_year", "integer", "年度", column_type="date:fiscal-year"),
    _field(
        "department_code",
        "string",
        "部门编码",
        column_type="administrative-classification:generic:level1:code",
    ),
    _field(
        "department",
        "string",
        "部门",
        column_type="administrative-classification:generic:level1:label",
    ),
    _field(
        "unit",
        "string",
        "单位",
        "单位预算的单位名称；部门预算为空。",
        "administrative-classification:generic:level2:label",
    ),
]
_MONEY_FIELDS = [
    _field(
        "direction",
        "string",
        "收支方向",
        "revenue 收入；expenditure 支出。",
        "direction",
        constraints={"enum": ["revenue", "expenditure"]},
    ),
    _field("phase", "string", "预算阶段", "approved 批复预算；executed 决算。", "phase:id"),
    _field(
        "currency",
        "string",
        "币种",
        column_type="value-currency:code",
        constraints={"enum": ["CNY"]},
    ),
    _field("amount_unit", "string", "金额单位", constraints={"enum": [WAN]}),
]
_LEVEL_FIELD = _field(
    "row_level",
    "integer",
    "行层级",
    "0 为顶层行（各顶层行相加等于表的合计）；1、2 为上一层行的组成部分"
    "（支出功能分类中 0、1、2 即类、款、项）。合计行不在数据包中。",
    constraints={"minimum": 0, "maximum": 2},
)
_NOTE_FIELDS = [
    _field("disclosure_id", "integer", "公开文件编号", "见 disclosures。"),
    _field("table", "string", "表", "表的代码，即数据包中资源的名称。"),
    _field("title", "string", "表名"),
    _field(
        "note", "string", "说明", "“本表无数据：…”为空表的原因；“说明：…”为表中数据不完整之处。"
    ),
]


def _fields_of(name):
    direction, own = RESOURCES[name]
    return [*_KEY_FIELDS, *(_MONEY_FIELDS if direction else []), _LEVEL_FIELD, *own]


def _resource(name, title, fields, description, primary_key=None):
    schema = {"fields": fields, "missingValues": [""]}
    if primary_key:
        schema["primaryKey"] = [primary_key]
    else:
        schema["foreignKeys"] = [
            {
                "fields": ["disclosure_id"],
                "reference": {"resource": "disclosures", "fields": ["disclosure_id"]},
            }
        ]
    return {
        "name": name,
        "path": f"{name}.csv",
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "profile": "tabular-data-resource",
        "schema": schema,
    }


PACKAGE_RESOURCES = ["disclosures", *RESOURCES, "table-notes"]
# Tables with one column per category or source: (column key prefix, the record's field).
UNPIVOTED = {"procurement": ("category:", "category"), "income-by-item": (SOURCE_COLUMN, "source")}


def _title(name):
    """A table's title in the package (which spans regions): its common national title."""
    return REGISTRY[name].title


def datapackage_descriptor():
    """datapackage.json: every published disclosure, all departments and years, as CSV
    resources (Frictionless Data Package, Open Fiscal Data Package column types)."""
    resources = [
        _resource(
            "disclosures",
            "公开文件",
            _DISCLOSURE_FIELDS,
            "每份已公开的公开文件一行。",
            "disclosure_id",
        )
    ]
    for name in RESOURCES:
        resources.append(
            _resource(
                name,
                _title(name),
                _fields_of(name),
                f"各公开文件的{_title(name)}的各行（不含合计行）。",
            )
        )
    resources.append(
        _resource("table-notes", "表格说明", _NOTE_FIELDS, "空表的原因和表中数据不完整之处的说明。")
    )
    return {
        "name": "department-budget-disclosures",
        "title": f"{settings.PORTAL_NAME}：部门预算公开数据",
        "description": (
            "各部门、各年度已公开的部门预算公开表格。金额单位万元，精确到分；币种人民币（CNY）。"
            "字段的 columnType 按 Open Fiscal Data Package 的预算分类法标注。"
            "以 = + - @、制表符或回车开头的文字前加了一个英文单引号，以免电子表格把它当作公式。"
        ),
        "profile": "tabular-data-package",
        "countryCode": "CN",
        "licenses": [
            {
                "name": settings.OPEN_DATA_LICENSE,
                "title": settings.OPEN_DATA_LICENSE_TITLE,
                "path": settings.OPEN_DATA_LICENSE_URL,
            }
        ],
        "resources": resources,
    }


# The order of the package's rows: newest year first, then as the home page lists bodies.
PACKAGE_ORDER = (
    "-year",
    "department__region__order",
    "department__order",
    "department__name",
    "unit__order",
    "pk",
)


def package_disclosures(pks=None):
    """All published disclosures (or those of `pks`) with everything their tables read, in a
    fixed number of queries however many there are."""
    queryset = current_disclosures() if pks is None else published_disclosures().filter(pk__in=pks)
    disclosures = list(queryset.for_page().select_related(REGION_DEPTH).order_by(*PACKAGE_ORDER))
    # Each disclosure's figures would fetch the names of its 类/款 roll-up codes with a query
    # of its own: fetch them for all at once and hand each its share.
    # Versions that froze their names at publication show those; the rest read the lists.
    live = [d for d in disclosures if not d.figures.names_frozen]
    wanted = {(d.year, code) for d in live for code in d.figures.functional_parent_codes}
    names = {}
    if wanted:
        items = FunctionalItem.objects.filter(
            year__in={year for year, _ in wanted}, code__in={code for _, code in wanted}
        )
        names = {(item.year, item.code): item.name for item in items}
    for d in live:
        codes = d.figures.functional_parent_codes
        d.figures.item_names = {c: names[(d.year, c)] for c in codes if (d.year, c) in names}
    # The same for the 类 names of the basic expenditure by economic class.
    economic = {
        (d.year, line.economic_item.code[:3]) for d in disclosures for line in d.figures.basic_lines
    }
    classes = {}
    if economic:
        items = EconomicItem.objects.filter(
            year__in={year for year, _ in economic}, code__in={code for _, code in economic}
        )
        classes = {(item.year, item.code): item.name for item in items}
    for d in disclosures:
        d.figures.economic_names = {
            code: name for (year, code), name in classes.items() if year == d.year
        }
    return disclosures


def _disclosure_record(d, page_url):
    return {
        "disclosure_id": d.pk,
        "url": page_url,
        "fiscal_year": d.year,
        "kind": d.kind,
        "phase": PHASES[d.kind],
        "region": "/".join(region.name for region in d.department.region.lineage()),
        "department_id": d.department_id,
        "department_code": d.department.code,
        "department": d.department.name,
        "unit": d.unit.name if d.unit_id else "",
        "title": d.title,
        "publisher": d.publisher or d.body_name,
        "index_number": d.index_number,
        "published_on": d.published_on,
        "finance_approved_on": d.finance_approved_on,
        "npc_approved_on": d.npc_approved_on,
        "vehicles_counted_on": d.vehicles_counted_on,
        **_set_aside_record(d.figures.procurement_set_aside),
        "contact_name": d.contact_name,
        "contact_phone": d.contact_phone,
        "pdf_url": urljoin(page_url, reverse("portal:disclosure_pdf", args=[d.pk]))
        if d.pdf_checksum
        else "",
        "pdf_sha256": d.pdf_checksum or "",
    }


def _set_aside_record(set_aside):
    if set_aside is None:
        return dict.fromkeys(
            ("procurement_sme_amount", "procurement_sme_share", "procurement_micro_amount")
        )
    return {
        "procurement_sme_amount": set_aside.amount,
        "procurement_sme_share": set_aside.share,
        "procurement_micro_amount": set_aside.micro,
    }


def _table_records(d, table):
    """The rows of one table as data-package records (procurement: one per category)."""
    direction, _ = RESOURCES[table.key]
    key = {
        "disclosure_id": d.pk,
        "fiscal_year": d.year,
        "department_code": d.department.code,
        "department": d.department.name,
        "unit": d.unit.name if d.unit_id else "",
    }
    if direction:
        key |= {
            "direction": direction,
            "phase": PHASES[d.kind],
            "currency": "CNY",
            "amount_unit": WAN,
        }
    unpivoted = UNPIVOTED.get(table.key)
    for row in table.rows:
        values = table.values(row)
        if unpivoted:  # one record per amount column: its title under `field`
            prefix, field = unpivoted
            label = {k: v for k, v in values.items() if k != "amount" and not k.startswith(prefix)}
            for column in table.columns:
                if column.key.startswith(prefix):
                    yield (
                        key
                        | {"row_level": row.level}
                        | label
                        | {
                            field: column.title,
                            "amount": values[column.key],
                        }
                    )
        else:
            yield key | {"row_level": row.level} | values


def disclosure_records(d, page_url, tables):
    """{resource name: [record, …]} of one disclosure whose `tables` are built."""
    records = {name: [] for name in PACKAGE_RESOURCES}
    records["disclosures"].append(_disclosure_record(d, page_url))
    for table in tables:
        records[table.key].extend(_table_records(d, table))
        if table.note:
            records["table-notes"].append(
                {
                    "disclosure_id": d.pk,
                    "table": table.key,
                    "title": table.title,
                    "note": table.note,
                }
            )
    return records


def package_records(disclosures, page_url):
    """{resource name: [record, …]} for all `disclosures`; `page_url(d)` gives a page URL."""
    records = {name: [] for name in PACKAGE_RESOURCES}
    templates = all_templates()
    for d in disclosures:
        for name, rows in disclosure_records(
            d, page_url(d), disclosure_tables(d, templates)
        ).items():
            records[name].extend(rows)
    return records


def package_fields(name):
    """The descriptor's fields of one resource."""
    return next(
        r["schema"]["fields"] for r in datapackage_descriptor()["resources"] if r["name"] == name
    )


def package_header(name):
    """The header line of one resource's CSV (its field names), as bytes."""
    return _csv_lines([[field["name"] for field in package_fields(name)]])


def package_rows(name, records, fields=None):
    """The data lines of one resource's CSV for `records`, as bytes (no header): the CSV of a
    resource is its header followed by the rows of each disclosure, so a disclosure's rows
    can be written once and concatenated (portal/opendata/store.py)."""
    fields = fields or package_fields(name)
    return _csv_lines(
        [_package_value(field, record.get(field["name"])) for field in fields] for record in records
    )


def _csv_lines(rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def render_package_csv(name, records):
    """One data-package resource as CSV for machines: plain UTF-8 (no byte-order mark),
    CRLF lines, the descriptor's field names as header; text cells sanitised."""
    return package_header(name) + package_rows(name, records)


def _package_value(field, value):
    if value is None:
        return ""
    if field["type"] == "number":
        return amount_text(value)
    if field["type"] == "integer":
        return str(int(value))
    if field["type"] == "date":
        return value.isoformat()
    return safe_text(value)
