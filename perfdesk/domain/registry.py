"""The forms PerfDesk knows, as the loader (perfdesk/catalog/form_files.py) hands them in: the shipped files,
the user's folder and `--forms DIR`, a file there replacing the shipped one of the same id.

A stored form names its form id and version; `form_of(record)` is the definition it was filled with,
an earlier version's file where the form file has moved on since (forms/versions/<id>@<version>.yaml).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from perfdesk.errors import UserError
from perfdesk.domain import sources
from perfdesk.domain.form_kinds import (
    ASSESSMENT_COUNTY, ASSESSMENT_DEPARTMENT, DEPT_SELF_EVALUATION, EVALUATION_REPORT, EX_ANTE_ASSESSMENT,
    FEEDBACK_LETTER, PROJECT_SELF_EVALUATION, RECTIFICATION, SELF_REPORT, SHIPPED)

if TYPE_CHECKING:
    from perfdesk.domain.formdef import FormDef

# The shipped forms: id → file in forms/.
FORM_FILES = {form_id: f"{form_id}.yaml" for form_id in SHIPPED}
# The forms of the evaluation round after the year ends (办法 第五章): the unit's 绩效报告 (附件4), the
# finance office's 评价报告 (附件5-1), its 反馈意见函 (附件6) and the unit's 整改报告书 (附件7).
EVALUATION_FORMS = (SELF_REPORT, EVALUATION_REPORT, FEEDBACK_LETTER, RECTIFICATION)
# The 2020 national self-evaluation tables (the self-evaluation that goes with the final accounts, 001 一（四）),
# the yearly assessment tables (002 附件8-1/8-2, 第五十一条) and the ex-ante assessment (001 一（一）).
SELF_EVALUATION_FORMS = (PROJECT_SELF_EVALUATION, DEPT_SELF_EVALUATION)
ASSESSMENT_FORMS = (ASSESSMENT_DEPARTMENT, ASSESSMENT_COUNTY)
EX_ANTE_FORMS = (EX_ANTE_ASSESSMENT,)


class FormVersionError(UserError, ValueError):
    """A stored or received form of a version this installation has no file for."""


@lru_cache(maxsize=None)
def get_form(form_id: str, version: int | None = None) -> FormDef:
    """The form's current definition, or the one of `version` (FormVersionError where there is none)."""
    from perfdesk.domain.formdef import FormDefinitionError

    catalog = sources.catalog()
    form = catalog.form(form_id, version)
    if form is not None:
        return form
    current = catalog.form(form_id, None) if version is not None else None
    if current is None:
        raise FormDefinitionError(f"未知的表单类型：{form_id}")
    raise FormVersionError(version_message(current, version))


def version_message(current: FormDef, version: int, what: str = "表单") -> str:
    """What a clerk is told about a form (or a package: `what`) filled under a version this installation
    has no file for: newer than its own, or older and its file gone."""
    said = f"{what}按{current.name}第{version}版填写，本机为第{current.version}版"
    if version > current.version:
        return f"{said}：请更新 PerfDesk 的表单文件"
    return (f"{said}，没有第{version}版的表单文件：请把第{version}版的表单文件放入表单文件夹的 versions/ 中，"
            f"或请对方升级到第{current.version}版（perfdesk upgrade）后重新报送")


def form_of(record) -> FormDef:
    """The definition a stored form (FormRecord, FormSummary) was filled with: its own form version."""
    return get_form(record.form_id, record.form_version)


def form_ids() -> list[str]:
    """The shipped forms in their order, then those a variant folder adds."""
    return sources.catalog().form_ids()


def all_forms() -> list[FormDef]:
    return [get_form(form_id) for form_id in form_ids()]


def versions(form_id: str) -> list[int]:
    """Every version of the form this installation can open, oldest first."""
    return sources.catalog().versions(form_id)


@lru_cache(maxsize=None)
def form_name(form_id: str) -> str | None:
    """The form's printed name (预算支出绩效目标申报表), the same as get_form(form_id).name; None for a
    kind PerfDesk does not know. Read from the top of the file where it can be, for the first paint."""
    return sources.catalog().form_name(form_id)


def _clear() -> None:
    get_form.cache_clear()
    form_name.cache_clear()


sources.on_change(_clear)
