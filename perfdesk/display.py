"""Whether a window can open at all, asked before Qt is loaded: without a display Qt aborts the
process (rc 134) with a hint about libxcb-cursor0 that has nothing to do with the cause."""

from __future__ import annotations

import os
import sys


def missing_display() -> str | None:
    """A Chinese explanation when no display is reachable (Linux without DISPLAY / WAYLAND_DISPLAY
    and no QT_QPA_PLATFORM chosen), else None."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("无法打开图形界面：没有可用的显示器（未设置 DISPLAY 或 WAYLAND_DISPLAY）。\n"
            "请在桌面环境中启动 PerfDesk；远程登录时可用 ssh -X 转发显示。\n"
            "不需要窗口时可使用命令行功能，运行 perfdesk --help 查看。")
