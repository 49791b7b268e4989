"""Due dates that regulations set for a form (seed 002 第四十五条 and 第五十一条, seed 003 第十三条)."""

from __future__ import annotations

import datetime as dt

from perfdesk.domain import dates
from perfdesk.domain.monitoring import due_date as monitoring_due, months_of
from perfdesk.domain.form_kinds import ASSESSMENT_KIND, FEEDBACK_KIND, MONITORING_KIND, MONITORING_REPORT, RECTIFICATION

RECTIFICATION_DAYS = 60  # 第四十五条（二）: within 60 days of receiving the feedback report
# The field a kind's due date is read from (反馈意见函: 书面意见反馈期限) or counted from (整改: 收到反馈报告之日).
DUE_FROM = {FEEDBACK_KIND: "reply_deadline", RECTIFICATION: "feedback_received"}


def rectification_due(profile, received: dt.date) -> dt.date:
    deadlines = getattr(profile, "deadlines", None) or {}
    if RECTIFICATION in deadlines:
        return deadlines[RECTIFICATION].due(received)
    return received + dt.timedelta(days=RECTIFICATION_DAYS)


def assessment_year(profile, today: dt.date) -> int:
    """The year whose 考核评分表 is due next (002 第五十一条: 年度终了 … 于次年 1 月底前报送): last year's
    until its deadline has passed, then this year's."""
    found = (getattr(profile, "deadlines", None) or {}).get("management_assessment")
    if found is not None and found.due(dt.date(today.year - 1, 1, 1)) >= today:
        return today.year - 1
    return today.year


def due_date(kind: str, doc: dict, year: int, profile=None) -> dt.date | None:
    """When the form is due, by its kind; None when the regulations set no date or it is not known yet."""
    try:
        if kind in (MONITORING_KIND, MONITORING_REPORT):
            return monitoring_due(profile, year, months_of(doc))
        if kind == FEEDBACK_KIND:
            return dates.parse_date(doc.get(DUE_FROM[kind]))
        if kind == ASSESSMENT_KIND:  # 002 第五十一条: the self-assessment is due by the end of next January
            found = (getattr(profile, "deadlines", None) or {}).get("management_assessment")
            return found.due(dt.date(year, 1, 1)) if found else None
        if kind == RECTIFICATION:
            received = dates.parse_date(doc.get(DUE_FROM[kind]))
            return rectification_due(profile, received) if received else None
    except dates.DateError:
        return None  # the checks report the bad date
    return None
