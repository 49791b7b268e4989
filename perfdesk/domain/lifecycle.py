"""A form's life between the unit and the finance office: every status, every allowed move, who may
take it and what it records — one table that the store, the packages, the CLI and the GUI all ask.

The chain is 长治 2014 第十一、十二、十五条 (seed 002): a unit's goals are signed by its 主管部门 before they
reach the finance office (第十一条（二）); there the 业务科室 (预算管理科) reviews and, in the “二上” round,
the 预算绩效管理科 after it (第十二条); the “一上” round is reviewed by the 业务科室 alone and answered in
“一下”; approved goals change only by the same chain (第十五条: 申请调整, reviewed as “二上”).

Each installation keeps its own copy of a form, so a status says where the form is as this copy
knows it: at the unit, 已报送 means “sent up, no answer yet”. Statuses are stored as their codes
(Status.value); the Chinese labels are for people.
"""

from __future__ import annotations

from perfdesk.errors import UserError
from perfdesk.domain.form_kinds import DECLARATION

from dataclasses import dataclass
from enum import Enum


class Status(str, Enum):
    DRAFT = "draft"
    CHECKED = "checked"
    SUBMITTED = "submitted"
    SUPERVISOR_REVIEW = "supervisor_review"
    DEPT_REVIEW = "dept_review"
    PERF_REVIEW = "perf_review"
    RETURNED = "returned"
    FEEDBACK = "feedback"
    APPROVED = "approved"
    ADJUSTING = "adjusting"
    VOID = "void"

    @property
    def label(self) -> str:
        return _INFO[self].label

    @property
    def waits_at(self) -> str:
        """Who holds the form now, as this copy knows it (单位, 主管部门, 业务科室 …)."""
        return _INFO[self].waits_at

    @property
    def display(self) -> str:
        """The label with the level it waits at, where the label alone does not say it."""
        info = _INFO[self]
        return f"{info.label}（{info.waits_at}）" if info.show_level else info.label

    @property
    def editable(self) -> bool:
        return self in EDITABLE

    @property
    def handed_in(self) -> bool:
        """Handed in or settled: a deadline no longer runs."""
        return self in HANDED_IN


class Actor(str, Enum):
    """Who takes a move: the unit, its 主管部门, or a review level of the finance office."""

    UNIT = "unit"
    SUPERVISOR = "supervisor"
    FINANCE_DEPT = "finance_dept"
    PERF_MGMT = "perf_mgmt"

    @property
    def label(self) -> str:
        return ACTOR_LABELS[self]


ACTOR_LABELS = {Actor.UNIT: "预算单位", Actor.SUPERVISOR: "主管部门", Actor.FINANCE_DEPT: "财政局业务科室",
                Actor.PERF_MGMT: "预算绩效管理科"}


class Role(str, Enum):
    """What kind of installation this is (the “role” setting): which actors its users are."""

    UNIT = "unit"
    SUPERVISOR = "supervisor"
    FINANCE = "finance"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def actors(self) -> frozenset[Actor]:
        return ROLE_ACTORS[self]

    @property
    def fills_finance_cells(self) -> bool:
        """Whether the finance-only cells (审核意见 of the office, 本年度实际安排资金) are this role's."""
        return self is Role.FINANCE


ROLE_LABELS = {Role.UNIT: "预算单位", Role.SUPERVISOR: "主管部门", Role.FINANCE: "财政部门"}
# A 主管部门 fills its own forms as a unit too; one finance installation may hold both review levels.
ROLE_ACTORS = {Role.UNIT: frozenset({Actor.UNIT}), Role.SUPERVISOR: frozenset({Actor.SUPERVISOR, Actor.UNIT}),
               Role.FINANCE: frozenset({Actor.FINANCE_DEPT, Actor.PERF_MGMT})}


def role_of(value) -> Role:
    """The role a stored setting names; a missing or unknown one means a budget unit."""
    try:
        return Role(value)
    except ValueError:
        return Role.UNIT


class Round(str, Enum):
    """The budget rounds of 第十二条: a submission goes up in 一上/二上 (or as an adjustment, 调整)
    and is answered in 一下/二下. Forms outside budget preparation travel in one round (报送)."""

    FIRST = "一上"
    SECOND = "二上"
    ADJUST = "调整"
    SINGLE = "报送"

    @property
    def answer(self) -> str:
        return {Round.FIRST: "一下", Round.SECOND: "二下", Round.ADJUST: "调整批复", Round.SINGLE: "审核结果"}[self]


# Forms reviewed in the rounds of budget preparation; the others go up once per version.
ROUND_KINDS = frozenset({DECLARATION})


def submission_round(kind: str, status: Status, submitted_before: bool) -> Round:
    """The round a submission from `status` goes up in."""
    if kind not in ROUND_KINDS:
        return Round.SINGLE
    if status is Status.ADJUSTING:
        return Round.ADJUST
    return Round.SECOND if submitted_before else Round.FIRST


class Action(str, Enum):
    CHECK = "check"
    UNCHECK = "uncheck"
    SUBMIT = "submit"
    RECEIVE = "receive"
    FORWARD = "forward"
    APPROVE = "approve"
    RETURN = "return"
    RESULT = "result"
    RELAY = "relay"
    REQUEST_ADJUSTMENT = "request_adjustment"
    CANCEL_ADJUSTMENT = "cancel_adjustment"
    VOID = "void"
    EXPORT = "export"
    MIGRATE = "migrate"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.CHECK: "校验通过", Action.UNCHECK: "校验未通过", Action.SUBMIT: "报送", Action.RECEIVE: "收到报送",
    Action.FORWARD: "审核通过并转报财政部门", Action.APPROVE: "审核通过", Action.RETURN: "退回修改",
    Action.RESULT: "收到审核结果", Action.RELAY: "转发审核结果", Action.REQUEST_ADJUSTMENT: "申请调整",
    Action.CANCEL_ADJUSTMENT: "撤回调整申请", Action.VOID: "作废", Action.EXPORT: "导出打印",
    Action.MIGRATE: "升级数据库",
}


@dataclass(frozen=True)
class Move:
    """One allowed move: `action` takes a form from `source` to `target`, taken by `actor`
    (None: whoever edits the form). `rounds` limits it to those rounds (None: any round)."""

    action: Action
    source: Status | None  # None: a copy that does not exist here yet
    target: Status
    actor: Actor | None
    rounds: frozenset[Round] | None = None
    recorded: bool = True  # kept in the form's history (the automatic check moves are not)


@dataclass(frozen=True)
class _Info:
    label: str
    waits_at: str
    show_level: bool = False


_INFO = {
    Status.DRAFT: _Info("草稿", "单位"),
    Status.CHECKED: _Info("已校验", "单位"),
    Status.SUBMITTED: _Info("已报送", "上级"),
    Status.SUPERVISOR_REVIEW: _Info("主管部门审核中", "主管部门"),
    Status.DEPT_REVIEW: _Info("财政审核中", "业务科室", show_level=True),
    Status.PERF_REVIEW: _Info("财政审核中", "预算绩效管理科", show_level=True),
    Status.RETURNED: _Info("已退回（待修改）", "单位"),
    Status.FEEDBACK: _Info("一下已反馈（待二上）", "单位"),
    Status.APPROVED: _Info("审核通过", "—"),
    Status.ADJUSTING: _Info("申请调整中", "单位"),
    Status.VOID: _Info("已作废", "—"),
}

# The unit may change the document only here; everywhere else the form is frozen.
EDITABLE = frozenset({Status.DRAFT, Status.CHECKED, Status.RETURNED, Status.FEEDBACK, Status.ADJUSTING})
HANDED_IN = frozenset({Status.SUBMITTED, Status.SUPERVISOR_REVIEW, Status.DEPT_REVIEW, Status.PERF_REVIEW,
                       Status.APPROVED, Status.VOID})
# Where a form is under review at this installation: the 审核 dialog acts on these.
IN_REVIEW = {Status.SUPERVISOR_REVIEW: Actor.SUPERVISOR, Status.DEPT_REVIEW: Actor.FINANCE_DEPT,
             Status.PERF_REVIEW: Actor.PERF_MGMT}
# A budget that is being drawn up, not yet a budget (monitoring and the department table skip these).
NOT_YET_BUDGET = frozenset({Status.DRAFT, Status.RETURNED, Status.VOID})

_SENDABLE = (Status.CHECKED, Status.RETURNED, Status.FEEDBACK, Status.ADJUSTING)
_ANY_COPY = (None, *Status)
_NOT_FIRST = frozenset({Round.SECOND, Round.ADJUST, Round.SINGLE})

MOVES: tuple[Move, ...] = (
    Move(Action.CHECK, Status.DRAFT, Status.CHECKED, None, recorded=False),
    Move(Action.UNCHECK, Status.CHECKED, Status.DRAFT, None, recorded=False),
    *(Move(Action.SUBMIT, s, Status.SUBMITTED, Actor.UNIT) for s in _SENDABLE),
    # A newer version supersedes whatever this copy was (the importer checks that it is newer).
    *(Move(Action.RECEIVE, s, Status.SUPERVISOR_REVIEW, Actor.SUPERVISOR) for s in _ANY_COPY),
    *(Move(Action.RECEIVE, s, Status.DEPT_REVIEW, Actor.FINANCE_DEPT) for s in _ANY_COPY),
    Move(Action.FORWARD, Status.SUPERVISOR_REVIEW, Status.DEPT_REVIEW, Actor.SUPERVISOR),
    Move(Action.APPROVE, Status.DEPT_REVIEW, Status.FEEDBACK, Actor.FINANCE_DEPT, frozenset({Round.FIRST})),
    Move(Action.APPROVE, Status.DEPT_REVIEW, Status.PERF_REVIEW, Actor.FINANCE_DEPT, _NOT_FIRST),
    Move(Action.APPROVE, Status.PERF_REVIEW, Status.APPROVED, Actor.PERF_MGMT),
    Move(Action.RETURN, Status.SUPERVISOR_REVIEW, Status.RETURNED, Actor.SUPERVISOR),
    Move(Action.RETURN, Status.DEPT_REVIEW, Status.RETURNED, Actor.FINANCE_DEPT),
    Move(Action.RETURN, Status.PERF_REVIEW, Status.RETURNED, Actor.PERF_MGMT),
    # The answer arriving where the form was sent from: at the unit, or at the 主管部门 that forwarded it;
    # a later answer to the same version (the office correcting itself) replaces an earlier one.
    *(Move(Action.RESULT, s, t, a) for s in (Status.SUBMITTED, Status.DEPT_REVIEW, Status.PERF_REVIEW,
                                             Status.RETURNED, Status.FEEDBACK, Status.APPROVED)
      for t, a in ((Status.RETURNED, Actor.SUPERVISOR), (Status.RETURNED, Actor.FINANCE_DEPT),
                   (Status.RETURNED, Actor.PERF_MGMT), (Status.FEEDBACK, Actor.FINANCE_DEPT),
                   (Status.APPROVED, Actor.PERF_MGMT))),
    *(Move(Action.RELAY, s, s, Actor.SUPERVISOR) for s in (Status.RETURNED, Status.FEEDBACK, Status.APPROVED)),
    Move(Action.REQUEST_ADJUSTMENT, Status.APPROVED, Status.ADJUSTING, Actor.UNIT),
    Move(Action.CANCEL_ADJUSTMENT, Status.ADJUSTING, Status.APPROVED, Actor.UNIT),
    *(Move(Action.VOID, s, Status.VOID, Actor.UNIT) for s in (Status.DRAFT, Status.CHECKED, Status.RETURNED,
                                                             Status.FEEDBACK)),
)


class TransitionRefused(UserError):
    """A move the lifecycle does not allow; the message says what to do instead."""


# What to do instead, by the status the form is in (for a move or an edit that is refused).
_INSTEAD = {
    Status.DRAFT: "表单还有错误：请先改正并保存，校验通过后（状态为“已校验”）再报送。",
    Status.CHECKED: "表单已校验，可以生成报送数据包报送上级。",
    Status.SUBMITTED: "表单已报送，正在等待上级审核，不能修改；如需修改，请等上级退回后再改。",
    Status.SUPERVISOR_REVIEW: "表单在主管部门审核中：请在“审核”中审核通过并转报财政部门，或退回单位修改。",
    Status.DEPT_REVIEW: "表单在财政局业务科室审核中：请在“审核”中审核通过或退回修改。",
    Status.PERF_REVIEW: "表单在预算绩效管理科审核中：请在“审核”中审核通过或退回修改。",
    Status.RETURNED: "表单已退回：请按审核意见修改，校验通过后重新报送。",
    Status.FEEDBACK: "“一下”审核意见已反馈：请按意见修改，在“二上”时重新报送。",
    Status.APPROVED: "表单已审核通过，不能直接修改；确需调整的，请先“申请调整”（perfdesk adjust ID），"
                     "调整后的表单须重新报送审核。",
    Status.ADJUSTING: "表单正在申请调整：修改后重新报送审核，或撤回调整申请。",
    Status.VOID: "表单已作废，不能再修改或报送；如仍需要，请复制为新表单。",
}


def instead(status: Status) -> str:
    return _INSTEAD[status]


def find_move(action: Action, source: Status | None, *, actor: Actor | None = None, round: Round | None = None,
              target: Status | None = None) -> Move:
    """The move `action` from `source` by `actor` (in `round`, to `target` where several are
    allowed), or TransitionRefused saying why not and what to do instead."""
    for move in MOVES:
        if (move.action is action and move.source == source and (target is None or move.target is target)
                and (move.actor is None or actor is None or move.actor is actor)
                and (move.rounds is None or round is None or round in move.rounds)):
            return move
    where = f"“{source.display}”的表单" if source is not None else "本机还没有的表单"
    who = f"由{actor.label}" if actor is not None else ""
    hint = instead(source) if source is not None else ""
    raise TransitionRefused(f"{where}不能{who}“{action.label}”。{hint}")


def check_editable(status: Status) -> None:
    """Refuse a change of the document in a frozen status, saying what to do instead."""
    if status not in EDITABLE:
        raise TransitionRefused(f"表单状态为“{status.display}”，不能修改。{instead(status)}")


def editable_here(status: Status, role: Role, received: bool) -> bool:
    """Whether this installation may change a form's document. A 主管部门 or a finance office holds a
    unit's form as a copy received for review: it decides on it (its own cells through 审核) and passes
    the answer down, but never changes it, whatever its status — a returned form is changed by its unit
    and sent again. Forms written here (a 主管部门's own, 部门 level) follow their status as a unit's do."""
    return status.editable and not (received and role is not Role.UNIT)


# What a reviewing installation does with a unit's form it received, instead of changing it.
_AT_THE_DESK = {
    Status.DEPT_REVIEW: "已转报财政部门，正在等待财政部门审核；收到审核结果后请在“导入数据包”中导入，再“转发审核结果”给单位。",
    Status.PERF_REVIEW: "已转报财政部门，正在等待财政部门审核；收到审核结果后请在“导入数据包”中导入，再“转发审核结果”给单位。",
}
_RELAY = "这是单位报送的表单，主管部门不能修改，也不能代为报送。财政部门的审核结果请点“转发审核结果…”签名打包，交单位按意见办理。"
_SENT_DOWN = "这是单位报送的表单，本机不能修改，也不能代为报送；审核结果已交回，单位按审核意见办理（须修改的修改后重新报送）。"


def desk_instead(status: Status, role: Role, *, answer_to_relay: bool) -> str:
    """What to do with a received copy at a 主管部门 or an office, said where a unit would read
    “请按审核意见修改…重新报送”. `answer_to_relay`: the office's answer waits here to be passed down."""
    if status in IN_REVIEW and IN_REVIEW[status] in role.actors:
        return instead(status)
    if role is Role.SUPERVISOR and answer_to_relay:
        return _RELAY
    if role is Role.SUPERVISOR and status in _AT_THE_DESK:
        return _AT_THE_DESK[status]
    return _SENT_DOWN


def after_save(status: Status, has_errors: bool) -> Status:
    """The status after the document is saved: 草稿 and 已校验 follow the checks; a returned, 一下 or
    adjusting form keeps its status (and its letter) until it is sent again."""
    check_editable(status)
    if status is Status.DRAFT and not has_errors:
        return find_move(Action.CHECK, status).target
    if status is Status.CHECKED and has_errors:
        return find_move(Action.UNCHECK, status).target
    return status


def decision_target(source: Status, decision: str, round: Round) -> tuple[Move, Actor]:
    """A reviewer's decision ('approve' or 'return') on a form waiting at `source`: the move and
    the level taking it. At the 主管部门, approving is forwarding to the finance office."""
    actor = IN_REVIEW.get(source)
    if actor is None:
        raise TransitionRefused(f"表单状态为“{source.display}”，不在本机审核中，不能审核。{instead(source)}")
    if decision == "return":
        return find_move(Action.RETURN, source, actor=actor), actor
    if decision != "approve":
        raise TransitionRefused("审核结论只能是审核通过或退回修改")
    action = Action.FORWARD if actor is Actor.SUPERVISOR else Action.APPROVE
    return find_move(action, source, actor=actor, round=round), actor


def is_final(move: Move) -> bool:
    """Whether this decision ends the review here, so that the answer goes back down."""
    return move.target in (Status.RETURNED, Status.FEEDBACK, Status.APPROVED)


APPROVED_PREFIX = "审核通过的"


def approved_label(version: int | None) -> str:
    """How a kept approved version is named in the history (申请调整 keeps it, printable)."""
    return f"{APPROVED_PREFIX}第 {version or 1} 版"


# The statuses of stored forms before the lifecycle (Alembic 0004 maps them).
OLD_STATUSES = {"草稿": Status.DRAFT, "已校验": Status.CHECKED, "已导出": Status.CHECKED, "已报送": Status.SUBMITTED,
                "待修改": Status.RETURNED, "审核通过": Status.APPROVED, "已收到": Status.DEPT_REVIEW}


def parse_status(value: str) -> Status:
    """A stored status; one this version does not know is read as a draft (never lost: the
    document is untouched)."""
    try:
        return Status(value)
    except ValueError:
        return OLD_STATUSES.get(value, Status.DRAFT)


def status_labels() -> list[str]:
    """Each status label once, in the order of the chain (for a filter)."""
    return list(dict.fromkeys(s.label for s in Status))


def status_named(text: str) -> Status:
    """A status as a user names it on the command line: its code, label or display."""
    for status in Status:
        if text in (status.value, status.label, status.display):
            return status
    names = "、".join(status_labels())
    raise TransitionRefused(f"没有“{text}”这种状态，可选：{names}")
