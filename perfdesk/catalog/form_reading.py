"""Reading a form file (forms/*.yaml) into a FormDef: the YAML with its lines, the schema and the checks
between its parts (domain.form_schema, given every rule a check may name), the migrations and, for a 汇总表,
its aggregation (domain.summary); every problem is reported with its line."""

from __future__ import annotations

from pathlib import Path

from perfdesk.catalog.yaml_files import YAMLError, load_yaml_lines
from perfdesk.domain.checks import RULE_PARAMS
from perfdesk.domain.form_migrations import MigrationError, parse_migrations
from perfdesk.domain.form_schema import Problem, check_form
from perfdesk.domain.formdef import FormDef, FormDefinitionError, field_from_spec, table_from_spec
from perfdesk.domain.summary import parse_spec


def parse_form(text: str, file: str, source: Path | None = None) -> tuple[FormDef | None, list[Problem]]:
    """The form file's text as a FormDef, or None, and every problem found (each with its line)."""
    try:
        raw = load_yaml_lines(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [Problem(file, mark.line + 1 if mark else 0, f"不是有效的 YAML：{getattr(exc, 'problem', exc)}")]
    parts, problems = check_form(raw, file, RULE_PARAMS)
    if problems:
        return None, problems
    head = parts.head
    fields = {k: field_from_spec(k, v) for k, v in parts.fields.items()}
    tables = {k: table_from_spec(k, v) for k, v in parts.tables.items()}
    known = {**{k: set() for k in fields}, **{k: {c.key for c in t.columns} for k, t in tables.items()}}
    try:
        migrations = parse_migrations(head.migrations, head.version, file, known)
    except MigrationError as exc:
        line = getattr(raw, "key_lines", {}).get("migrations", 0)
        return None, [Problem(file, line, str(exc).removeprefix(f"{file}: "))]
    form = FormDef(
        id=head.id,
        version=head.version,
        name=head.name,
        title=head.title,
        subtitle=head.subtitle,
        orientation=head.orientation,
        fields=fields,
        tables=tables,
        checks=tuple(c.spec() for c in parts.checks),
        layout=parts.layout,
        source=source,
        headline_amount=head.headline_amount,
        raw_kind=head.kind or head.id,
        computation=parts.computation.model_dump(exclude_none=True) if parts.computation else {},
        migrations=migrations,
        summary=dict(head.summary or {}),
    )
    if head.summary is not None:  # a 汇总表: its aggregation is checked with the rest of the file
        try:
            parse_spec(form)
        except FormDefinitionError as exc:
            return None, [Problem(file, getattr(raw, "key_lines", {}).get("summary", 0), str(exc))]
    return form, []


def load_form(path: Path) -> FormDef:
    """The form file at `path`; refused with every problem, each with its line, when anything is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormDefinitionError(f"{path.name}: 无法读取表单定义：{exc}") from exc
    form, problems = parse_form(text, path.name, path)
    if problems:
        raise FormDefinitionError("\n".join(str(p) for p in problems), problems)
    return form
