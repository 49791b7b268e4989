"""Expand a form's declared layout with a document into one concrete grid of cells.

PDF and Excel both draw this grid, so the two cannot drift apart. Pure Python: no ReportLab here.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from perfdesk.domain import money
from perfdesk.domain.document import column_total, derived_values, display, lenient, rows, scored_total, tree_values
from perfdesk.domain import layout as L
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.layout import Occupancy

TICKED, UNTICKED = "☑", "□"
BLANK_DATE = "　　年　　月　　日"
BLANK = "　　"


@dataclass
class Cell:
    row: int
    col: int
    colspan: int = 1
    rowspan: int = 1
    text: str = ""
    role: str = "value"  # label | value | amount | vertical
    align: str = "center"
    number: Decimal | None = None
    min_lines: int = 1
    path: str = ""  # the data path it shows, for the editor to jump to
    option: str = ""  # a √ column's option: the cell shows whether `path` holds it
    # A computed cell (合计, 小计, a rate) by the paths of the cells it comes from, so the Excel sheet
    # writes it as a formula: ("sum", paths) — blank while they all are — or ("rate", (numerator, denominator)).
    formula: tuple[str, tuple[str, ...]] | None = None


@dataclass
class Grid:
    columns: int
    column_mm: float
    orientation: str
    title: str
    subtitle: str
    above: list[tuple[str, str]]
    below: list[tuple[str, str]]
    cells: list[Cell] = field(default_factory=list)
    n_rows: int = 0
    # For each row, the header rows to repeat above it when a page starts there.
    headers: list[tuple[int, ...]] = field(default_factory=list)
    is_header: list[bool] = field(default_factory=list)
    prose: bool = False  # a report: headings and paragraphs, no table rules
    # a cover page before the table: (text, align, font size) lines, as 附件5-1 has
    cover: list[tuple[str, str, float]] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


class _Formatter(string.Formatter):
    """Fills {name} from the document (displayed by field type) or from the context."""

    def __init__(self, form: FormDef, doc: dict, context: dict):
        super().__init__()
        self.form, self.doc, self.context = form, doc, context

    def get_value(self, key, args, kwargs):
        if key in self.form.fields:
            f = self.form.fields[key]
            text = display(f, self.doc.get(key))
            if not text:
                return BLANK_DATE if f.type == "date" else BLANK
            return text
        return self.context.get(key, "")


class _Builder:
    """Walks the form's typed layout (domain/layout.py): one method per kind of row, one match over
    the kinds of cell."""

    def __init__(self, form: FormDef, doc: dict, context: dict):
        self.form, self.doc = form, doc
        self.fmt = _Formatter(form, doc, context)
        layout = form.layout
        self.grid = Grid(
            columns=layout.columns,
            column_mm=layout.column_mm,
            orientation=form.orientation,
            title=self.fill(form.title),
            subtitle=self.fill(form.subtitle),
            above=[(self.line(x), x.align) for x in layout.above],
            below=[(self.line(x), x.align) for x in layout.below],
            prose=layout.prose,
            cover=[(self.cover_line(x), x.align, float(x.size)) for x in layout.cover],
        )
        self.occupancy = Occupancy()
        from perfdesk.domain.computed import summed_fields

        self.summed = summed_fields(form, doc)  # 合计 fields the Excel sheet writes as formulas

    def fill(self, template: str) -> str:
        return self.fmt.format(template)

    def line(self, spec: L.TextLine | L.TemplateLine) -> str:
        return self.fill(spec.text if isinstance(spec, L.TextLine) else spec.template)

    def cover_line(self, spec: L.CoverText | L.CoverTemplate | L.CoverTicks) -> str:
        if isinstance(spec, L.CoverTicks):  # 评价类型：事前评价☑ 事中评价□ …
            f = self.form.fields[spec.ticks_line]
            chosen = self.doc.get(f.key)
            return f"{spec.label}：" + "　".join(f"{o}{TICKED if o == chosen else UNTICKED}" for o in f.options)
        return self.fill(spec.text if isinstance(spec, L.CoverText) else spec.template)

    # rows ---------------------------------------------------------------------------------
    def new_row(self, header: bool, headers: tuple[int, ...]) -> int:
        index = self.grid.n_rows
        self.grid.n_rows += 1
        self.grid.is_header.append(header)
        self.grid.headers.append(() if header else headers)
        return index

    def place(self, row: int, col0: int, cells: list[Cell]) -> None:
        """Left to right from col0, past columns taken from above; the form file's spans were
        checked to fill the width when it loaded (layout.span_problems)."""
        columns, _ = self.occupancy.place(row, col0, [(c.colspan, c.rowspan) for c in cells])
        for cell, col in zip(cells, columns):
            cell.row, cell.col = row, col
            self.grid.cells.append(cell)

    def expand(self, nodes: list, col0: int, width: int, headers: tuple[int, ...]) -> tuple[int, int]:
        first = self.grid.n_rows
        own_headers: list[int] = []
        for node in nodes:
            current = tuple(own_headers) or headers
            match node:
                case L.Group():
                    self.group(node, col0, width, current)
                case L.RepeatRows():
                    self.repeat(node, col0, current)
                case L.TreeRows():
                    self.tree(node, col0, current)
                case L.IndicatorRows():
                    self.indicators(node, col0, width, current)
                case L.Heading():
                    row = self.new_row(False, current)
                    self.place(row, col0, [Cell(0, 0, width, 1, self.fill(node.heading), f"heading{node.level}",
                                                "left")])
                case L.Paragraph():  # a paragraph written from a template, e.g. a letter's body
                    row = self.new_row(False, current)
                    lines = self.fill(node.paragraph).split("\n")
                    indent = "　　" if node.indent else ""
                    self.place(row, col0, [Cell(0, 0, width, 1, "\n".join(indent + x for x in lines), "paragraph",
                                                node.align)])
                case L.FieldParagraph():  # a paragraph of a report, first line indented two characters
                    row = self.new_row(False, current)
                    f = self.form.fields[node.field]
                    text = display(f, self.doc.get(f.key))
                    body = "\n".join("　　" + p.strip() for p in text.split("\n") if p.strip())
                    self.place(row, col0, [Cell(0, 0, width, 1, body, "paragraph", "left",
                                                min_lines=node.min_lines or 2, path=f.key)])
                case L.Row():
                    if node.header and self.grid.n_rows > first and not self.grid.is_header[-1]:
                        own_headers = []  # a new table part: its headers replace the previous part's
                    row = self.new_row(node.header, current)
                    if node.header:
                        own_headers.append(row)
                    self.place(row, col0, [self.static_cell(c) for c in node.cells])
        return first, self.grid.n_rows - 1

    def group(self, node: L.Group, col0: int, width: int, headers: tuple[int, ...]) -> None:
        first, last = self.expand(node.rows, col0 + node.span, width - node.span, headers)
        role = "vertical" if node.vertical else "label"
        self.grid.cells.append(Cell(first, col0, node.span, last - first + 1, self.fill(node.group), role))
        self.occupancy.reserve(first, last, col0, node.span)

    def static_cell(self, spec, rowspan: int | None = None) -> Cell:
        span, rowspan = spec.span, rowspan or spec.rowspan
        match spec:
            case L.TextCell():
                return Cell(0, 0, span, rowspan, self.fill(spec.text), "label", spec.align)
            case L.FieldCell():
                f = self.form.fields[spec.field]
                align = spec.align or ("left" if f.type == "longtext" else "center")
                number = lenient(f, self.doc.get(f.key)) if f.type in ("amount", "score") else None
                sums = self.summed.get(f.key)
                return Cell(0, 0, span, rowspan, display(f, self.doc.get(f.key)), "value", align,
                            min_lines=spec.min_lines or 1, path=f.key, number=number,
                            formula=("sum", sums) if sums else None)
            case L.TemplateCell():
                return Cell(0, 0, span, rowspan, self.fill(spec.template), "value", spec.align,
                            min_lines=spec.min_lines or 1)
            case L.TicksCell():
                f = self.form.fields[spec.ticks]
                chosen = self.doc.get(f.key)
                parts = [f"{i + 1}.{o} {TICKED if o == chosen else UNTICKED}" if spec.numbered
                         else f"{o} {TICKED if o == chosen else UNTICKED}" for i, o in enumerate(f.options)]
                return Cell(0, 0, span, rowspan, "　　".join(parts), "value", "left", path=f.key)
            case L.TickTreeCell():
                return self.tick_tree(spec, span, rowspan)
            case L.SumCell():
                value = column_total(self.form, self.doc, spec.sum)
                if value == 0 and not self.any_amount(spec.sum):
                    value = None  # a blank table prints a blank 合计, not 0.00
                return Cell(0, 0, span, rowspan, money.format_amount(value), "amount", "right", number=value,
                            formula=("sum", self.column_paths(spec.sum)))
            case L.ReviewCell():
                return self.review(spec, span, rowspan)
            case L.TotalCell():  # 综合得分: the sum of several columns, e.g. 业务 + 财务 scores
                value = scored_total(self.form, self.doc, spec.total)
                paths = tuple(p for path in spec.total for p in self.column_paths(path))
                return Cell(0, 0, span, rowspan, money.format_amount(value), "amount", "right", number=value,
                            formula=("sum", paths))
            case L.GradeCell():
                return Cell(0, 0, span, rowspan, self.grade_text(spec.grade), "value", "center")
            case L.ConsequenceCell():  # 结果应用: what the grade means for next year's budget
                return Cell(0, 0, span, rowspan, self.consequence_text(spec), "value", "left", min_lines=2)
        raise TypeError(type(spec).__name__)  # the layout's cell classes are all matched above

    def column_paths(self, path: str) -> tuple[str, ...]:
        """The cell paths whose sum column_total gives: a tree's top rows, or every row of a list."""
        table_key, column = path.split(".")
        table = self.form.tables[table_key]
        if table.kind == "tree":
            return tuple(f"{table_key}.{r.key}.{column}" for r in table.tree if r.depth == 0)
        return tuple(f"{table_key}.{i}.{column}" for i in range(len(rows(self.doc, table))))

    def any_amount(self, path: str) -> bool:
        table_key, column = path.split(".")
        raw = self.doc.get(table_key)
        values = raw.values() if isinstance(raw, dict) else (raw or [])
        return any(str((v or {}).get(column) or "").strip() for v in values)

    def grade_text(self, paths: list[str]) -> str:
        """评价等次 by the profile's bounds, from the 综合得分; blank while nothing is scored."""
        grader, score = self.fmt.context.get("grade_of"), scored_total(self.form, self.doc, paths)
        if grader is None or score is None:
            return ""
        try:
            return grader(score)
        except ValueError:  # a draft whose score is out of range: the checks name it; print “—”
            return "—"

    def consequence_text(self, spec: L.ConsequenceCell) -> str:
        result_of, score = self.fmt.context.get("result_of"), scored_total(self.form, self.doc, spec.consequence)
        if result_of is None or score is None:
            return ""
        amount = column_total(self.form, self.doc, spec.amount) if spec.amount else None
        try:
            return result_of(score, amount or None)
        except ValueError:
            return "—"

    def tick_tree(self, spec: L.TickTreeCell, span: int, rowspan: int) -> Cell:
        main = self.form.fields[spec.tick_tree]
        sub = self.form.fields[spec.sub]
        chosen, chosen_sub = self.doc.get(main.key), self.doc.get(sub.key)
        lines = []
        for i, option in enumerate(main.options):
            subs = " ".join(f"{s} {TICKED if option == chosen and s == chosen_sub else UNTICKED}"
                            for s in sub.options_by.get(option, ()))
            lines.append(f"{i + 1}.{option} {TICKED if option == chosen else UNTICKED}　其中：{subs}")
        return Cell(0, 0, span, rowspan, "\n".join(lines), "value", "left", path=main.key)

    def review(self, spec: L.ReviewCell, span: int, rowspan: int) -> Cell:
        opinion = display(self.form.fields[spec.opinion], self.doc.get(spec.opinion))
        reviewer = display(self.form.fields[spec.reviewer], self.doc.get(spec.reviewer))
        day = display(self.form.fields[spec.date], self.doc.get(spec.date)) or BLANK_DATE
        body = self.fmt.context.get("review_bodies", {}).get(spec.opinion)  # who signed the row, by the seal
        signed = f"{'　' * max(1, 15 - len(body))}{body}　{day}" if body else f"{'　' * 16}{day}"
        text = f"{opinion}\n审核人：{reviewer or BLANK * 3}　　　　　　　　单位公章\n{signed}"
        return Cell(0, 0, span, rowspan, text, "value", "left", min_lines=4, path=spec.opinion)

    def column_cell(self, table_key: str, spec: L.ColumnCell, raw: dict, index: int, prefix: str = "") -> Cell:
        table = self.form.tables[table_key]
        col = table.column(spec.column)
        value = raw.get(col.key)
        text = display(col, value)
        numeric = col.type in ("amount", "score")
        number = lenient(col, value) if numeric else None
        role = "amount" if numeric else "value"
        align = spec.align or ("right" if numeric else "center")
        return Cell(0, 0, spec.span, 1, prefix + text, role, align, number=number,
                    path=f"{table_key}.{index}.{col.key}")

    def repeat(self, node: L.RepeatRows, col0: int, headers: tuple[int, ...]) -> None:
        table = self.form.tables[node.repeat]
        data_rows = rows(self.doc, table)
        count = max(len(data_rows), table.print_rows, table.fixed_rows)
        for index in range(count):
            raw = data_rows[index] if index < len(data_rows) else {}
            row = self.new_row(False, headers)
            cells = []
            for position, spec in enumerate(node.cells):
                prefix = f"{index + 1}．" if node.numbered and position == 0 else ""
                cells.append(self.row_cell(table.key, spec, raw, index, prefix))
            self.place(row, col0, cells)

    def tree(self, node: L.TreeRows, col0: int, headers: tuple[int, ...]) -> None:
        table = self.form.tables[node.tree]
        effective = {c.key: tree_values(self.form, self.doc, table.key, c.key) for c in table.columns}
        effective.update(derived_values(self.form, self.doc, table.key))
        for position, tree_row in enumerate(table.tree):
            row = self.new_row(False, headers)
            cells = []
            for spec in node.cells:
                span = spec.span
                match spec:
                    case L.FieldCell():  # one cell beside every row (分值, 得分 of the whole table)
                        if position == 0:
                            cells.append(self.static_cell(spec, rowspan=len(table.tree)))
                    case L.PointsCell():  # a score table's 分值 (the item's cap); blank where the seed gives none
                        shown = spec.depths is None or tree_row.depth in spec.depths
                        points = tree_row.points if shown else None
                        cells.append(Cell(0, 0, span, 1, "" if points is None else format(points.normalize(), "f"),
                                          "value", "center"))
                    case L.TextCell():  # fixed text in every row (“—” where a block has no score)
                        cells.append(Cell(0, 0, span, 1, self.fill(spec.text), "label", spec.align))
                    case L.DepthsCell():  # a label printed in this column only for rows of these depths
                        shown = tree_row.depth in spec.depths
                        cells.append(Cell(0, 0, span, 1, tree_row.label if shown else "", "label", spec.align))
                    case L.LabelCell():
                        cells.append(Cell(0, 0, span, 1, "　" * (2 * tree_row.depth) + tree_row.label, "label",
                                          spec.align))
                    case L.ColumnCell():
                        value = effective[spec.column][tree_row.key]
                        formula = self.tree_formula(table, tree_row, spec.column)
                        if spec.column in table.derived and table.derived[spec.column].get("rate"):
                            # a rate is a percentage with two decimals; a zero denominator shows “—”
                            cells.append(Cell(0, 0, span, 1, "—" if value is None else f"{value:.2f}", "value",
                                              "right", number=value, formula=formula))
                        else:
                            cells.append(Cell(0, 0, span, 1, money.format_amount(value), "amount", "right",
                                              number=value, path=f"{table.key}.{tree_row.key}.{spec.column}",
                                              formula=formula))
            self.place(row, col0, cells)

    def tree_formula(self, table, tree_row, column: str) -> tuple[str, tuple[str, ...]] | None:
        """How a tree cell is computed: a derived column from its row, a parent from its children
        (when left blank, or always in a `sum_parents` table), else None (typed in)."""
        def at(key: str, col: str = column) -> str:
            return f"{table.key}.{key}.{col}"
        rule = table.derived.get(column)
        if rule is not None:
            if "sum" in rule:
                return ("sum", tuple(at(tree_row.key, part) for part in rule["sum"]))
            return ("rate", tuple(at(tree_row.key, part) for part in rule["rate"]))
        if not tree_row.children:
            return None
        own = ((self.doc.get(table.key) or {}).get(tree_row.key) or {}).get(column)
        if table.sum_parents or lenient(table.column(column), own) is None:
            return ("sum", tuple(at(kid) for kid in tree_row.children))
        return None

    def indicators(self, node: L.IndicatorRows, col0: int, width: int, headers: tuple[int, ...]) -> None:
        """Rows grouped as printed: 一级 label spanning its 二级 labels, each spanning its rows.
        An empty 二级 still prints one blank row, as the official table shows every category."""
        table = self.form.tables[node.indicators]
        s1, s2 = node.spans[0], (node.spans[1] if len(node.spans) > 1 else 0)
        data_rows = list(enumerate(rows(self.doc, table)))
        if not s2:  # one level only (基本指标 → 具体指标): every row sits under the one 二级 ""
            data_rows = [(i, dict(r, level2="")) for i, r in data_rows]
        taxonomy = [(l1, list(l2s) if s2 else [""]) for l1, l2s in table.taxonomy]
        # Rows whose levels are not in the taxonomy still print, under their own labels.
        known = {(l1, l2) for l1, l2s in taxonomy for l2 in l2s}
        for _, r in data_rows:
            key = (r.get("level1") or "", r.get("level2") or "")
            if key not in known:
                known.add(key)
                same_level1 = next((t for t in taxonomy if t[0] == key[0]), None)
                if same_level1:
                    same_level1[1].append(key[1])
                else:
                    taxonomy.append((key[0], [key[1]]))
        for level1, level2s in taxonomy:
            first1 = self.grid.n_rows
            for level2 in level2s:
                first2 = self.grid.n_rows
                mine = [(i, r) for i, r in data_rows if (r.get("level1") or "") == level1
                        and (r.get("level2") or "") == level2] or [(-1, {})]
                for index, r in mine:
                    row = self.new_row(False, headers)
                    cells = [self.row_cell(table.key, spec, r, index) for spec in node.cells]
                    self.place(row, col0 + s1 + s2, cells)
                if s2:
                    self.grid.cells.append(Cell(first2, col0 + s1, s2, self.grid.n_rows - first2, level2, "label"))
            self.grid.cells.append(Cell(first1, col0, s1, self.grid.n_rows - first1, level1, "label"))
            self.occupancy.reserve(first1, self.grid.n_rows - 1, col0, s1 + s2)

    def row_cell(self, table_key: str, spec, raw: dict, index: int, prefix: str = "") -> Cell:
        """A cell of a repeating row: a column's value, a √ column for one option of a choice, or
        fixed text (a blank signature column)."""
        match spec:
            case L.TickCell():
                chosen = raw.get(spec.tick) == spec.option
                return Cell(0, 0, spec.span, 1, "√" if chosen else "", "value", "center",
                            path=f"{table_key}.{index}.{spec.tick}" if index >= 0 else table_key,
                            option=spec.option)
            case L.ColumnCell():
                cell = self.column_cell(table_key, spec, raw, index, prefix)
                if index < 0:
                    cell.path = table_key
                return cell
        return self.static_cell(spec)


def build_grid(form: FormDef, doc: dict, context: dict[str, Any]) -> Grid:
    """context: region, level, year, finance_office — what the title and labels need."""
    from perfdesk.domain.computed import computed_document

    # the computed cells (得分, 合计, 等次) as the unit's rules give them, never as stored
    doc = computed_document(form, doc, context.get("profile"))
    builder = _Builder(form, doc, context)
    builder.expand(form.layout.body, 0, builder.grid.columns, ())
    grid = builder.grid
    grid.cells.sort(key=lambda c: (c.row, c.col))
    # Text pasted from Word or Excel can carry control characters (\x0b line tabs, bells): neither a
    # PDF font nor an Excel cell can hold them, so they print as spaces.
    for cell in grid.cells:
        cell.text = printable(cell.text)
    grid.title, grid.subtitle = printable(grid.title), printable(grid.subtitle)
    grid.above = [(printable(t), a) for t, a in grid.above]
    grid.below = [(printable(t), a) for t, a in grid.below]
    grid.cover = [(printable(t), a, s) for t, a, s in grid.cover]
    return grid


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def printable(text: str) -> str:
    return _CONTROL.sub(" ", text)
