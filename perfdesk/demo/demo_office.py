"""`perfdesk demo --office`: a city finance office (长治市财政局) with 36 units under six 主管部门, its
register of units, and one round sent down (declarations, July monitoring, project self-evaluation)
in which every state shows: approved, waiting for review, returned, answered in 一下, handed in late,
not handed in (overdue or with days left), and 空数据说明 — so the 报送情况 matrix is full at first look.

The forms are made with the plain demo's builders and walked through the review chain as the
office's copies; their histories are dated on the days the round ran, relative to today."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
from decimal import Decimal

from perfdesk.demo.demo_forms import _arranged, _details, declaration
from perfdesk.demo.demo_chain import walk
from perfdesk.domain.computed import fill_computed
from perfdesk.domain.document import headline_amount
from perfdesk.domain.lifecycle import Role, Status
from perfdesk.domain.registry import get_form
from perfdesk.domain.tasks import Deadline, OFFICE_SET, UnitEntry, profile_deadline
from perfdesk.domain.profiles import get_profile
from perfdesk.store import SETTING_ROLE, SETTING_UNIT_ID, Store
from perfdesk.store.office import OfficeStore, TaskRecord
from perfdesk.domain.form_kinds import DECLARATION, DEPT_SELF_EVALUATION, PROJECT_MONITORING, PROJECT_SELF_EVALUATION

OFFICE_UNIT = dict(name="长治市财政局", code="101001", supervisor_name="长治市财政局", supervisor_code="101",
                   region="长治市", level="市级", profile="changzhi")
ROUND_TITLE = "预算绩效管理报送"
KINDS = (DECLARATION, PROJECT_MONITORING, PROJECT_SELF_EVALUATION)

# 主管部门 → (code, units: (name, project, [(明细, 上年, 本年, 测算依据)]))
_DEPARTMENTS = [
    ("201", "长治市教育局", [
        ("长治市教育局机关", "教育信息化平台运维项目", [("平台运维服务", "42.00", "45.60", "按合同年费"), ("网络安全等级测评", "", "8.50", "询价")]),
        ("长治市第二中学", "理化生实验室改造项目", [("实验台及通风系统", "", "68.20", "12 间 × 5.68 万元"), ("实验仪器购置", "", "31.40", "按清单")]),
        ("长治市第一中学", "校舍维修改造项目", [("教学楼屋面防水维修", "45.00", "62.50", "3200 平方米 × 195 元"), ("外墙保温及粉刷", "30.00", "48.80", "5800 平方米 × 84.1 元")]),
        ("长治市第五中学", "学生宿舍改造项目", [("宿舍卫生间改造", "", "54.00", "120 间 × 0.45 万元"), ("消防设施更新", "", "16.80", "按设计预算")]),
        ("长治市实验小学", "课后服务保障项目", [("课后服务教师补助", "36.00", "38.40", "160 人 × 2400 元"), ("活动器材", "", "6.20", "按清单")]),
        ("长治市特殊教育学校", "康复训练设备购置项目", [("康复训练设备", "", "27.60", "按清单"), ("教具及辅具", "", "9.30", "按清单")]),
    ]),
    ("202", "长治市卫生健康委员会", [
        ("长治市卫生健康委员会机关", "全民健康信息平台建设项目", [("平台软件开发", "", "96.00", "按合同"), ("数据中心租赁", "24.00", "24.00", "按年租金")]),
        ("长治市人民医院", "急诊急救能力提升项目", [("急救设备购置", "", "186.50", "按清单"), ("急诊区改造", "", "72.30", "按设计预算")]),
        ("长治市中医医院", "中医药传承创新项目", [("名老中医工作室建设", "", "45.00", "5 个 × 9 万元"), ("中药制剂研发", "", "28.60", "按方案")]),
        ("长治市妇幼保健院", "孕产妇健康管理项目", [("免费孕前检查", "52.00", "55.80", "6200 人 × 90 元"), ("新生儿疾病筛查", "31.00", "33.75", "13500 人 × 25 元")]),
        ("长治市疾病预防控制中心", "重大传染病防控项目", [("检测试剂及耗材", "64.00", "70.40", "按上年用量"), ("流调及培训", "12.00", "13.20", "按方案")]),
        ("长治市中心血站", "血液安全保障项目", [("核酸检测试剂", "88.00", "92.80", "5.8 万人份 × 16 元"), ("采血车更新", "", "46.00", "1 辆")]),
    ]),
    ("203", "长治市农业农村局", [
        ("长治市农业农村局机关", "农村人居环境整治项目", [("村庄清洁行动补助", "120.00", "135.00", "45 个村 × 3 万元"), ("户厕改造", "", "86.40", "1800 户 × 480 元")]),
        ("长治市农业技术推广中心", "高素质农民培育项目", [("农民培训", "48.00", "52.50", "1500 人 × 350 元"), ("田间学校", "", "12.00", "6 所 × 2 万元")]),
        ("长治市动物疫病预防控制中心", "重大动物疫病强制免疫项目", [("疫苗采购", "96.00", "102.40", "按免疫计划"), ("免疫效果监测", "8.00", "9.60", "按方案")]),
        ("长治市农业机械发展中心", "农机安全监理项目", [("拖拉机年检补助", "", "14.40", "3600 台 × 40 元"), ("安全宣传", "", "3.60", "按方案")]),
        ("长治市种子站", "良种繁育基地建设项目", [("基地灌溉设施", "", "58.00", "按设计预算"), ("种子检验仪器", "", "21.50", "按清单")]),
        ("长治市植保植检站", "农作物病虫害防治项目", [("统防统治服务", "66.00", "72.00", "12 万亩 × 6 元"), ("监测点建设", "", "15.00", "10 个 × 1.5 万元")]),
    ]),
    ("204", "长治市交通运输局", [
        ("长治市交通运输局机关", "交通运输安全生产项目", [("隐患排查治理", "", "26.00", "按方案"), ("应急演练", "", "7.50", "按方案")]),
        ("长治市公路管理段", "国省道养护项目", [("路面病害处治", "380.00", "412.60", "18.6 公里"), ("桥梁检测", "", "36.00", "24 座 × 1.5 万元")]),
        ("长治市交通运输综合行政执法支队", "治超站运维项目", [("治超设备运维", "28.00", "29.40", "按合同"), ("执法车辆运行", "18.00", "18.00", "12 辆")]),
        ("长治市道路运输服务中心", "客运站安全提升项目", [("安检设备更新", "", "32.80", "按清单"), ("监控系统升级", "", "19.60", "按清单")]),
        ("长治市农村公路管理站", "农村公路安防工程项目", [("波形护栏", "", "128.00", "64 公里 × 2 万元"), ("警示标志", "", "22.40", "按清单")]),
        ("长治市公共交通服务中心", "城乡公交一体化项目", [("新能源公交购置补助", "", "240.00", "20 辆 × 12 万元"), ("候车亭建设", "", "36.00", "30 个 × 1.2 万元")]),
    ]),
    ("205", "长治市文化和旅游局", [
        ("长治市文化和旅游局机关", "文旅融合推广项目", [("线上推广", "40.00", "42.00", "按合同"), ("旅游节会", "", "58.00", "按方案")]),
        ("长治市图书馆", "公共图书馆免费开放项目", [("图书采购", "62.00", "66.50", "2.6 万册"), ("数字资源", "18.00", "19.80", "按合同")]),
        ("长治市博物馆", "馆藏文物保护修复项目", [("青铜器修复", "", "48.00", "32 件"), ("文物库房改造", "", "35.60", "按设计预算")]),
        ("长治市群众艺术馆", "群众文化活动项目", [("广场文化活动", "26.00", "28.40", "按方案"), ("非遗展演", "", "12.60", "按方案")]),
        ("长治市文物保护中心", "古建筑保护利用项目", [("古建筑抢险修缮", "", "156.00", "4 处"), ("保护规划编制", "", "24.00", "按合同")]),
        ("长治市上党梆子剧院", "戏曲进乡村项目", [("下乡演出补助", "45.00", "48.00", "240 场 × 2000 元"), ("舞台设备", "", "16.40", "按清单")]),
    ]),
    ("206", "长治市民政局", [
        ("长治市民政局机关", "社区治理能力提升项目", [("社区工作者培训", "", "18.60", "620 人 × 300 元"), ("示范社区创建", "", "30.00", "10 个 × 3 万元")]),
        ("长治市社会福利院", "特困人员供养项目", [("集中供养补助", "210.00", "224.40", "170 人 × 1.32 万元"), ("护理服务", "", "36.00", "按合同")]),
        ("长治市救助管理站", "流浪乞讨人员救助项目", [("生活救助", "24.00", "25.20", "按上年人次"), ("返乡交通", "6.00", "6.40", "按上年人次")]),
        ("长治市殡仪馆", "惠民殡葬项目", [("基本殡葬服务减免", "68.00", "72.80", "9100 例 × 80 元"), ("火化设备环保改造", "", "58.00", "按设计预算")]),
        ("长治市儿童福利院", "孤残儿童康复项目", [("康复训练", "32.00", "34.80", "58 人"), ("助学补助", "9.00", "9.60", "40 人 × 2400 元")]),
        ("长治市养老服务指导中心", "居家养老服务项目", [("助餐服务补贴", "", "64.00", "4000 人 × 160 元"), ("适老化改造", "", "42.00", "700 户 × 600 元")]),
    ]),
]
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈"
_GIVEN = ("建华", "丽娟", "海燕", "志强", "晓东", "秀英", "文斌", "红梅", "国庆", "敏", "静", "鹏飞")

# What becomes of each unit's three kinds, by its place in the list (a cycle of nine): the status of
# its declaration, monitoring and self-evaluation (None: not handed in; "empty": 空数据说明; "late":
# handed in after the deadline, still waiting for review).
_E = "empty"
_PATTERNS = [
    (Status.APPROVED, Status.APPROVED, Status.DEPT_REVIEW),
    (Status.APPROVED, "late", None),
    (Status.APPROVED, Status.RETURNED, None),
    (Status.PERF_REVIEW, None, None),
    ("late", None, None),
    (Status.RETURNED, None, None),
    (None, None, None),
    (Status.FEEDBACK, _E, _E),
    (Status.APPROVED, Status.PERF_REVIEW, Status.APPROVED),
]


def register_entries() -> list[UnitEntry]:
    entries, n = [], 0
    for sup_code, sup_name, members in _DEPARTMENTS:
        for i, (name, _, _) in enumerate(members, 1):
            code = f"{sup_code}{i:03d}"  # 长治市第一中学 is 201003, as in the plain demo
            contact = _SURNAMES[n % len(_SURNAMES)] + _GIVEN[n % len(_GIVEN)]
            entries.append(UnitEntry(code, name, sup_code, sup_name, contact, f"0355-{2021200 + 37 * n}"))
            n += 1
    return entries


def _projects() -> dict[str, tuple[str, list]]:
    return {name: (project, details) for _, _, members in _DEPARTMENTS for name, project, details in members}


def round_year(today: dt.date) -> int:
    """The year whose July monitoring is already due: this year from August, else last year."""
    return today.year if today >= dt.date(today.year, 8, 1) else today.year - 1


def load_office_demo(store: Store, today: dt.date | None = None) -> tuple[TaskRecord, int]:
    """The office, its register, its round and the units' forms; returns the round and the number of forms."""
    today = today or dt.date.today()
    year = round_year(today)
    office = OfficeStore(store)
    own = store.unit_by_code(OFFICE_UNIT["code"]) or store.add_unit(**OFFICE_UNIT)
    store.set_setting(SETTING_ROLE, Role.FINANCE)
    store.set_setting(SETTING_UNIT_ID, own.id)
    entries = register_entries()
    office.import_units(entries)
    profile = get_profile(OFFICE_UNIT["profile"])
    issued = dt.date(year, 3, 1)
    deadlines = {
        DECLARATION: Deadline(today - dt.timedelta(days=20), OFFICE_SET),
        PROJECT_MONITORING: profile_deadline(PROJECT_MONITORING, year, issued, profile),
        PROJECT_SELF_EVALUATION: Deadline(today + dt.timedelta(days=15), OFFICE_SET),
    }
    import uuid

    task = office.add_task(uid=str(uuid.uuid4()), year=year, title=ROUND_TITLE,
                           note="请各单位按期报送；无相关数据的，报送签名的空数据说明。", office_code=own.code,
                           office_name=own.name, issued_on=issued, deadlines=deadlines,
                           unit_codes=[e.code for e in entries])
    projects, count = _projects(), 0
    for n, entry in enumerate(entries):
        count += _unit_forms(store, office, task, entry, projects[entry.name], _PATTERNS[n % len(_PATTERNS)], n, today)
    count += _department_evaluations(store, task, today)
    return task, count


def _department_evaluations(store: Store, task: TaskRecord, today: dt.date) -> int:
    """Each 主管部门's 部门整体支出绩效自评表 (its 机关 hands it in), approved: grades 优 良 中 低 in turn, so the
    evaluation 汇总 lists departments below 良 and the 结果应用清单 their 公用经费 cut."""
    from perfdesk.demo.demo_round import _department

    form = get_form(DEPT_SELF_EVALUATION)
    day = min(task.due(PROJECT_SELF_EVALUATION) - dt.timedelta(days=5), today)
    for u, (sup_code, _, _) in enumerate(_DEPARTMENTS):
        unit = store.unit_by_code(f"{sup_code}001")
        profile = get_profile(unit.profile)
        doc = _department(form, unit, u, profile)
        basic = doc["funds_by_use"]["basic"]
        doc["funds_by_source"]["appropriation"].update(initial=basic["initial"], budget=basic["budget"],
                                                       executed=basic["executed"])
        for row in doc["indicators"]:
            if Decimal(row["actual"]) < Decimal(row["target"]):
                row["cause"] = "部分重点工作受上级政策调整影响推迟；已列入下年度工作计划并按季度调度。"
        doc.update(goal_expected="保障部门正常运转，完成年度重点工作任务，服务对象满意度不低于90%。",
                   goal_actual="完成年度重点工作任务，部门整体支出执行情况见各项指标。", fill_date=day.isoformat())
        fill_computed(form, doc, profile)
        record = store.create_form(unit_id=unit.id, form_id=form.id, form_version=form.version, year=task.year,
                                   title=f"{unit.name}部门整体支出绩效自评表（{task.year}年度）", data=doc,
                                   amount=headline_amount(form, doc))
        walk(store, record, unit, Status.APPROVED, day=day)
    return len(_DEPARTMENTS)


_QUANTITY = re.compile(r"^([\d.]+)\s*([^\s×]+)")  # "18.6 公里", "24 座 × 1.5 万元"


def _project_indicators(project: str, details: list, *, long_term: bool) -> list[dict]:
    """Indicators a unit would write for its own project: how much of each item (from its 测算依据),
    quality, time, cost, effect and satisfaction. The annual table states the year's figures."""
    def row(level1, level2, content, value, kind="定量"):
        return {"level1": level1, "level2": level2, "content": content, "value": value, "kind": kind, "note": ""}

    rows = []
    for name, _, _, basis in details:
        found = _QUANTITY.match(basis)
        if found:
            rows.append(row("产出指标", "数量指标", f"{name}完成量", f"≥{found[1]}{found[2]}"))
        else:
            rows.append(row("产出指标", "数量指标", f"{name}完成情况", "按计划全部完成", "定性"))
    rows += [
        row("产出指标", "质量指标", f"{details[0][0]}验收合格率", "100%"),
        row("产出指标", "时效指标", "资金支付及时率" if long_term else f"{details[-1][0]}按期完成率", "≥95%"),
        row("产出指标", "成本指标", f"{project}总成本控制在预算内", "≤100%"),
        row("效益指标", "社会效益指标", f"{project}服务对象覆盖率", "≥90%"),
        row("服务对象满意度指标", "具体指标", "服务对象满意度", "≥90%"),
    ]
    if long_term:
        rows.insert(-1, row("效益指标", "可持续影响指标", "长效管护机制建立情况", "健全", "定性"))
    return rows


def _unit_forms(store: Store, office: OfficeStore, task: TaskRecord, entry: UnitEntry, project, pattern, n: int,
                today: dt.date) -> int:
    spec = dict(name=entry.name, code=entry.code, supervisor_name=entry.supervisor_name,
                supervisor_code=entry.supervisor_code, region="长治市", level="市级", profile="changzhi")
    unit = store.unit_by_code(entry.code) or store.add_unit(**spec)
    title, details = project
    doc = declaration(spec, task.year, f"{task.year}年{title}", _details(details), (9, 12))
    # the project's own indicators, not the school's that the plain demo's declaration carries
    doc["long_term_indicators"] = _project_indicators(title, details, long_term=True)
    doc["annual_indicators"] = _project_indicators(title, details, long_term=False)
    doc.update(preparer=entry.contact, contact_phone=entry.phone)
    _split_sources(doc, n)
    made = 0
    decl_state, mon_state, self_state = pattern
    decl = None
    if decl_state is not None:
        decl = _make(store, office, task, unit, DECLARATION, doc, decl_state, n, today)
        made += 1
    for kind, state in ((PROJECT_MONITORING, mon_state), (PROJECT_SELF_EVALUATION, self_state)):
        if state == _E:
            _empty(office, task, entry, kind, n)
        elif state is not None and decl is not None:
            _make(store, office, task, unit, kind, doc, state, n, today, decl)
            made += 1
    return made


def _received(task: TaskRecord, kind: str, state, n: int, today: dt.date) -> dt.datetime:
    """When the office took the form in: a few days before its deadline, or after it when late."""
    due = task.due(kind)
    day = due + dt.timedelta(days=3 + n % 5) if state == "late" else due - dt.timedelta(days=2 + n % 9)
    day = min(day, today)
    return dt.datetime.combine(day, dt.time(9 + n % 7, 10 + n % 40), tzinfo=dt.timezone.utc)


def _make(store: Store, office: OfficeStore, task: TaskRecord, unit, kind: str, decl_doc: dict, state, n: int,
          today: dt.date, decl=None) -> int:
    status = Status.DEPT_REVIEW if state == "late" else state
    if kind == DECLARATION:
        form = get_form(kind)
        doc = copy.deepcopy(decl_doc)
        record = store.create_form(unit_id=unit.id, form_id=kind, form_version=form.version, year=task.year,
                                   title=doc["project_name"], data=doc, amount=headline_amount(form, doc))
    elif kind == PROJECT_MONITORING:
        from perfdesk.app.monitoring_operations import start_project_monitoring
        from perfdesk.app.operations import save_document

        record = start_project_monitoring(store, decl)
        doc = _monitoring(copy.deepcopy(record.data), n)
        save_document(store, record, doc)
        record = store.get_form(record.id)
    else:
        from perfdesk.app.tables_operations import start_project_self_evaluation

        record = start_project_self_evaluation(store, decl)
        _self_evaluation(store, record, n, decl_doc, _received(task, kind, state, n, today).date())
        record = store.get_form(record.id)
    day = _received(task, kind, state, n, today)
    finance = _arranged(decl_doc) if kind == DECLARATION else None  # 本年度实际安排资金: the declaration's only
    record = walk(store, record, unit, status, day=day.date(), finance=finance)
    office.date_receipts(record.id, day)
    return record.id


def _empty(office: OfficeStore, task: TaskRecord, entry: UnitEntry, kind: str, n: int) -> None:
    """A 空数据说明 as the office keeps it after importing the unit's signed package."""
    from perfdesk.package.task_packages import empty_uid

    due = task.due(kind)
    when = dt.datetime.combine(due - dt.timedelta(days=4 + n % 3), dt.time(10), tzinfo=dt.timezone.utc)
    reason = "本单位本年度该项目资金未下达，无监控数据可报。" if kind == PROJECT_MONITORING else "本单位本年度无项目支出，无需开展项目支出绩效自评。"
    uid = empty_uid(task.uid, entry.code, kind)
    fields = dict(uid=uid, task_uid=task.uid, unit_code=entry.code, unit_name=entry.name, form_id=kind, year=task.year,
                  reason=reason, contact=entry.contact, phone=entry.phone, version=1, signed_at=when,
                  received_at=when, signer_fingerprint=None)
    entry_row = dict(file_sha256=hashlib.sha256(f"demo:{uid}".encode()).hexdigest(), file_name="示例数据",
                     reason=f"{entry.name}空数据说明（示例）", kind="empty", unit_code=entry.code,
                     signer_name=entry.name, form_uid=uid, package_version=1, signed_at=when)
    office.receive_empty(fields, entry_row, keep_existing=False)


# --- figures that differ from unit to unit, so every 汇总 table has something to show ------------------

_CENT = Decimal("0.01")


def _split_sources(doc: dict, n: int) -> None:
    """Part of some projects' money from 政府性基金 or 其他收入 (the total asked stays the detail's sum)."""
    sources = doc["fund_sources"]
    total = Decimal(sources["appropriation"]["this_year"])
    funds = (total * Decimal("0.30")).quantize(_CENT) if n % 3 == 1 else Decimal(0)
    other = (total * Decimal("0.20")).quantize(_CENT) if n % 4 == 2 else Decimal(0)
    if funds:
        sources["government_funds"]["this_year"] = format(funds, "f")
    if other:
        sources["other_income"]["this_year"] = format(other, "f")
    sources["appropriation"]["this_year"] = format(total - funds - other, "f")


# 1-6月: (下达 share, 支出 share of what was issued, how the indicators stand) by n % 4 — on track, behind
# 序时进度 (a yellow warning), a target at risk, a target that cannot be met (a red warning, with measures).
_MONITORING = [("0.80", "0.70", "确定能"), ("0.60", "0.35", "确定能"), ("1.00", "0.55", "有可能"),
               ("0.70", "0.60", "完全不可能")]


def _monitoring(doc: dict, n: int) -> dict:
    issued_share, spent_share, possibility = (Decimal(v) if i < 2 else v for i, v in enumerate(_MONITORING[n % 4]))
    total = Decimal(0)
    for row in ("city", "other"):
        budget = doc["fund_sources"][row].get("budget")
        if not budget:
            continue
        issued = (Decimal(budget) * issued_share).quantize(_CENT)
        doc["fund_sources"][row].update(issued=format(issued, "f"),
                                        spent=format((issued * spent_share).quantize(_CENT), "f"))
        total += Decimal(budget)
    doc["fund_sources"]["total"]["forecast"] = format(total, "f")
    for row in doc["indicators"]:
        row.update(progress="按计划推进", forecast=row["target"], possibility="确定能")
    first = doc["indicators"][0]
    if spent_share < Decimal("0.5"):
        doc["spending_explanation"] = "项目招标延后，资金集中在第三季度支付；已督促实施单位按合同节点加快支付。"
    if possibility == "有可能":
        first.update(possibility="有可能", progress="完成约四成",
                     deviation_cause="主要设备到货推迟，下半年需加快进度。")
    elif possibility == "完全不可能":
        first.update(possibility="完全不可能", progress="完成约两成", forecast="约六成",
                     deviation_cause="项目选址调整，主体工程推迟至第三季度开工。",
                     note="调整实施计划，未完成部分列入下年度预算，第四季度集中推进。")
    return doc


# 自评: (share of each target reached, 执行率) by n % 4 — 优, 良, 中, 低 in turn.
_SELF = [(Decimal("1.00"), Decimal("0.98")), (Decimal("0.85"), Decimal("0.90")),
         (Decimal("0.68"), Decimal("0.75")), (Decimal("0.45"), Decimal("0.55"))]
_RATING = ["达成", "部分达成", "部分达成", "未达成"]


def _self_evaluation(store: Store, record, n: int, decl_doc: dict, day: dt.date) -> None:
    """The year's 实际完成值 and 全年执行数, as the unit fills them; the score follows by the rules."""
    from perfdesk.demo.demo_tables import _save

    doc = copy.deepcopy(record.data)
    share, rate = _SELF[n % 4]
    for row in doc["funds"].values():
        if isinstance(row, dict) and row.get("budget"):
            row["executed"] = format((Decimal(row["budget"]) * rate).quantize(_CENT), "f")
    for row in doc["indicators"]:
        target = row.get("target")
        if row.get("nature") == "定性":
            row["actual"] = f"{_RATING[n % 4]}：{'已按计划完成' if share == 1 else '部分完成'}"
        elif row.get("nature") == "≤" and target:
            row["actual"] = format((Decimal(target) / share).quantize(_CENT).normalize(), "f")
        elif target:
            row["actual"] = format((Decimal(target) * share).quantize(_CENT).normalize(), "f")
        if share < 1 or row.get("nature") == "定性":
            row["cause"] = "受项目实施进度影响，部分指标未完成；已纳入下年度整改。"
    doc.update(goal_actual="年度目标基本完成，具体见各项指标实际完成值。" if share >= Decimal("0.85")
               else "年度目标部分完成，差距及原因见各项指标。", fill_date=day.isoformat(),
               contact=decl_doc.get("preparer"), contact_phone=decl_doc.get("contact_phone"))
    _save(store, record, doc)
