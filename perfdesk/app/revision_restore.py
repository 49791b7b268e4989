"""Bring back an earlier version of a form from its revisions: the way out of a damaged row.

Every save keeps the replaced version as a revision, so a form whose stored document can no longer
be read (a disk fault, an edit outside PerfDesk) still has its earlier versions. Restoring one
writes it as the form's current document through Store.save_form, which keeps the damaged text as
a revision too (nothing is thrown away) and needs no reading of it."""

from __future__ import annotations

from perfdesk.domain.document import headline_amount
from perfdesk.domain.registry import get_form
from perfdesk.errors import UserError
from perfdesk.store import RevisionRecord, Store


class RestoreError(UserError):
    """A revision that does not exist or cannot be restored."""


def restore_revision(store: Store, form_instance_id: int, revision_id: int) -> RevisionRecord:
    summary = store.get_summary(form_instance_id)
    revision = next((r for r in store.revisions(form_instance_id) if r.id == revision_id), None)
    if revision is None:
        raise RestoreError(f"表单 {form_instance_id} 没有版本号为 {revision_id} 的历史版本；"
                           f"运行 perfdesk revisions {form_instance_id} 查看可恢复的版本")
    if revision.damaged:
        raise RestoreError(f"表单 {form_instance_id} 的历史版本 {revision_id} 也已损坏，请选择其他版本")
    version = revision.form_version or summary.form_version  # kept before 0008: the form's own
    try:
        amount = headline_amount(get_form(summary.form_id, version), revision.data)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, ArithmeticError) as exc:
        raise RestoreError(f"表单 {form_instance_id} 的历史版本 {revision_id} 无法计算金额，请选择其他版本") from exc
    if version != summary.form_version:  # the content from before an upgrade: its form version comes back too
        store.change_form_version(form_instance_id, data=revision.data, title=revision.title, amount=amount,
                                  form_version=version, label=f"恢复历史版本 {revision_id} 前的内容（第{summary.form_version}版格式）")
    else:
        store.save_form(form_instance_id, data=revision.data, title=revision.title, amount=amount)
    return revision
