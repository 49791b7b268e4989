"""Which opinion of which review level belongs to which version of a form: the one answer that the
printed 审核意见 rows, `perfdesk status`, the editor's banner and the answer packages all give.

Every installation keeps its own history of a form (the unit's, the 主管部门's, the office's), but a
level's decision reaches each of them signed and unchanged: taken here (FORWARD, APPROVE, RETURN), or
carried in by a package (the 主管部门's forward at the office, the answer and the opinions of the levels
above it at the 主管部门 and the unit). Read from any of those histories, a decision is the same: the
deciding body, its reviewer, the day it decided, its opinion, on one version.

What prints is the sign-off of each level that passed the form's current version on (附件1-1: 主管部门,
业务科室, 预算绩效管理科). A return is not a sign-off: its opinion, letter and reasons are the history's
and the banner's, never the printed rows'; and an opinion on an earlier version never prints on a later
one. A form being adjusted (申请调整) is a version not yet reviewed: none of its rows is signed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from perfdesk.domain.lifecycle import Action, Actor, Status

REVIEW_LEVELS = (Actor.SUPERVISOR, Actor.FINANCE_DEPT, Actor.PERF_MGMT)
_SIGN_OFFS = (Action.FORWARD, Action.APPROVE)


class HistoryEntry(Protocol):
    """One move of a form's history as the store keeps it (store.records.EventRecord)."""

    at: dt.datetime
    action: Action
    target: Status
    actor: Actor | None
    actor_name: str | None
    round: str | None
    package_version: int | None
    opinion: str | None
    letter: str | None
    detail: Mapping[str, Any]


@dataclass(frozen=True)
class LevelDecision:
    """One level's decision on one version: who decided (the body and its reviewer), when, and what."""

    level: Actor
    version: int
    body: str  # 长治市教育局, 长治市财政局
    reviewer: str
    day: dt.date | None
    opinion: str
    round: str
    approved: bool
    letter: str = ""  # a return's 反馈意见 and its reasons by cell path (the history's, never printed)
    reasons: Mapping[str, str] = field(default_factory=dict)

    @property
    def decision(self) -> str:
        if not self.approved:
            return Action.RETURN.label
        return Action.FORWARD.label if self.level is Actor.SUPERVISOR else Action.APPROVE.label

    @property
    def who(self) -> str:
        """长治市财政局（李明）"""
        return self.body + (f"（{self.reviewer}）" if self.reviewer else "")

    def carried(self) -> dict[str, str]:
        """As an answer package carries the decisions of the levels before it (review.json "opinions")."""
        return {"level": self.level.value, "name": self.body, "reviewer": self.reviewer, "opinion": self.opinion,
                "round": self.round, "date": self.day.isoformat() if self.day else "",
                "at": self.day.isoformat() if self.day else ""}


def split_name(actor_name: str | None, reviewer: str | None) -> tuple[str, str]:
    """The body and the reviewer of a history entry named “长治市财政局（李明）”."""
    name, reviewer = (actor_name or "").strip(), (reviewer or "").strip()
    if reviewer and name.endswith(f"（{reviewer}）"):
        return name[: -len(reviewer) - 2], reviewer
    if not reviewer and name.endswith("）") and "（" in name:
        body, _, rest = name.rpartition("（")
        return body, rest[:-1]
    return name, reviewer


def _day(text: Any, fallback: dt.date | None = None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return fallback


def _local_day(moment: dt.datetime) -> dt.date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone().date()


def _level(value: Any) -> Actor | None:
    try:
        level = Actor(value)
    except ValueError:
        return None
    return level if level in REVIEW_LEVELS else None


def _own(e: HistoryEntry, approved: bool) -> LevelDecision:
    """The decision an entry records for its own level (taken here, or arrived in a package)."""
    detail = e.detail or {}
    body, reviewer = split_name(e.actor_name, detail.get("reviewer"))
    return LevelDecision(level=e.actor, version=e.package_version, body=str(detail.get("body") or body),
                         reviewer=reviewer, day=_day(detail.get("date"), _local_day(e.at)),
                         opinion=e.opinion or "", round=e.round or "", approved=approved, letter=e.letter or "",
                         reasons=dict(detail.get("reasons") or {}))


def _carried(e: HistoryEntry) -> Iterable[LevelDecision]:
    """The sign-offs of the levels before the answering one, as its answer carries them."""
    for item in (e.detail or {}).get("opinions") or []:
        level = _level(item.get("level")) if isinstance(item, dict) else None
        if level is None or level is e.actor or not item.get("opinion"):
            continue  # the answering level's own word is the entry itself
        body, reviewer = split_name(str(item.get("name") or ""), str(item.get("reviewer") or ""))
        yield LevelDecision(level=level, version=e.package_version, body=body, reviewer=reviewer,
                            day=_day(item.get("date") or item.get("at")), opinion=str(item["opinion"]),
                            round=str(item.get("round") or ""), approved=True)


def decisions(history: Iterable[HistoryEntry]) -> list[LevelDecision]:
    """Every level's decision in a form's history, oldest first; a decision seen twice (taken or
    forwarded here, then carried back in the answer) is listed once, with what either copy knew."""
    found: list[LevelDecision] = []
    for e in history:
        if e.package_version is None or e.actor not in REVIEW_LEVELS or not (e.opinion or e.letter
                                                                             or e.action is Action.RESULT):
            continue
        if e.action in _SIGN_OFFS:
            new = [_own(e, approved=True)]
        elif e.action is Action.RETURN:
            new = [_own(e, approved=False)]
        elif e.action is Action.RESULT:
            new = [*_carried(e), _own(e, approved=e.target is not Status.RETURNED)]
        else:
            continue
        for d in new:
            same = next((i for i, f in enumerate(found) if (f.level, f.version, f.opinion, f.approved)
                         == (d.level, d.version, d.opinion, d.approved)), None)
            if same is None:
                found.append(d)
            else:  # known already: keep the fuller record (the reviewer is not in older packages)
                old = found[same]
                found[same] = replace(old, reviewer=old.reviewer or d.reviewer, day=old.day or d.day,
                                      round=old.round or d.round, letter=old.letter or d.letter,
                                      reasons=old.reasons or d.reasons)
    return found


def printed_opinions(history: Iterable[HistoryEntry], version: int | None,
                     status: Status) -> dict[Actor, LevelDecision]:
    """The sign-off each level gave the form's current version, as its 审核意见 rows print it
    (the latest, where a level answered the same version twice)."""
    if version is None or status is Status.ADJUSTING:
        return {}
    signed = {}
    for d in decisions(history):
        if d.version == version:
            if d.approved:
                signed[d.level] = d
            else:
                signed.pop(d.level, None)
    return signed
