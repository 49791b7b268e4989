"""Read an untrusted .pdpkg (a zip) in memory, refusing hostile archives before reading a member.

A package arrives on a USB stick from outside: it may be a zip bomb, carry names that would
escape a folder, symlinks, or two members of the same name that different tools resolve
differently. Nothing here touches the disk; every size is bounded before it is read.
"""

from __future__ import annotations

import io
import os
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from perfdesk.package.package_errors import PackageError
from perfdesk.os_errors import explain_os

KiB, MiB = 1024, 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file: int = 64 * MiB  # the .pdpkg itself
    members: int = 64
    member: int = 32 * MiB  # one member, uncompressed
    total: int = 64 * MiB  # all members, uncompressed
    ratio: int = 100  # uncompressed / compressed
    ratio_floor: int = 256 * KiB  # below this, a high ratio is only well-compressed JSON
    name: int = 200  # characters


LIMITS = Limits()

_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_FORBIDDEN = set('\\:<>"|?*')


def name_problem(name: str, limits: Limits = LIMITS) -> str | None:
    """Why a member name is unsafe to keep or later save on Windows or Linux, or None."""
    if not name or len(name) > limits.name:
        return "名称为空或过长"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "含有控制字符"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "是绝对路径"
    if _FORBIDDEN & set(name):
        return "含有 \\ : < > \" | ? * 等不允许的字符"
    if unicodedata.normalize("NFC", name) != name:
        return "未按 Unicode NFC 规范化"
    for part in name.split("/"):
        if part in ("", ".", ".."):
            return "含有空的、“.”或“..”路径段"
        if part != part.rstrip(". ") or _RESERVED.match(part):
            return "含有 Windows 不允许的文件名"
    return None


def read_package_file(path: Path, limits: Limits = LIMITS) -> bytes:
    """The file's bytes, refusing anything but a regular file, and an oversized one, before reading.

    Opened without blocking and checked on the open handle: a FIFO, a device or a folder named
    like a package is refused at once instead of waiting forever for a writer."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise PackageError(f"无法读取文件 {path}：{explain_os(exc)}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PackageError(f"{path} 不是普通文件（可能是文件夹、管道或设备），不是数据包")
        if info.st_size > limits.file:
            raise PackageError(f"文件超过 {limits.file // MiB} MB，不是正常的数据包")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limits.file + 1)
    except OSError as exc:
        raise PackageError(f"无法读取文件 {path}：{explain_os(exc)}") from exc
    finally:
        os.close(fd)
    if len(data) > limits.file:
        raise PackageError(f"文件超过 {limits.file // MiB} MB，不是正常的数据包")
    return data


def _type_problem(info: zipfile.ZipInfo) -> str | None:
    if info.is_dir():
        return "是文件夹条目"
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        return "是符号链接"
    if kind not in (0, stat.S_IFREG):
        return "不是普通文件"
    if info.flag_bits & 0x1:
        return "已加密"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return "使用了不支持的压缩方式"
    return None


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - zipfile raises many kinds on hostile input
        raise PackageError("文件不是有效的数据包（zip 结构已损坏或不是 zip 文件）") from exc


def check_entries(infos: list[zipfile.ZipInfo], limits: Limits = LIMITS) -> None:
    """Refuse the archive from its directory alone, before any member is decompressed."""
    if len(infos) > limits.members:
        raise PackageError(f"数据包含有 {len(infos)} 个文件，超过上限 {limits.members} 个")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.orig_filename  # before zipfile cuts at a NUL or rewrites separators
        why = name_problem(name, limits) or _type_problem(info)
        if why:
            raise PackageError(f"数据包中的文件“{name!s:.80}”{why}，已拒绝")
        folded = name.casefold()
        if folded in seen:
            raise PackageError(f"数据包中有重名文件“{name}”，已拒绝")
        seen.add(folded)
        if info.file_size > limits.member:
            raise PackageError(f"数据包中的文件“{name}”解压后超过 {limits.member // MiB} MB，已拒绝")
        total += info.file_size
        if total > limits.total:
            raise PackageError(f"数据包解压后总大小超过 {limits.total // MiB} MB，已拒绝")
        if info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise PackageError(f"数据包中的文件“{name}”压缩比异常（疑似压缩炸弹），已拒绝")


def read_members(data: bytes, limits: Limits = LIMITS) -> dict[str, bytes]:
    """Every member's bytes by name, or PackageError saying why the archive is refused."""
    if len(data) > limits.file:
        raise PackageError(f"文件超过 {limits.file // MiB} MB，不是正常的数据包")
    with _open(data) as archive:
        infos = archive.infolist()
        check_entries(infos, limits)
        members: dict[str, bytes] = {}
        for info in infos:
            try:
                # zipfile stops at the declared size and checks the CRC, so this is bounded.
                with archive.open(info) as handle:
                    content = handle.read(info.file_size + 1)
            except Exception as exc:  # noqa: BLE001 - a corrupt member can fail in many ways
                raise PackageError(f"数据包中的文件“{info.orig_filename}”已损坏，无法读取") from exc
            if len(content) != info.file_size:
                raise PackageError(f"数据包中的文件“{info.orig_filename}”大小与目录不符，已拒绝")
            members[info.orig_filename] = content
        return members
