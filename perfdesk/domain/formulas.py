"""The indicator library's formulas, evaluated safely and exactly.

An expression is parsed with `ast` and may hold only + - * /, parentheses, numbers and the names of its
inputs; it is walked node by node in Decimal, never passed to eval. A percentage (the seed's “×100%”) is
multiplied by 100; every result is rounded half up to its places (two unless the library says otherwise).
"""

from __future__ import annotations

from perfdesk.errors import UserError

import ast
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Mapping

PERCENT = "%"
RATIO = "ratio"
BETTER = ("higher", "lower", "neutral")
_MAX_EXPRESSION = 500
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")
_OPERATORS = {ast.Add: "＋", ast.Sub: "－", ast.Mult: "×", ast.Div: "÷"}
_RANK = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}


class FormulaError(UserError, ValueError):
    """A formula that cannot be computed from what was given; the message says what to fill in, in Chinese."""


@dataclass(frozen=True)
class Input:
    key: str
    label: str
    unit: str = ""


@dataclass(frozen=True)
class FormulaResult:
    value: Decimal
    unit: str
    text: str  # as shown: "95.00%", "1.25", "1,234.00 人/所"


@dataclass(frozen=True)
class Formula:
    id: str
    name: str
    expression: str
    inputs: tuple[Input, ...]
    unit: str
    better: str = "higher"
    places: int = 2
    already_percent: bool = False  # an average of rates already in %: not multiplied by 100
    seed: str = ""  # the formula as the regulation writes it
    note: str = ""
    _tree: ast.Expression = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.better not in BETTER:
            raise FormulaError(f"公式 {self.id} 的 better 只能是 higher、lower 或 neutral")
        tree = parse(self.expression)
        used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        declared = {i.key for i in self.inputs}
        if used - declared:
            raise FormulaError(f"公式 {self.id} 使用了未说明的输入：{'、'.join(sorted(used - declared))}")
        if declared - used:
            raise FormulaError(f"公式 {self.id} 说明了未使用的输入：{'、'.join(sorted(declared - used))}")
        object.__setattr__(self, "_tree", tree)

    @property
    def is_percent(self) -> bool:
        return self.unit == PERCENT

    def input(self, key: str) -> Input:
        for item in self.inputs:
            if key in (item.key, item.label):
                return item
        raise FormulaError(f"“{self.name}”没有名为“{key}”的输入")

    def evaluate(self, values: Mapping[str, object]) -> FormulaResult:
        return evaluate(self, values)


def parse(expression: str) -> ast.Expression:
    """Parse and check an expression: only numbers, names, + - * / and parentheses."""
    if not isinstance(expression, str) or not expression.strip():
        raise FormulaError("公式为空")
    if len(expression) > _MAX_EXPRESSION:
        raise FormulaError(f"公式过长（最多 {_MAX_EXPRESSION} 个字符）")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise FormulaError(f"公式“{expression}”无法解析，只能使用数字、输入名称、+ - * / 和括号") from None
    for node in ast.walk(tree):
        allowed = (
            isinstance(node, (ast.Expression, ast.Load, ast.Name))
            or (isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS)
            or isinstance(node, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.UAdd, ast.USub))
            or (isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)))
            or (isinstance(node, ast.Constant) and type(node.value) in (int, float))
        )
        if not allowed:
            raise FormulaError(f"公式“{expression}”含有不允许的内容，只能使用数字、输入名称、+ - * / 和括号")
    return tree


def parse_number(value: object, label: str, *, percent_sign: bool = False) -> Decimal | None:
    """A typed value as Decimal ("1,234.5", "１２", " 7 "); blank gives None. Floats are refused."""
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, float):
        raise FormulaError(f"“{label}”必须以文字或 Decimal 给出，不能用浮点数")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise FormulaError(f"“{label}”必须是有限的数字")
        return value
    if not isinstance(value, str):
        raise FormulaError(f"“{label}”的类型 {type(value).__name__} 无法识别，请填写数字")
    text = value.translate(_FULL_WIDTH).replace(",", "").replace(" ", "").strip()
    if percent_sign and text.endswith("%"):
        text = text[:-1]
    if text == "":
        return None
    if not _NUMBER.match(text):
        raise FormulaError(f"“{label}”填写的“{value.strip()}”不是有效的数字，请只填写数字，例如 12.5")
    return Decimal(text)


def evaluate(formula: Formula, values: Mapping[str, object]) -> FormulaResult:
    """Compute a formula from its inputs, given by key or by Chinese label."""
    numbers: dict[str, Decimal] = {}
    missing = []
    for item in formula.inputs:
        raw = values.get(item.key, values.get(item.label))
        number = parse_number(raw, item.label, percent_sign=item.unit == PERCENT)
        if number is None:
            missing.append(item.label)
        else:
            numbers[item.key] = number
    if missing:
        raise FormulaError(f"缺少{'、'.join(f'“{m}”' for m in missing)}，请填写")
    labels = {item.key: item.label for item in formula.inputs}
    with localcontext() as ctx:
        ctx.prec = 40
        value = _walk(formula._tree.body, numbers, labels, formula, formula.expression)
        if formula.is_percent and not formula.already_percent:
            value *= 100
        value = value.quantize(Decimal(1).scaleb(-formula.places), rounding=ROUND_HALF_UP)
    return FormulaResult(value=value, unit=formula.unit, text=format_value(value, formula.unit))


def format_value(value: Decimal, unit: str) -> str:
    if unit == PERCENT:
        return f"{value:,}%"
    if unit == RATIO:
        return f"{value:,}"
    return f"{value:,} {unit}"


def _walk(node, numbers, labels, formula: Formula, source: str) -> Decimal:
    if isinstance(node, ast.Constant):
        return Decimal(ast.get_source_segment(source, node) or str(node.value))
    if isinstance(node, ast.Name):
        return numbers[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _walk(node.operand, numbers, labels, formula, source)
        return -operand if isinstance(node.op, ast.USub) else operand
    left = _walk(node.left, numbers, labels, formula, source)
    right = _walk(node.right, numbers, labels, formula, source)
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    if right == 0:
        raise FormulaError(f"“{describe(node.right, labels)}”为 0，无法计算{formula.name}")
    try:
        return left / right
    except InvalidOperation:  # pragma: no cover - a zero divisor is caught above
        raise FormulaError(f"无法计算{formula.name}") from None


def describe(node, labels: Mapping[str, str]) -> str:
    """An expression in the regulation's words: 财政安排应支出数＋社会筹集应支出数."""
    if isinstance(node, ast.Name):
        return labels.get(node.id, node.id)
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.UnaryOp):
        return ("－" if isinstance(node.op, ast.USub) else "") + describe(node.operand, labels)
    rank = _RANK[type(node.op)]
    left, right = describe(node.left, labels), describe(node.right, labels)
    if isinstance(node.left, ast.BinOp) and _RANK[type(node.left.op)] < rank:
        left = f"（{left}）"
    if isinstance(node.right, ast.BinOp) and (_RANK[type(node.right.op)] < rank
                                              or (_RANK[type(node.right.op)] == rank and isinstance(node.op, (ast.Sub, ast.Div)))):
        right = f"（{right}）"
    return f"{left}{_OPERATORS[type(node.op)]}{right}"


def formula_from_data(data: Mapping, *, id: str, name: str) -> Formula:
    """A Formula from its description in forms/indicator_library.yaml."""
    try:
        inputs = tuple(Input(key=str(k), label=str(v["label"]), unit=str(v.get("unit") or ""))
                       for k, v in (data.get("inputs") or {}).items())
        return Formula(id=id, name=str(data.get("name") or name), expression=str(data["expression"]),
                       inputs=inputs, unit=str(data["unit"]), better=str(data.get("better", "higher")),
                       places=int(data.get("places", 2)), already_percent=bool(data.get("already_percent", False)),
                       seed=str(data.get("seed") or ""), note=str(data.get("note") or ""))
    except (KeyError, TypeError, AttributeError) as exc:
        raise FormulaError(f"指标库中公式 {id} 的格式有误：缺少或错写了 {exc}") from None
