"""Run every check a form declares: field checks from types, then the form's cross-field rules."""

from __future__ import annotations

from .field_checks import check_fields
from .findings import EXPLANATIONS_KEY, Finding, Severity
from .formdef import FormDef, FormDefinitionError
from . import scored_rules  # noqa: F401  (registers the score tables' rules)
from .computed import computed_document
from .rules import RULES

_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.HINT: 2}


def run_checks(form: FormDef, doc: dict, *, year: int | None = None, role: str = "unit",
               profile=None) -> list[Finding]:
    """All findings, errors first. `role` is 'unit' or 'finance' (who may fill finance-only cells);
    `profile` carries the jurisdiction's tolerances (defaults apply without one)."""
    # computed cells (得分, 合计, 等次) are checked as the rules give them, whatever the document holds
    data = dict(computed_document(form, doc, profile), _year=year, _profile=profile)
    findings = list(check_fields(form, data, role))
    for spec in form.checks:
        fn = RULES.get(spec.get("rule"))
        if fn is None:
            raise FormDefinitionError(f"{form.id}: 校验规则 {spec.get('rule')} 无法识别")
        findings.extend(fn(form, data, spec))
    explained = doc.get(EXPLANATIONS_KEY) or {}
    findings = [
        Finding(f.severity, f.code, f.field, f.label, f.message, str(explained.get(f.code) or "").strip())
        if f.severity is Severity.WARNING else f
        for f in findings
    ]
    return sorted(findings, key=lambda f: _ORDER[f.severity])


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocks_export]


def unexplained_warnings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.WARNING and not f.explanation]
