"""Hostile archives are refused from the zip directory alone, before any member is decompressed:
path traversal and absolute names, symlinks, oversized members or totals, zip bombs, duplicate
names, too many members, and other tricks. Nothing is ever extracted to disk."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile

import pytest

from perfdesk.package.archive_safety import LIMITS, Limits, name_problem, read_members
from perfdesk.package.package_errors import PackageError
from perfdesk.package.importer import import_bytes
from perfdesk.package.verifier import verify_package
from test_package_support import counts, members, rezip, stores, trust_unit, world  # noqa: F401 - fixtures


def _zip(entries: list[tuple[str, bytes]], *, attr: int = 0o100644, method=zipfile.ZIP_DEFLATED,
         last_attr: int | None = None) -> bytes:
    """A zip of these entries; last_attr gives the last entry other unix mode bits."""
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names we write on purpose
        with zipfile.ZipFile(out, "w") as archive:
            for index, (name, data) in enumerate(entries):
                info = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
                mode = last_attr if last_attr is not None and index == len(entries) - 1 else attr
                info.external_attr = mode << 16
                info.compress_type = method
                archive.writestr(info, data)
    return out.getvalue()


def _with(world, name: str, data: bytes = b"x", attr: int | None = None) -> bytes:
    return _zip([*members(world.package).items(), (name, data)], last_attr=attr)


def _encrypted_flag(data: bytes) -> bytes:
    """Set bit 0 (encrypted) of the general purpose flags in every local and central header."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = out.find(signature)
        while at >= 0:
            out[at + offset] |= 0x1
            at = out.find(signature, at + 4)
    return bytes(out)


@pytest.fixture
def no_reading(monkeypatch):
    """Call it once the archive is built: from then on, opening a member fails the test,
    since these archives must be refused from the zip directory alone."""
    def refuse(*_a, **_k):
        raise AssertionError("a member was read before the archive was refused")

    return lambda: monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


HOSTILE_NAMES = [
    "../evil.txt", "attachments/../../evil.txt", "attachments/./x", "/etc/passwd", "C:/Windows/x.txt",
    "c:evil", "..\\..\\evil.txt", "attachments\\x.txt", "attachments//x", "attachments/CON.txt",
    "attachments/x.txt.", "attachments/x.txt ", "a\x01b", "e\u0301.txt", "attachments/" + "长" * 300,
    'attachments/a"b', "attachments/a|b", "attachments/a?b",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_unsafe_member_names_are_refused_before_reading(world, name, no_reading):
    data = _with(world, name)
    no_reading()
    with pytest.raises(PackageError, match="已拒绝"):
        read_members(data)


@pytest.mark.parametrize("name", ["form.json", "attachments/说明 2024.pdf", "attachments/a-b_c.(1).txt"])
def test_ordinary_names_are_fine(name):
    assert name_problem(name) is None


def test_nul_in_a_name_is_refused(world, no_reading):
    # zipfile cuts a name at NUL: "form.json\0../x" would read as form.json. The original name counts.
    data = _with(world, "attachments/zzzzzzzzz")
    data = data.replace(b"attachments/zzzzzzzzz", b"attachments/z\x00../../x")
    no_reading()
    with pytest.raises(PackageError):
        read_members(data)


@pytest.mark.parametrize("mode,reason", [(0o120777, "符号链接"), (0o060644, "不是普通文件"),
                                         (0o020644, "不是普通文件"), (0o040755, "不是普通文件")])
def test_symlinks_and_special_files_are_refused(world, mode, reason, no_reading):
    data = _with(world, "attachments/link", b"/etc/passwd", attr=mode)
    no_reading()
    with pytest.raises(PackageError, match=reason):
        read_members(data)


def test_directory_entries_are_refused(world, no_reading):
    data = _with(world, "attachments/", b"", attr=0o040755)
    no_reading()
    with pytest.raises(PackageError, match="文件夹|路径段"):
        read_members(data)


def test_duplicate_names_are_refused(world, no_reading):
    twice = _with(world, "form.json", b'{"evil": true}')
    folded = _with(world, "FORM.json", b"{}")  # the same file on Windows
    no_reading()
    for data in (twice, folded):
        with pytest.raises(PackageError, match="重名"):
            read_members(data)


def test_too_many_members_are_refused(no_reading):
    entries = [(f"attachments/{i}.txt", b"x") for i in range(LIMITS.members + 1)]
    data = _zip(entries)
    no_reading()
    with pytest.raises(PackageError, match="超过上限"):
        read_members(data)


def test_oversized_member_and_total_are_refused(no_reading):
    small = Limits(member=1000, total=1500)
    one = _zip([("a", b"x" * 1001)], method=zipfile.ZIP_STORED)
    two = _zip([("a", b"x" * 800), ("b", b"y" * 800)], method=zipfile.ZIP_STORED)
    no_reading()
    with pytest.raises(PackageError, match="解压后超过"):
        read_members(one, small)
    with pytest.raises(PackageError, match="总大小"):
        read_members(two, small)
    with pytest.raises(PackageError, match="超过"):
        read_members(b"PK" + b"\0" * 100, Limits(file=50))


def test_zip_bomb_is_refused_by_ratio(no_reading):
    bomb = _zip([("attachments/zeros.bin", b"\0" * (LIMITS.member - 1))])
    assert len(bomb) < 100_000
    no_reading()
    with pytest.raises(PackageError, match="压缩比"):
        read_members(bomb)


def test_declared_size_that_lies_is_caught_while_reading():
    # Central directory says 10 bytes; the data inflates to 1 MB. Reading stops at 10 and the CRC fails.
    data = bytearray(_zip([("attachments/a.bin", b"\0" * 1_000_000)]))
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 10)  # uncompressed size in the central directory
    with pytest.raises(PackageError, match="已损坏|不符"):
        read_members(bytes(data))


def test_encrypted_and_unsupported_compression_are_refused(no_reading):
    encrypted = _encrypted_flag(_zip([("a", b"x")]))
    bzip2 = _zip([("a", b"x" * 100)], method=zipfile.ZIP_BZIP2)
    no_reading()
    with pytest.raises(PackageError, match="加密"):
        read_members(encrypted)
    with pytest.raises(PackageError, match="压缩方式"):
        read_members(bzip2)


@pytest.mark.parametrize("junk", [b"", b"not a zip", b"PK\x03\x04" + b"\xff" * 60, b"PK\x05\x06" + b"\0" * 18])
def test_not_a_zip_is_refused(junk):
    with pytest.raises(PackageError):
        verify_package(junk)


def test_truncated_package_is_refused(world):
    for cut in (10, len(world.package) // 2, len(world.package) - 10):
        with pytest.raises(PackageError):
            read_members(world.package[:cut])


def test_hostile_archives_are_rejected_by_the_importer(world, stores):
    _, office = stores
    trust_unit(office, world)
    before = counts(office)
    hostile = [_with(world, name) for name in HOSTILE_NAMES[:6]]
    hostile += [_with(world, "attachments/l", attr=0o120777), _with(world, "form.json", b"{}"),
                _zip([(f"attachments/{i}", b"x") for i in range(100)]),
                _zip([("attachments/zeros.bin", b"\0" * (LIMITS.member - 1))]), b"", world.package[:500]]
    for package in hostile:
        outcome = import_bytes(office, package, "hostile.pdpkg")
        assert outcome.status == "rejected" and outcome.message, outcome
    after = counts(office)
    assert after["form_instances"] == before["form_instances"] == 0
    assert after["inbox"] == before["inbox"] + len(hostile)  # each refusal noted once, with its reason
    assert all(e.status == "已拒绝" and e.reason for e in office.inbox())


def test_a_good_package_reads_in_memory(world):
    items = read_members(world.package)
    assert set(items) == set(members(world.package))
    assert rezip(items)[:2] == b"PK"
