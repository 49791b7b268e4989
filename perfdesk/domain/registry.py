"""The forms PerfDesk knows, loaded once from forms/.

The form files are parsed on first use (`get_form`); a form's printed name alone (`form_name`) is
read from the top of its file, so the form list can show it at start-up before any file is parsed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING

from ..paths import forms_dir

if TYPE_CHECKING:
    from .formdef import FormDef

FORM_FILES = {
    "declaration": "declaration.yaml",
    "project_monitoring": "project_monitoring.yaml",
    "dept_monitoring": "dept_monitoring.yaml",
    "monitoring_report": "monitoring_report.yaml",
    "self_report": "self_report.yaml",
    "feedback_letter": "feedback_letter.yaml",
    "rectification": "rectification.yaml",
    "evaluation_report": "evaluation_report.yaml",
    "project_self_evaluation": "project_self_evaluation.yaml",
    "dept_self_evaluation": "dept_self_evaluation.yaml",
    "assessment_department": "assessment_department.yaml",
    "assessment_county": "assessment_county.yaml",
    "ex_ante_assessment": "ex_ante_assessment.yaml",
}
# The forms of the evaluation round after the year ends (办法 第五章): the unit's 绩效报告 (附件4), the
# finance office's 评价报告 (附件5-1), its 反馈意见函 (附件6) and the unit's 整改报告书 (附件7).
EVALUATION_FORMS = ("self_report", "evaluation_report", "feedback_letter", "rectification")
# The 2020 national self-evaluation tables (the self-evaluation that goes with the final accounts, 001 一（四）),
# the yearly assessment tables (002 附件8-1/8-2, 第五十一条) and the ex-ante assessment (001 一（一）).
SELF_EVALUATION_FORMS = ("project_self_evaluation", "dept_self_evaluation")
ASSESSMENT_FORMS = ("assessment_department", "assessment_county")
EX_ANTE_FORMS = ("ex_ante_assessment",)

# The top-level `name:` of a form file written as a plain one-line scalar: no quotes, no YAML
# indicator first, no ": " or " #" inside. Any other way of writing it is read by the full parser.
_PLAIN_NAME = re.compile(r"name: +(?P<name>[^\s#'\"{\[&*!|>%@`,?:-][^#:]*?) *")
_HEADER_LINES = 40  # the name is among a form file's first lines, after its comments and id


@lru_cache(maxsize=None)
def get_form(form_id: str) -> FormDef:
    from .formdef import FormDefinitionError, load_form

    try:
        return load_form(forms_dir() / FORM_FILES[form_id])
    except KeyError:
        raise FormDefinitionError(f"未知的表单类型：{form_id}") from None


def all_forms() -> list[FormDef]:
    return [get_form(form_id) for form_id in FORM_FILES]


@lru_cache(maxsize=None)
def form_name(form_id: str) -> str | None:
    """The form's printed name (预算支出绩效目标申报表), the same as get_form(form_id).name; None for a
    kind PerfDesk does not know."""
    file = FORM_FILES.get(form_id)
    if file is None:
        return None
    try:
        with open(forms_dir() / file, encoding="utf-8") as lines:
            for line in islice(lines, _HEADER_LINES):
                found = _PLAIN_NAME.fullmatch(line.rstrip("\r\n"))
                if found is not None:
                    return found["name"]
    except OSError:
        pass  # get_form says what is wrong with the file
    return get_form(form_id).name
