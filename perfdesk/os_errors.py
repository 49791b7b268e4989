"""Operating-system and SQLite failures said in Chinese: what happened and what to do.

The OS's own text (“No such file or directory”, “file is not a database”) is English on most
machines; a clerk reads the translation, and an unknown case still shows the original in brackets."""

from __future__ import annotations

import errno

# errno → (what happened, what to do)
_OS = {
    errno.ENOENT: ("文件或文件夹不存在", "请核对路径，或先建立该文件夹"),
    errno.EACCES: ("没有访问权限", "请另选一个可以写入的文件夹（如“文档”），或请管理员开放权限"),
    errno.EPERM: ("没有访问权限", "请另选一个可以写入的文件夹（如“文档”），或请管理员开放权限"),
    errno.EROFS: ("磁盘为只读", "请另选一个可以写入的磁盘或文件夹，或取下 U 盘的写保护"),
    errno.ENOSPC: ("磁盘空间不足", "请清理磁盘或另选一个磁盘"),
    errno.EISDIR: ("这是一个文件夹，不是文件", "请给出文件名"),
    errno.ENOTDIR: ("路径中有一段不是文件夹", "请核对路径"),
    errno.EEXIST: ("文件已存在", "请另选文件名"),
    errno.EBUSY: ("文件正被其他程序占用", "请关闭打开它的程序（如 WPS、Excel）后重试"),
    errno.ENAMETOOLONG: ("文件名太长", "请用短一些的文件名或路径"),
    errno.EIO: ("读写磁盘出错", "请检查 U 盘或磁盘是否已插好，或换一个磁盘"),
}
# SQLite's messages (sqlite3 module) → (what happened, what to do)
_SQLITE = {
    "file is not a database": ("该文件不是 PerfDesk 数据库（或已损坏）", "请选择正确的数据库文件，或从备份恢复"),
    "database disk image is malformed": ("数据库文件已损坏", "请用“文件 → 恢复备份”从备份恢复"),
    "database is locked": ("数据库正被另一个程序使用", "请关闭另一个 PerfDesk 窗口后重试"),
    "unable to open database file": ("无法打开数据库文件", "请核对文件夹是否存在、是否有写入权限"),
    "attempt to write a readonly database": ("数据库文件为只读", "请取消文件的只读属性，或将其复制到可写的文件夹"),
    "disk i/o error": ("读写磁盘出错", "请检查磁盘后重试"),
    "database or disk is full": ("磁盘空间不足", "请清理磁盘后重试"),
}


def explain_os(exc: OSError) -> str:
    """“没有访问权限，请另选……” for an OSError; its own text in brackets when the case is unknown."""
    if exc.errno in _OS:
        what, fix = _OS[exc.errno]
        return f"{what}，{fix}"
    if isinstance(exc, PermissionError):
        return "没有访问权限，请另选一个可以写入的文件夹，或请管理员开放权限"
    return f"系统报告错误（{exc.strerror or exc}），请核对路径和磁盘后重试"


def explain_sqlite(text: str) -> str | None:
    """The Chinese for a SQLite driver message, or None when it is not one we know."""
    low = text.lower()
    for known, (what, fix) in _SQLITE.items():
        if known in low:
            return f"{what}，{fix}"
    return None


def explain(exc: BaseException) -> str:
    """Any failure a user is told about: OS errors and SQLite's messages translated."""
    if isinstance(exc, OSError):
        return explain_os(exc)
    return explain_sqlite(str(exc)) or str(exc) or type(exc).__name__
