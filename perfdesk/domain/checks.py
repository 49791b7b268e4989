"""Run every check a form declares: field checks from types, then the form's cross-field rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from perfdesk.domain.field_checks import check_fields
from perfdesk.domain.findings import EXPLANATIONS_KEY, PROFILE_KEY, YEAR_KEY, Finding, Severity
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.lifecycle import Role
from perfdesk.domain import scored_rules  # noqa: F401  (registers the score tables' rules)
from perfdesk.domain.computed import computed_document
from perfdesk.domain.rules import PARAMS, RULES

# Every rule a form file's checks may name, with the parameters each takes: rules.py's and the score
# tables' (scored_rules.py), both registered once imported above. Reading a form file checks against it.
RULE_PARAMS = PARAMS

_ORDER = {Severity.RETURNED: 0, Severity.ERROR: 1, Severity.WARNING: 2, Severity.HINT: 3}


@dataclass(frozen=True)
class CheckContext:
    """Who checks what: the form's year, the role of the installation checking (whose cells it may
    fill), the unit's rules profile (tolerances; defaults without one) and the form version.

    Built in one place for stored forms (operations.check_context) and handed to every check."""

    year: int | None = None
    role: Role = Role.UNIT
    profile: Any = None
    form_version: int | None = None


def run_checks(form: FormDef, doc: dict, context: CheckContext | None = None) -> list[Finding]:
    """All findings, errors first."""
    context = context or CheckContext()
    # computed cells (得分, 合计, 等次) are checked as the rules give them, whatever the document holds
    data = {**computed_document(form, doc, context.profile), YEAR_KEY: context.year, PROFILE_KEY: context.profile}
    findings = list(check_fields(form, data, Role(context.role)))
    for spec in form.checks:  # every rule named was found when the form file loaded (form_schema)
        findings.extend(RULES[spec["rule"]](form, data, spec))
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
