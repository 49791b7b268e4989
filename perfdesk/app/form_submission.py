"""Sending a stored form up: checked as the unit checks it, rendered, signed and packed
(perfdesk/package/builder.py), written, and only then marked 已报送 with the version and round it went in."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from perfdesk.domain.checks import CheckContext, blocking, run_checks, unexplained_warnings
from perfdesk.domain.lifecycle import Action, Actor, Role, Round, Status, find_move, submission_round
from perfdesk.domain.registry import form_of
from perfdesk.domain.review_cells import self_supervised, unsigned
from perfdesk.store import FormRecord, Store
from perfdesk.package.package_errors import PackageError
from perfdesk.package.form_uid import new_form_uid
from perfdesk.package.formdata import strip_finance
from perfdesk.package.identity import Signer
from perfdesk.package.builder import Built, assemble_form_package, file_name, write_package


def refusal(record: FormRecord, data: dict, context: CheckContext) -> str | None:
    """Why this document may not leave the unit (errors, unexplained warnings), or None; checked
    as the unit checks it (the finance-only cells are blank in what it sends)."""
    findings = run_checks(form_of(record), data, context)
    for problems, what in ((blocking(findings), "个错误"), (unexplained_warnings(findings), "个警告未填写说明")):
        if problems:
            listed = "\n".join(f.line() for f in problems[:20])
            more = f"\n……共 {len(problems)} 个" if len(problems) > 20 else ""
            return f"表单 {record.id}“{record.title}”有 {len(problems)} {what}，不能打包报送，请先处理：\n{listed}{more}"
    return None


def submission_of(store: Store, record: FormRecord) -> Round:
    """The round this form goes up in now, or TransitionRefused when its status does not allow
    sending it (a draft with errors is refused by the checks, with each error named). A unit's form
    received at a 主管部门 or an office is never sent up from there."""
    from perfdesk.app.review_desk import refuse_sending

    refuse_sending(store, record)
    if record.status is not Status.DRAFT:  # a draft goes once its checks pass (refusal names what fails)
        find_move(Action.SUBMIT, record.status, actor=Actor.UNIT)
    sent_before = any(e.action is Action.SUBMIT for e in store.events(record.id))
    return submission_round(form_of(record).raw_kind, record.status, sent_before)


def next_version(record: FormRecord) -> int:
    """The 第 N 版 the form's next submission carries: one more than its last submission's. Versions count
    what was sent (the office keeps the newest), never the saves in between."""
    return (record.package_version or 0) + 1


def build_form_package(store: Store, form_instance_id: int, signer: Signer, *, seal_png: bytes | None = None,
                       attachments: list[tuple[str, bytes]] = ()) -> Built:
    """Check, render, sign and pack one form, in memory; the store is not marked (see package_form)."""
    from perfdesk.app.operations import check_context, render

    record = store.get_form(form_instance_id)
    if record.deleted_at is not None:
        raise PackageError(f"表单 {record.id}“{record.title}”在回收站中，请先还原")
    round = submission_of(store, record)
    if record.unit_id != signer.unit.id:
        raise PackageError(f"表单 {record.id} 属于另一个单位，不能用“{signer.unit.name}”的密钥签名")
    form = form_of(record)
    data = unsigned(form, strip_finance(form, record.data), own_supervisor=self_supervised(signer.unit))
    reason = refusal(record, data, check_context(store, record, role=Role.UNIT))
    if reason:
        raise PackageError(reason)
    uid = store.ensure_form_uid(record.id, lambda: new_form_uid(signer.unit.code))
    version = next_version(record)
    # A new version: no level has signed it yet, whatever the last one's answer said.
    rendered = render(store, dataclasses.replace(record, data=data, package_version=version))
    payload = assemble_form_package(signer, record, uid, version, data, rendered.pdf, rendered.xlsx, attachments,
                                    seal_png=seal_png, round=round)
    return Built(payload, uid, version, file_name(signer.unit.code, record.title, version), round)


def package_form(store: Store, form_instance_id: int, signer: Signer, target: Path, *,
                 seal_png: bytes | None = None, attachments: list[tuple[str, bytes]] = ()) -> Built:
    """Build, write, and only then mark the form 已报送 with the version and round it was sent in
    (the review will name that version)."""
    built = build_form_package(store, form_instance_id, signer, seal_png=seal_png, attachments=attachments)
    write_package(target, built.data)
    record = store.get_form(form_instance_id)
    if record.status is Status.DRAFT:  # saved before its last fix was checked: it passes now
        record = store.transition(record.id, find_move(Action.CHECK, Status.DRAFT))
    store.transition(record.id, find_move(Action.SUBMIT, record.status, actor=Actor.UNIT),
                     actor_name=signer.unit.name, round=built.round.value, package_version=built.version,
                     detail={"file": built.file_name, "signer": signer.fingerprint})
    return built
