"""The forms PerfDesk knows, loaded once from forms/."""

from __future__ import annotations

from functools import lru_cache

from ..paths import forms_dir
from .formdef import FormDef, FormDefinitionError, load_form

FORM_FILES = {
    "declaration": "declaration.yaml",
    "project_monitoring": "project_monitoring.yaml",
    "dept_monitoring": "dept_monitoring.yaml",
    "monitoring_report": "monitoring_report.yaml",
    "self_report": "self_report.yaml",
    "feedback_letter": "feedback_letter.yaml",
    "rectification": "rectification.yaml",
    "evaluation_report": "evaluation_report.yaml",
}


@lru_cache(maxsize=None)
def get_form(form_id: str) -> FormDef:
    try:
        return load_form(forms_dir() / FORM_FILES[form_id])
    except KeyError:
        raise FormDefinitionError(f"未知的表单类型：{form_id}") from None


def all_forms() -> list[FormDef]:
    return [get_form(form_id) for form_id in FORM_FILES]
