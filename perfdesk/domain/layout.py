"""The printed grid of a form file (`layout:`) as typed nodes, checked when the file loads.

Each kind of row and cell is one class; a node is told apart by the key that names it (`group:`,
`repeat:`, `field:`, `sum:` …), so the file keeps its plain shape while every reader — the PDF/Excel
grid (render/grid.py), the editor's sections and headings (ui/editor/sections.py, headers.py) and the
diff (form_diff.py) — matches on these classes instead of looking for keys in dicts.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Iterator, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, Tag, model_validator

Align = Literal["left", "center", "right"]
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Node(BaseModel):
    """A node of the form file: unknown keys are refused; it remembers the line it starts on."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    _line: int = PrivateAttr(default=0)
    _key_lines: dict = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _remember_line(cls, data: Any, handler):
        node = handler(data)
        node._line = getattr(data, "line", 0)  # the YAML reader's LineDict knows it
        node._key_lines = getattr(data, "key_lines", {})
        return node

    def line_of(self, key: str | None = None) -> int:
        return self._key_lines.get(key, self._line) if key else self._line

    def field_lines(self, known: set[str]) -> list[tuple[str, ...]]:
        """The fields this node shows, line by line as the editor lays them out (a review cell: the
        opinion, then reviewer and date); `known` tells a field's {placeholder} from a context value's."""
        return []


# --- cells ------------------------------------------------------------------------------------------

class _Cell(Node):
    span: int = Field(1, ge=1)

    def references(self) -> Iterator[tuple[str, str, str]]:
        """(what, name, key): what is field | table | column_path | column; key is the file key."""
        return iter(())


class _Spanned(_Cell):
    rowspan: int = Field(1, ge=1)


def placeholders(template: str, known: set[str]) -> tuple[str, ...]:
    return tuple(n for n in _PLACEHOLDER.findall(template) if n in known)


class TextCell(_Spanned):
    """Fixed text: a label, a column header."""
    text: str
    align: Align = "center"


class FieldCell(_Spanned):
    """A field's value; `whole` in a tree row: one cell beside all of the tree's rows (分值, 得分)."""
    field: str
    align: Optional[Align] = None  # longtext left, others centred
    min_lines: Optional[int] = Field(None, ge=1)  # printed: 1 when not given
    whole: bool = False

    def field_lines(self, known):
        return [(self.field,)]

    def references(self):
        yield "field", self.field, "field"


class TemplateCell(_Spanned):
    """Text with {field} and {context} placeholders filled."""
    template: str
    align: Align = "center"
    min_lines: Optional[int] = Field(None, ge=1)  # printed: 1 when not given

    def field_lines(self, known):
        names = placeholders(self.template, known)
        return [names] if names else []


class TicksCell(_Spanned):
    """A choice printed as its options with tick boxes."""
    ticks: str
    numbered: bool = False

    def field_lines(self, known):
        return [(self.ticks,)]

    def references(self):
        yield "field", self.ticks, "ticks"


class TickTreeCell(_Spanned):
    """A choice and its sub-choice (项目支出类型 and its 其中), each option with tick boxes."""
    tick_tree: str
    sub: str

    def field_lines(self, known):
        return [(self.tick_tree,), (self.sub,)]

    def references(self):
        yield "field", self.tick_tree, "tick_tree"
        yield "field", self.sub, "sub"


class SumCell(_Spanned):
    """合计 of a table column (`table.column`)."""
    sum: str

    def references(self):
        yield "column_path", self.sum, "sum"


class ReviewCell(_Spanned):
    """A review opinion with its reviewer, date and the seal's place."""
    review: str
    opinion: str
    reviewer: str
    date: str

    def field_lines(self, known):
        return [(self.opinion,), (self.reviewer, self.date)]

    def references(self):
        for key in ("opinion", "reviewer", "date"):
            yield "field", getattr(self, key), key


class ComputedCell(_Spanned):
    """A cell the program works out from the document (综合得分, 评价等次, 结果应用)."""
    kind: str = ""

    def score_paths(self) -> list[str]:
        raise NotImplementedError


class TotalCell(ComputedCell):
    """综合得分: the sum of several score columns."""
    total: list[str]
    kind: str = "total"

    def score_paths(self):
        return self.total

    def references(self):
        for path in self.total:
            yield "column_path", path, "total"


class GradeCell(ComputedCell):
    """评价等次 of the 综合得分, by the unit's profile."""
    grade: list[str]
    kind: str = "grade"

    def score_paths(self):
        return self.grade

    def references(self):
        for path in self.grade:
            yield "column_path", path, "grade"


class ConsequenceCell(ComputedCell):
    """结果应用: what the grade means for next year's budget."""
    consequence: list[str]
    amount: Optional[str] = None
    kind: str = "consequence"

    def score_paths(self):
        return self.consequence

    def references(self):
        for path in self.consequence:
            yield "column_path", path, "consequence"
        if self.amount:
            yield "column_path", self.amount, "amount"


class ColumnCell(_Cell):
    """A column's value in a table row."""
    column: str
    align: Optional[Align] = None  # numbers right, others centred

    def references(self):
        yield "column", self.column, "column"


class TickCell(_Cell):
    """A √ column: ticked when the row's choice `tick` holds `option` (完成目标可能性)."""
    tick: str
    option: str

    def references(self):
        yield "column", self.tick, "tick"


class LabelCell(_Cell):
    """A tree row's label, indented by its depth."""
    label: Literal[True]
    align: Literal["left"] = "left"


class DepthsCell(_Cell):
    """A tree row's label printed in this column only for rows of these depths."""
    depths: list[int]
    align: Align = "left"


class PointsCell(_Cell):
    """A score table's 分值 (the item's cap), for rows of `depths` (all rows when not given)."""
    points: Literal[True]
    depths: Optional[list[int]] = None


_CELL_KEYS = ("points", "tick_tree", "ticks", "tick", "review", "consequence", "total", "grade", "sum", "depths",
              "label", "column", "field", "template", "text")


def _cell_kind(value: Any) -> str | None:
    """The key that says what a cell is; None (refused: “无法识别的单元格”) when it has none."""
    return next((k for k in _CELL_KEYS if k in value), None) if isinstance(value, dict) else None


_STATIC = (Annotated[TextCell, Tag("text")], Annotated[FieldCell, Tag("field")],
           Annotated[TemplateCell, Tag("template")], Annotated[TicksCell, Tag("ticks")],
           Annotated[TickTreeCell, Tag("tick_tree")], Annotated[SumCell, Tag("sum")],
           Annotated[ReviewCell, Tag("review")], Annotated[TotalCell, Tag("total")],
           Annotated[GradeCell, Tag("grade")], Annotated[ConsequenceCell, Tag("consequence")])
StaticCell = Annotated[Union[_STATIC], Discriminator(_cell_kind)]
RowCell = Annotated[Union[_STATIC + (Annotated[ColumnCell, Tag("column")], Annotated[TickCell, Tag("tick")])],
                    Discriminator(_cell_kind)]
TreeCell = Annotated[Union[Annotated[ColumnCell, Tag("column")], Annotated[LabelCell, Tag("label")],
                           Annotated[DepthsCell, Tag("depths")], Annotated[PointsCell, Tag("points")],
                           Annotated[TextCell, Tag("text")], Annotated[FieldCell, Tag("field")]],
                     Discriminator(_cell_kind)]
CELL_TAGS = frozenset(_CELL_KEYS)


# --- rows -----------------------------------------------------------------------------------------

class Row(Node):
    """A row of fixed cells; `header` rows repeat above a table part on every page it runs onto."""
    cells: list[StaticCell]
    header: bool = False


class TableRows(Node):
    def table_key(self) -> str:
        raise NotImplementedError


class RepeatRows(TableRows):
    """One printed row per row of a `rows`/`fixed` table; `numbered` puts 1．2．… before the first cell."""
    repeat: str
    numbered: bool = False
    cells: list[RowCell]

    def table_key(self):
        return self.repeat


class TreeRows(TableRows):
    """One printed row per fixed row of a `tree` table, in the tree's order."""
    tree: str
    cells: list[TreeCell]

    def table_key(self):
        return self.tree


class IndicatorRows(TableRows):
    """Indicator rows under their 一级 and 二级 labels, which take the first `spans` columns."""
    indicators: str
    spans: list[Annotated[int, Field(ge=1)]] = Field(min_length=1, max_length=2)
    cells: list[RowCell]

    def table_key(self):
        return self.indicators


class Heading(Node):
    """A heading of a report (一、 level 1, （一） level 2)."""
    heading: str
    level: int = Field(1, ge=1, le=3)


class Paragraph(Node):
    """A paragraph written from a template (a letter's body)."""
    paragraph: str
    indent: bool = True
    align: Align = "left"

    def field_lines(self, known):
        names = placeholders(self.paragraph, known)
        return [names] if names else []


class FieldParagraph(Node):
    """A report's paragraph: a field's text, first lines indented."""
    field: str
    min_lines: Optional[int] = Field(None, ge=1)  # printed: 2 when not given

    def field_lines(self, known):
        return [(self.field,)]


class Group(Node):
    """A label down the left `span` columns beside all of its rows (vertical: written top to bottom)."""
    group: str
    span: int = Field(1, ge=1)
    vertical: bool = False
    rows: list["BodyNode"]


NODE_KEYS = ("group", "repeat", "tree", "indicators", "heading", "paragraph", "field", "cells")


def _node_kind(value: Any) -> str | None:
    return next((k for k in NODE_KEYS if k in value), None) if isinstance(value, dict) else None


BodyNode = Annotated[Union[Annotated[Group, Tag("group")], Annotated[RepeatRows, Tag("repeat")],
                           Annotated[TreeRows, Tag("tree")], Annotated[IndicatorRows, Tag("indicators")],
                           Annotated[Heading, Tag("heading")], Annotated[Paragraph, Tag("paragraph")],
                           Annotated[FieldParagraph, Tag("field")], Annotated[Row, Tag("cells")]],
                     Discriminator(_node_kind)]
Group.model_rebuild()


# --- lines above and below the table, and the cover ---------------------------------------------------

class TextLine(Node):
    text: str
    align: Align = "left"

    def field_lines(self, known: set[str]) -> list[tuple[str, ...]]:
        return []


class TemplateLine(Node):
    template: str
    align: Align = "left"

    def field_lines(self, known: set[str]) -> list[tuple[str, ...]]:
        names = placeholders(self.template, known)
        return [names] if names else []


Line = Annotated[Union[Annotated[TextLine, Tag("text")], Annotated[TemplateLine, Tag("template")]],
                 Discriminator(lambda v: next((k for k in ("template", "text") if k in v), None)
                               if isinstance(v, dict) else None)]


class CoverText(TextLine):
    align: Align = "center"
    size: float = 14


class CoverTemplate(TemplateLine):
    align: Align = "center"
    size: float = 14


class CoverTicks(Node):
    """评价类型：事前评价☑ 事中评价□ …"""
    ticks_line: str
    label: str
    align: Align = "center"
    size: float = 14

    def field_lines(self, known: set[str]) -> list[tuple[str, ...]]:
        return [(self.ticks_line,)]


CoverLine = Annotated[Union[Annotated[CoverText, Tag("text")], Annotated[CoverTemplate, Tag("template")],
                            Annotated[CoverTicks, Tag("ticks_line")]],
                      Discriminator(lambda v: next((k for k in ("ticks_line", "template", "text") if k in v), None)
                                    if isinstance(v, dict) else None)]


class Layout(Node):
    columns: int = Field(ge=1)
    column_mm: float = Field(gt=0)
    prose: bool = False  # a report: headings and paragraphs, no table rules
    above: list[Line] = []
    below: list[Line] = []
    cover: list[CoverLine] = []
    body: list[BodyNode]


# --- walking -----------------------------------------------------------------------------------------

def cells_of(node: Node) -> list[_Cell]:
    return list(getattr(node, "cells", []) or [])


def walk(nodes: list, depth: int = 0) -> Iterator[tuple[Node, int]]:
    """Every body node, groups before their rows, with its depth of groups."""
    for node in nodes:
        yield node, depth
        if isinstance(node, Group):
            yield from walk(node.rows, depth + 1)


def table_rows_with_headers(nodes: list) -> Iterator[tuple[TableRows, list[Row]]]:
    """Each table row node with the header rows straight before it (in its own group)."""
    headers: list[Row] = []
    for node in nodes:
        if isinstance(node, Group):
            yield from table_rows_with_headers(node.rows)
            headers = []
        elif isinstance(node, Row) and node.header:
            headers.append(node)
        elif isinstance(node, TableRows):
            yield node, headers
            headers = []
        else:
            headers = []


# --- placing cells: the one row-span algorithm ----------------------------------------------------------

class Occupancy:
    """Which columns of which rows are taken, as cells are placed left to right: a cell skips the
    columns a cell above it still spans (rowspan) or a group's label holds."""

    def __init__(self) -> None:
        self.taken: dict[int, set[int]] = {}

    def place(self, row: int, col0: int, spans: list[tuple[int, int]]) -> tuple[list[int], int]:
        """Columns of the cells (span, rowspan) placed in `row` from `col0`, and the column after the last."""
        taken = self.taken.setdefault(row, set())
        col, out = col0, []
        for span, rowspan in spans:
            while col in taken:
                col += 1
            out.append(col)
            if rowspan == 1:  # most cells: this row only
                taken.update(range(col, col + span))
            else:
                self.reserve(row, row + rowspan - 1, col, span)
            col += span
        return out, col

    def reserve(self, first: int, last: int, col0: int, span: int) -> None:
        for r in range(first, last + 1):
            self.taken.setdefault(r, set()).update(range(col0, col0 + span))

    def filled(self, row: int, col0: int, width: int, end: int) -> bool:
        """Whether the cells placed in `row` from `col0` up to `end` fill `width` columns exactly."""
        taken = self.taken.get(row, set())
        return end - col0 == width or (end - col0 < width and all(c in taken for c in range(end, col0 + width)))


def span_problems(layout: Layout, tree_size) -> list[tuple[int, str]]:
    """(line, message) for each row whose cells do not fill the layout's width, placed as the grid
    places them (render/grid.py); `tree_size(table)` gives a tree table's number of rows."""
    problems: list[tuple[int, str]] = []
    occupancy, counter = Occupancy(), [0]

    def row(node: Node, cells: list[_Cell], col0: int, width: int, rowspans: dict[int, int] | None = None) -> None:
        index = counter[0]
        counter[0] += 1
        spans = [(c.span, (rowspans or {}).get(i, getattr(c, "rowspan", 1))) for i, c in enumerate(cells)]
        _, end = occupancy.place(index, col0, spans)
        if not occupancy.filled(index, col0, width, end):
            problems.append((node.line_of(), f"这一行的单元格宽度合计 {end - col0} 栏，应为 {width} 栏"
                                             f"（layout.columns 减去左侧分组占用的栏数），请改正各单元格的 span"))

    def expand(nodes: list, col0: int, width: int) -> None:
        for node in nodes:
            if isinstance(node, Group):
                first = counter[0]
                expand(node.rows, col0 + node.span, width - node.span)
                occupancy.reserve(first, counter[0] - 1, col0, node.span)
            elif isinstance(node, TreeRows):
                size = max(tree_size(node.tree), 1)
                whole = {i: size for i, c in enumerate(node.cells) if isinstance(c, FieldCell) and c.whole}
                row(node, node.cells, col0, width, whole)
                if size > 1:  # the rows after the first: the whole-table cells are already there
                    row(node, [c for c in node.cells if not (isinstance(c, FieldCell) and c.whole)], col0, width)
                    counter[0] += size - 2
            elif isinstance(node, IndicatorRows):
                first, labels = counter[0], sum(node.spans)
                row(node, node.cells, col0 + labels, width - labels)
                occupancy.reserve(first, counter[0] - 1, col0, labels)
            elif isinstance(node, (Row, RepeatRows)):
                row(node, node.cells, col0, width)
            else:  # heading, paragraph: one cell of the full width
                counter[0] += 1

    expand(layout.body, 0, layout.columns)
    return problems
