"""How a form file brings documents of its earlier versions up to its own (`migrations:` in forms/*.yaml).

    migrations:
      - to: 2                      # brings a document from version 1 to 2
        steps:
          - rename: {from: old_key, to: new_key}      # a field or table, or a table column as table.column
          - default: {field: key, value: "…"}         # a field (or table.column: every row) left blank
          - move: {from: a.path, to: b.path}          # one cell to another: field, table.3.column, tree.row.column

Typed with pydantic (an unknown key or a step with two verbs is refused when the file loads) and applied
as pure functions: a document in, a new document out, the old one untouched.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any, Union

from pydantic import (BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter, ValidationError,
                      field_validator, model_validator)

_STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class MigrationError(ValueError):
    """A `migrations:` block that cannot be read; the message is Chinese and names the step."""


class _Path(BaseModel):
    model_config = _STRICT

    @staticmethod
    def _checked(path: str) -> str:
        if not path or any(not part for part in path.split(".")):
            raise ValueError(f"路径“{path}”无效：应为 字段、表.列 或 表.行.列")
        return path


class Default(_Path):
    field: str
    value: Any

    @field_validator("field")
    @classmethod
    def _path(cls, value: str) -> str:
        if value.count(".") > 1:
            raise ValueError(f"default 的 field 应为 字段 或 表.列：{value}")
        return cls._checked(value)


class Move(_Path):
    source: str = Field(alias="from")
    target: str = Field(alias="to")

    @field_validator("source", "target")
    @classmethod
    def _path(cls, value: str) -> str:
        return cls._checked(value)


class Rename(Move):
    """A move that keeps the value where it was: one field or table renamed, or a column within its table."""

    @model_validator(mode="after")
    def _same_table(self) -> Rename:
        a, b = self.source.split("."), self.target.split(".")
        if len(a) != len(b) or len(a) > 2 or (len(a) == 2 and a[0] != b[0]):
            raise ValueError(f"rename 只改名一个字段（或表），或同一表中的一列（表.列）：{self.source} → {self.target}")
        return self


class RenameStep(BaseModel):
    model_config = _STRICT
    rename: Rename


class DefaultStep(BaseModel):
    model_config = _STRICT
    default: Default


class MoveStep(BaseModel):
    model_config = _STRICT
    move: Move


_VERBS = ("rename", "default", "move")


def _verb(raw: Any) -> str | None:
    """Which step a mapping is: the one verb it names (None: no verb, or two)."""
    if isinstance(raw, BaseModel):
        return next(v for v in _VERBS if hasattr(raw, v))
    named = [v for v in _VERBS if isinstance(raw, dict) and v in raw]
    return named[0] if len(named) == 1 else None


Step = Annotated[
    Union[Annotated[RenameStep, Tag("rename")], Annotated[DefaultStep, Tag("default")], Annotated[MoveStep, Tag("move")]],
    Discriminator(_verb, custom_error_type="step_verb",
                  custom_error_message="每一步只写 rename、default、move 中的一个"),
]


class Migration(BaseModel):
    model_config = _STRICT
    to: int = Field(ge=2)
    steps: tuple[Step, ...] = ()


_MIGRATIONS = TypeAdapter(tuple[Migration, ...])


def parse_migrations(raw: Any, version: int, where: str, known: dict[str, set[str]]) -> tuple[Migration, ...]:
    """The `migrations:` of a form file of `version`: each `to` above the one before and at most the file's
    version, every path written one of the form's own (`known`: field or table key → its columns)."""
    if raw is None:
        return ()
    try:
        found = _MIGRATIONS.validate_python(raw)
    except ValidationError as exc:
        problem = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")[0]
        loc = problem["loc"]
        # the discriminator's tag repeats the verb (steps.0.rename.rename.to): once is enough
        place = ".".join(str(p) for i, p in enumerate(loc) if not (p in _VERBS and loc[i + 1:i + 2] == (p,)))
        raise MigrationError(f"{where}: migrations.{place}：{_chinese(problem)}") from None
    last = 1
    for migration in found:
        if migration.to <= last or migration.to > version:
            raise MigrationError(f"{where}: migrations 的 to: {migration.to} 应大于前一个（{last}）且不超过本文件的 "
                                 f"version（{version}）")
        last = migration.to
    for path in destinations(found):
        parts = path.split(".")
        if parts[0] not in known or (len(parts) > 1 and parts[-1] not in known[parts[0]]):
            raise MigrationError(f"{where}: migrations 写入的“{path}”不是本表单的字段、表或列")
    return found


def _chinese(problem: dict) -> str:
    kind = problem.get("type", "")
    if kind == "extra_forbidden":
        return "无法识别的键（应为 rename、default 或 move，rename/move 写 from 和 to，default 写 field 和 value）"
    if kind == "missing":
        return "缺少这一项"
    if kind.startswith("greater_than"):
        return "to 应不小于 2（从第1版升级到第2版写 to: 2）"
    if kind == "step_verb":
        return "每一步只写 rename、default、move 中的一个"
    if kind == "value_error":
        return str(problem.get("ctx", {}).get("error") or problem.get("msg"))
    return f"格式不对（{problem.get('msg')}）"


def destinations(migrations: tuple[Migration, ...]) -> list[str]:
    """Every path the steps write, for the form to check against its own fields and tables."""
    out = []
    for migration in migrations:
        for step in migration.steps:
            if isinstance(step, RenameStep):
                out.append(step.rename.target)
            elif isinstance(step, DefaultStep):
                out.append(step.default.field)
            else:
                out.append(step.move.target)
    return out


def upgrade(doc: dict, migrations: tuple[Migration, ...], old: int, new: int) -> dict:
    """The document of version `old` as version `new` has it: every migration with old < to <= new, in order."""
    out = copy.deepcopy(doc)
    for migration in migrations:
        if old < migration.to <= new:
            for step in migration.steps:
                out = _apply(out, step)
    return out


def pending(migrations: tuple[Migration, ...], old: int, new: int) -> list[Migration]:
    return [m for m in migrations if old < m.to <= new]


def _apply(doc: dict, step: Step) -> dict:
    if isinstance(step, RenameStep):
        return _rename(doc, step.rename.source, step.rename.target)
    if isinstance(step, DefaultStep):
        return _default(doc, step.default.field, step.default.value)
    return _move(doc, step.move.source, step.move.target)


def _table_rows(node: Any) -> list[dict]:
    """The rows of a table: a list of rows, or a tree table's mapping of row key → row."""
    values = node if isinstance(node, list) else list(node.values()) if isinstance(node, dict) else []
    return [row for row in values if isinstance(row, dict)]


def _rename(doc: dict, source: str, target: str) -> dict:
    head, _, column = source.partition(".")
    if not column:
        if head in doc:
            doc[target] = doc.pop(head)
        return doc
    new_column = target.partition(".")[2]
    for row in _table_rows(doc.get(head)):
        if column in row:
            row[new_column] = row.pop(column)
    return doc


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _default(doc: dict, path: str, value: Any) -> dict:
    head, _, column = path.partition(".")
    if not column:
        if _blank(doc.get(head)):
            doc[head] = copy.deepcopy(value)
        return doc
    for row in _table_rows(doc.get(head)):
        if _blank(row.get(column)):
            row[column] = copy.deepcopy(value)
    return doc


def _move(doc: dict, source: str, target: str) -> dict:
    parent, key = _locate(doc, source, make=False)
    if parent is None or not _has(parent, key):
        return doc
    value = parent.pop(key) if isinstance(parent, dict) else parent[key]
    if isinstance(parent, list):
        parent[key] = None
    into, where = _locate(doc, target, make=True)
    if into is not None:
        into[where] = value
    return doc


def _has(node: Any, key: Any) -> bool:
    return key in node if isinstance(node, dict) else 0 <= key < len(node)


def _locate(doc: dict, path: str, *, make: bool) -> tuple[Any, Any]:
    """The container holding the last part of `path` and that part (an index in a list of rows), making
    the missing mappings on the way when `make` (a tree row not filled yet); (None, None) where it leads nowhere."""
    parts = path.split(".")
    node: Any = doc
    for part in parts[:-1]:
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return None, None
            node = node[int(part)]
        elif isinstance(node, dict):
            if not isinstance(node.get(part), (dict, list)):
                if not make:
                    return None, None
                node[part] = {}
            node = node[part]
        else:
            return None, None
    last = parts[-1]
    if isinstance(node, list):
        return (node, int(last)) if last.isdigit() and int(last) < len(node) else (None, None)
    return (node, last) if isinstance(node, dict) else (None, None)
