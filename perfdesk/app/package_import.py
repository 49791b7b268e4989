"""The import run behind the 导入数据包 dialog, without Qt: one package at a time (so progress
can be shown and the clerk can stop between packages), each through the core's import_bytes.

A package whose signer this store has never registered is not imported in the first pass: it
waits for the clerk to confirm the signer (name, code, fingerprint). Confirmed, it is imported
with trust_new=True; declined, with trust_new=False, so the core refuses it and notes why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from perfdesk.errors import UserError
from perfdesk.store import Store

LABELS = {"imported": "已导入", "updated": "已更新", "duplicate": "已导入过", "rejected": "已拒绝",
          "kept": "保留原版本"}
PENDING, NOT_DONE = "待确认", "未处理"


@dataclass
class NewSigner:
    """A package signer this installation has not registered, as the user must check it."""

    fingerprint: str
    signer_name: str
    unit_name: str
    unit_code: str
    role: str  # unit | office
    files: list[str] = field(default_factory=list)


@dataclass
class Row:
    path: Path
    outcome: object | None = None  # perfdesk.package.importer.Outcome once handled
    signer: NewSigner | None = None  # set while waiting for the clerk's confirmation
    data: bytes | None = None  # kept only while waiting

    @property
    def result(self) -> str:
        if self.outcome is not None:
            return LABELS.get(self.outcome.status, self.outcome.status)
        return PENDING if self.signer is not None else NOT_DONE

    @property
    def reason(self) -> str:
        if self.outcome is not None:
            return self.outcome.message
        if self.signer is not None:
            return f"签名人“{self.signer.signer_name}”（{self.signer.unit_code}）尚未在本机登记，等待确认"
        return "已取消，未处理"


def package_rows(paths: list[Path]) -> list[Row]:
    """One row per package file: folders give their .pdpkg files, as import_paths reads them."""
    from perfdesk.package.importer import package_files

    return [Row(path) for path in package_files(paths)]


def first_pass(store: Store, rows: list[Row], progress: Callable[[int, int, str], None],
               cancelled: Callable[[], bool], *, keep_existing: bool = False) -> None:
    for number, row in enumerate(rows, start=1):
        if cancelled():
            return
        progress(number, len(rows), row.path.name)
        _first(store, row, keep_existing)


def _first(store: Store, row: Row, keep_existing: bool = False) -> None:
    from perfdesk.package.archive_safety import read_package_file
    from perfdesk.package.package_errors import PackageError
    from perfdesk.package.importer import Outcome, import_bytes, import_paths

    if not row.path.is_file():
        row.outcome = import_paths(store, [row.path]).outcomes[0]  # the core's own wording
        return
    try:
        data = read_package_file(row.path)
    except PackageError as exc:
        row.outcome = Outcome(str(row.path), "rejected", str(exc))
        return
    signer = new_signer(store, data)
    if signer is not None:
        signer.files.append(row.path.name)
        row.signer, row.data = signer, data
        return
    row.outcome = import_bytes(store, data, str(row.path), keep_existing=keep_existing)


def new_signer(store: Store, data: bytes) -> NewSigner | None:
    """Who signed the package, when it verifies but its signer is one this store has never
    registered (the core's trust state "new"); None for anything import_bytes decides alone."""
    from perfdesk.package.manifest import digest
    from perfdesk.package.verifier import open_envelope, signer_key_role

    if store.imported_file(digest(data)) is not None:
        return None  # import_bytes reports it as 已导入过
    try:
        verified = open_envelope(data, store)  # the signer only: no member of an unknown signer is parsed
    except UserError:
        return None  # import_bytes refuses it and notes the reason in the inbox
    if verified.trust is None or verified.trust.state != "new":
        return None
    m = verified.manifest
    return NewSigner(fingerprint=verified.fingerprint, signer_name=verified.signer_name, unit_name=m.unit_name,
                     unit_code=m.unit_code, role=signer_key_role(m))


def pending_signers(rows: list[Row]) -> list[NewSigner]:
    """The signers waiting for confirmation, once each, in the order their packages came."""
    seen: dict[str, NewSigner] = {}
    for row in rows:
        if row.outcome is None and row.signer is not None:
            known = seen.setdefault(row.signer.fingerprint, row.signer)
            if known is not row.signer:
                known.files.append(row.path.name)
    return list(seen.values())


def second_pass(store: Store, rows: list[Row], trusted: set[str], progress: Callable[[int, int, str], None],
                cancelled: Callable[[], bool], *, keep_existing: bool = False) -> None:
    """Import the waiting packages: trusting the signers in `trusted` (fingerprints) on first
    import, and letting the core refuse the others."""
    from perfdesk.package.importer import import_bytes

    waiting = [row for row in rows if row.outcome is None and row.signer is not None]
    for number, row in enumerate(waiting, start=1):
        if cancelled():
            return
        progress(number, len(waiting), row.path.name)
        row.outcome = import_bytes(store, row.data, str(row.path), trust_new=row.signer.fingerprint in trusted,
                                   keep_existing=keep_existing)
        row.data = None


def summary(rows: list[Row]) -> str:
    from perfdesk.package.importer import ImportReport

    report = ImportReport([row.outcome for row in rows if row.outcome is not None])
    text = report.summary()
    left = sum(1 for row in rows if row.outcome is None)
    return text + (f"；未处理 {left} 个" if left else "")
