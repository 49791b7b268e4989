"""What changed between two versions of a form, field by field, as a reviewer reads it: the part of
the form, the field's label, the old value and the new one as the printed table shows them — inside
the tables too (an indicator row's 指标值, a fund source's 本年预算).

Used where approved goals are adjusted (第十五条) and where a returned form comes back: the office sees
what the unit changed. Rows are paired by what they are (an indicator by its 一级/二级/指标内容), not by
where they stand, so a row inserted in the middle is one added row; the cells the reviewers fill (their
opinions, names and dates, the finance office's amounts) are not the unit's changes and are left out."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterator

from perfdesk.domain.document import display, rows
from perfdesk.domain.formdef import FormDef, TableDef
from perfdesk.domain.layout import Group, cells_of, walk
from perfdesk.domain.lifecycle import Actor
from perfdesk.domain.review_cells import level_paths


@dataclass(frozen=True)
class Change:
    section: str
    label: str
    old: str
    new: str
    path: str

    def line(self) -> str:
        if self.whole_row and not self.old:
            return f"【{self.section}】{self.label}（新增）：{self.new}"
        if self.whole_row and not self.new:
            return f"【{self.section}】{self.label}（删除）：{self.old}"
        return f"【{self.section}】{self.label}：{self.old or '（空）'} → {self.new or '（空）'}"

    @property
    def whole_row(self) -> bool:
        """A row added or removed (path `table.N`), not a cell of it."""
        parts = self.path.split(".")
        return len(parts) == 2 and parts[1].isdigit()


def _sections(form: FormDef) -> dict[str, str]:
    """Each field → the name of the layout's top-level group that prints it (a table change is shown
    under the table's own name)."""
    found: dict[str, str] = {}
    known = set(form.fields)
    for top in form.layout.body:
        group = top.group if isinstance(top, Group) else form.name
        for node, _ in walk([top]):
            for part in [node, *cells_of(node)]:
                for line in part.field_lines(known):
                    for key in line:
                        found.setdefault(key, group)
    return found


def _cell(field, value) -> str:
    return display(field, value).strip()


def diff(form: FormDef, old: dict, new: dict, *, review_cells: bool = False) -> list[Change]:
    """Every shown value the unit changed, in the form's order (fields, then each table's rows);
    `review_cells`: the cells the reviewers fill too (a form file upgrade moves them)."""
    sections = _sections(form)
    skipped = set() if review_cells else reviewers_cells(form)
    return list(_changes(form, old, new, sections, skipped))


def reviewers_cells(form: FormDef) -> set[str]:
    """What the reviewers fill, not the unit: each level's 审核意见, 审核人 and 审核日期, and the finance
    office's own fields and table columns (`table.column`, e.g. 本年度实际安排资金)."""
    signed = {key for level in Actor if level is not Actor.UNIT for key in level_paths(form, level)}
    fields = {key for key, field in form.fields.items() if field.finance_only}
    columns = {f"{t.key}.{c.key}" for t in form.tables.values() for c in t.columns if c.finance_only}
    return signed | fields | columns


def _keys(table: TableDef) -> set[str]:
    return {c.key for c in table.columns}


def row_identity(table: TableDef, row: dict) -> tuple:
    """What a row is, whatever its place: an indicator by its levels and 指标内容, any other row by all it shows."""
    keys = [k for k in ("level1", "level2", "content") if k in _keys(table)]
    if table.kind == "indicators" and "content" in keys:
        return tuple(_cell(table.column(k), row.get(k)) for k in keys)
    return tuple(_cell(c, row.get(c.key)) for c in table.columns)


def row_label(form: FormDef, path: str, row: dict) -> str:
    """A cell's label with its indicator named: 年度绩效指标第8行（受益学生人数）·指标值."""
    head, _, rest = path.partition(".")
    index, _, column = rest.partition(".")
    table = form.tables.get(head)
    if table is None or table.kind != "indicators" or not index.isdigit() or "content" not in _keys(table):
        return form.label_of(path)
    content = _cell(table.column("content"), row.get("content"))
    if not content:
        return form.label_of(path)
    return f"{table.label}第{int(index) + 1}行（{content}）" + (f"·{table.column(column).label}" if column else "")


def _group(table: TableDef, row: dict) -> tuple:
    """The heading a row sits under (an indicator's 一级/二级); a row edited in place stays in it."""
    if table.kind != "indicators":
        return ()
    return tuple(_cell(c, row.get(c.key)) for c in table.columns if c.key in ("level1", "level2"))


def pair_rows(table: TableDef, before: list[dict], after: list[dict]) -> list[tuple[int | None, int | None]]:
    """(old index, new index) of each row, in the order of the rows: (i, None) removed, (None, j) added.
    Rows the same by `row_identity` pair up wherever they moved (上移/下移 is no change of content); of
    the rest, one edited in place pairs with a changed row under the same heading. A fixed table's rows
    are its places."""
    if table.kind == "fixed":
        count = max(len(before), len(after))
        return [(i if i < len(before) else None, i if i < len(after) else None) for i in range(count)]
    matcher = SequenceMatcher(None, [row_identity(table, r) for r in before],
                              [row_identity(table, r) for r in after], autojunk=False)
    pairs: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += list(zip(range(i1, i2), range(j1, j2)))
            continue
        free = list(range(j1, j2))
        block: list[tuple[int | None, int | None]] = []
        for i in range(i1, i2):
            j = next((j for j in free if _group(table, after[j]) == _group(table, before[i])), None)
            if j is not None:
                free.remove(j)
            block.append((i, j))
        block += [(None, j) for j in free]
        pairs += sorted(block, key=lambda p: j1 - 1 if p[1] is None else p[1])  # removed rows first
    return _moved(table, before, after, pairs)


def _moved(table: TableDef, before: list[dict], after: list[dict], pairs: list) -> list:
    """A row removed in one place and added, the same, in another: one row that moved."""
    added = {j: row_identity(table, after[j]) for i, j in pairs if i is None}
    found: dict[int, int] = {}  # new index → old index
    for i, j in pairs:
        if j is None:
            same = next((k for k, identity in added.items() if identity == row_identity(table, before[i])), None)
            if same is not None:
                found[same] = i
                del added[same]
    gone = set(found.values())
    return [(found.get(j, i), j) for i, j in pairs if not (j is None and i in gone)]


def _changes(form: FormDef, old: dict, new: dict, sections: dict[str, str], skipped: set[str]) -> Iterator[Change]:
    for key, field in form.fields.items():
        if key in skipped:
            continue
        a, b = _cell(field, old.get(key)), _cell(field, new.get(key))
        if a != b:
            yield Change(sections.get(key, form.name), field.label, a, b, key)
    for table in form.tables.values():
        section = sections.get(table.key, table.label)
        if table.kind == "tree":
            before, after = old.get(table.key) or {}, new.get(table.key) or {}
            for row in table.tree:
                for col in (c for c in table.columns if f"{table.key}.{c.key}" not in skipped):
                    path = f"{table.key}.{row.key}.{col.key}"
                    a = _cell(col, (before.get(row.key) or {}).get(col.key))
                    b = _cell(col, (after.get(row.key) or {}).get(col.key))
                    if a != b:
                        yield Change(section, form.label_of(path), a, b, path)
            continue
        before, after = rows(old, table), rows(new, table)
        for i, j in pair_rows(table, before, after):
            if i is None or j is None:
                kept = after[j] if i is None else before[i]
                text = "；".join(v for c in table.columns if (v := _cell(c, kept.get(c.key))))
                label = f"{table.label}第{j + 1}行" if i is None else f"{table.label}原第{i + 1}行"
                yield Change(section, label, "" if i is None else text, text if i is None else "",
                             f"{table.key}.{i if j is None else j}")
                continue
            for col in table.columns:
                a, b = _cell(col, before[i].get(col.key)), _cell(col, after[j].get(col.key))
                if a != b:
                    path = f"{table.key}.{j}.{col.key}"
                    yield Change(section, row_label(form, path, after[j]), a, b, path)


def upgrade_diff(old_form: FormDef, new_form: FormDef, old: dict, new: dict) -> list[Change]:
    """What bringing a document from old_form's version to new_form's changes, field by field: every value
    as the new version shows it, then each value left behind in a field the new version no longer has."""
    changes = diff(new_form, old, new, review_cells=True)
    seen = {c.path for c in changes}
    gone = f"（第{new_form.version}版无此栏）"
    for change in diff(old_form, old, new, review_cells=True):
        if change.path not in seen and not _has_path(new_form, change.path):
            changes.append(Change(change.section, change.label, change.old, gone, change.path))
    return _paired(changes, new_form.version)


def _paired(changes: list[Change], version: int) -> list[Change]:
    """A value that leaves one cell and arrives in another (a rename, a move) as one line: where it goes."""
    out: list[Change] = []
    arrivals = [c for c in changes if not c.old and c.new]
    unpaired = list(arrivals)
    for change in changes:
        if any(change is a for a in arrivals):
            continue  # shown with its departure, or at the end if it has none
        if change.old and (not change.new or change.new.startswith("（第")):
            match = next((a for a in unpaired if a.new == change.old), None)
            if match is not None:
                unpaired.remove(match)
                out.append(Change(change.section, change.label, change.old,
                                  f"移至第{version}版的“{match.label}”", match.path))
                continue
        out.append(change)
    return out + unpaired


def _has_path(form: FormDef, path: str) -> bool:
    head, _, rest = path.partition(".")
    if head in form.fields:
        return True
    table = form.tables.get(head)
    if table is None:
        return False
    column = rest.rpartition(".")[2]
    return any(c.key == column for c in table.columns)
