"""argparse's own texts (usage, “positional arguments”, “show this help message and exit”, its
error messages) in Chinese. argparse looks its texts up through gettext at the moment it uses them,
so replacing its two look-up functions is enough; a text not listed here stays as argparse has it."""

from __future__ import annotations

import argparse

_TEXTS = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的值，请核对（如编号、年度应为数字）",
    "expected one argument": "需要给出一个值",
    "expected at most one argument": "最多给出一个值",
    "expected at least one argument": "至少给出一个值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "必须给出以下参数之一：%s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令 %(parser_name)r（可用：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
}
_PLURAL = {"expected %s argument": "需要给出 %s 个值", "expected %s arguments": "需要给出 %s 个值"}


def _text(message: str) -> str:
    return _TEXTS.get(message, message)


def _plural(singular: str, plural: str, n: int) -> str:
    return _PLURAL.get(singular if n == 1 else plural, singular if n == 1 else plural)


def install() -> None:
    """Make every parser built after this speak Chinese."""
    argparse._ = _text  # type: ignore[attr-defined]
    argparse.ngettext = _plural  # type: ignore[attr-defined]

