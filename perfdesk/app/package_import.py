"""Importing packages, the one path the CLI's `perfdesk import` / `task import` and the 导入数据包 dialog share.

look() lists the files (folders give their .pdpkg files); take() verifies and imports them one at a time, each
through the core's import_bytes in its own transaction, so progress can be shown and the clerk can stop between
packages with those done kept. A package whose signer this store has never registered is decided by the
Choices: trusted at once (the CLI's --trust-new, or a fingerprint the clerk confirmed), refused with the core's
reason noted in the inbox, or — when the dialog will ask first — left waiting with its bytes kept, so what is
imported after the confirmation is exactly the file whose signer the clerk saw."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from perfdesk.app.results import Changed
from perfdesk.errors import UserError
from perfdesk.package import PACKAGE_SUFFIX
from perfdesk.store import Store

LABELS = {"imported": "已导入", "updated": "已更新", "duplicate": "已导入过", "rejected": "已拒绝",
          "kept": "保留原版本"}
PENDING, NOT_DONE = "待确认", "未处理"
CHANGING = ("imported", "updated")  # outcomes that wrote a form; the others leave the forms as they were

Progress = Callable[[int, int, str], None]  # (number, of, file name) before each package


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
class Preview:
    """One package file: what became of it (outcome), or whose confirmation it waits for (signer)."""

    path: Path
    outcome: object | None = None  # perfdesk.package.importer.Outcome once handled
    signer: NewSigner | None = None  # set while waiting for the clerk's confirmation
    data: bytes | None = None  # kept only while waiting

    @property
    def waiting(self) -> bool:
        return self.outcome is None and self.signer is not None

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


@dataclass(frozen=True)
class Choices:
    """How take() decides what the packages themselves do not."""

    keep_existing: bool = False  # a unit's newer version of a form here: keep the one here (保留 over 覆盖)
    trust_new: bool = False  # every unregistered signer trusted on first import (the CLI's --trust-new)
    trusted: frozenset[str] = frozenset()  # fingerprints of unregistered signers the clerk confirmed
    ask_first: bool = False  # leave an unregistered signer's packages waiting instead of refusing them


@dataclass
class ImportResult:
    """Every package's outcome, in the order taken, and the forms they added or changed."""

    outcomes: list = field(default_factory=list)  # perfdesk.package.importer.Outcome

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def rejected(self) -> list:
        return [o for o in self.outcomes if not o.accepted]

    @property
    def changed(self) -> Changed:
        return Changed(frozenset(o.form_instance_id for o in self.outcomes
                                 if o.status in CHANGING and o.form_instance_id is not None))

    def summary(self) -> str:
        kept = f"保留原版本 {self.count('kept')} 个，" if self.count("kept") else ""
        return (f"共 {len(self.outcomes)} 个数据包：导入 {self.count('imported')} 个，更新 {self.count('updated')} 个，"
                f"已导入过 {self.count('duplicate')} 个，{kept}拒绝 {self.count('rejected')} 个")


def package_files(paths: list[Path]) -> list[Path]:
    """Files as given; folders contribute their *.pdpkg files (sub-folders too), in name order
    so that a unit's v1 comes before its v2. Symlinked folders are not followed."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                found += [Path(root) / f for f in sorted(files) if f.lower().endswith(PACKAGE_SUFFIX)]
        else:
            found.append(path)
    return found


def look(paths: list[Path]) -> list[Preview]:
    """One preview per package file, none of them read yet."""
    return [Preview(path) for path in package_files(paths)]


def take(store: Store, previews: list[Preview], choices: Choices = Choices(), *, progress: Progress | None = None,
         cancelled: Callable[[], bool] = lambda: False, done: Callable[[Preview], None] | None = None
         ) -> ImportResult:
    """Import the previews not yet decided, one at a time; each is decided alone, so whatever one does
    the others are still read and reported. Stops between packages once cancelled() says so."""
    result = ImportResult()
    todo = [p for p in previews if p.outcome is None]
    for number, preview in enumerate(todo, start=1):
        if cancelled():
            break
        if progress is not None:
            progress(number, len(todo), preview.path.name)
        _take(store, preview, choices)
        if preview.outcome is not None:
            result.outcomes.append(preview.outcome)
            if done is not None:
                done(preview)
    return result


def import_paths(store: Store, paths: list[Path], *, trust_new: bool = False,
                 keep_existing: bool = False) -> ImportResult:
    """look + take, every unregistered signer decided by trust_new: the CLI's import."""
    return take(store, look(paths), Choices(keep_existing=keep_existing, trust_new=trust_new))


def _take(store: Store, preview: Preview, choices: Choices) -> None:
    from perfdesk.package import importer
    from perfdesk.package.archive_safety import read_package_file

    source = str(preview.path)
    try:
        if preview.data is None:
            preview.data = read_package_file(preview.path)
            if choices.ask_first:  # only then does it matter who signed before the core decides
                preview.signer = new_signer(store, preview.data)
                if preview.signer is not None:
                    preview.signer.files.append(preview.path.name)
        trust = choices.trust_new
        if preview.signer is not None:
            trust = trust or preview.signer.fingerprint in choices.trusted
            if not trust and choices.ask_first:
                return  # waits, its bytes kept, for the clerk to confirm the signer
        preview.outcome = importer.import_bytes(store, preview.data, source, trust_new=trust,
                                                keep_existing=choices.keep_existing)
    except UserError as exc:  # unreadable file, or the store failed while noting a refusal
        preview.outcome = importer.Outcome(source, "rejected", str(exc))
    except Exception as exc:  # noqa: BLE001 - a defect of ours must not cost the rest of the batch
        preview.outcome = importer.Outcome(source, "rejected", f"导入时发生内部错误（{type(exc).__name__}），"
                                                               "已跳过此数据包，其他数据包照常导入；请把此文件交给技术支持")
    preview.data = None


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


def pending_signers(previews: list[Preview]) -> list[NewSigner]:
    """The signers waiting for confirmation, once each, in the order their packages came."""
    seen: dict[str, NewSigner] = {}
    for preview in previews:
        if preview.waiting:
            known = seen.setdefault(preview.signer.fingerprint, preview.signer)
            if known is not preview.signer:
                known.files.append(preview.path.name)
    return list(seen.values())


def summary(previews: list[Preview]) -> str:
    text = ImportResult([p.outcome for p in previews if p.outcome is not None]).summary()
    left = sum(1 for p in previews if p.outcome is None)
    return text + (f"；未处理 {left} 个" if left else "")
