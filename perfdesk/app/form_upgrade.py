"""Bringing a stored form filled under an earlier version of its form file up to the current one.

The form file declares how (`migrations:`, domain/form_migrations.py); the clerk first sees what will
change, field by field (domain/form_diff.upgrade_diff), then the document and its form version change
together and the content before is kept as a revision (`perfdesk revisions ID`)."""

from __future__ import annotations

from dataclasses import dataclass

from perfdesk.domain.checks import blocking, run_checks
from perfdesk.domain.document import headline_amount
from perfdesk.domain.form_diff import Change, upgrade_diff
from perfdesk.domain.form_migrations import upgrade
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.registry import FormVersionError, form_of, get_form
from perfdesk.errors import UserError
from perfdesk.store import FormRecord, Store


class UpgradeError(UserError):
    """A form that cannot be upgraded: already current, or frozen in review."""


@dataclass(frozen=True)
class UpgradePlan:
    record: FormRecord
    old: FormDef | None  # None where the old version's file is gone: the preview shows the new view only
    new: FormDef
    data: dict
    changes: list[Change]

    def heading(self) -> str:
        return (f"此表按第{self.record.form_version}版格式填写，可升级到第{self.new.version}版"
                f"（{self.new.name}，{self.new.origin}）")


def newer_version(record: FormRecord) -> FormDef | None:
    """The current form definition where it is newer than the one the form was filled with."""
    current = get_form(record.form_id)
    return current if current.version > record.form_version else None


def plan_upgrade(record: FormRecord) -> UpgradePlan:
    new = newer_version(record)
    if new is None:
        raise UpgradeError(f"表单 {record.id}“{record.title}”已按第{record.form_version}版（本机最新）填写，无需升级")
    try:
        old = form_of(record)
    except FormVersionError:
        old = None
    data = upgrade(record.data, new.migrations, record.form_version, new.version)
    changes = upgrade_diff(old, new, record.data, data) if old is not None else _new_view(new, record.data, data)
    return UpgradePlan(record, old, new, data, changes)


def _new_view(new: FormDef, before: dict, after: dict) -> list[Change]:
    from perfdesk.domain.form_diff import diff

    return diff(new, before, after, review_cells=True)


def apply_upgrade(store: Store, plan: UpgradePlan) -> FormRecord:
    """Write the upgraded document as the form's current one; refused when the form changed since the plan
    was shown (another clerk) or may not be edited in its status."""
    record, new = plan.record, plan.new
    if not record.status.editable:
        raise UpgradeError(f"表单“{record.title}”处于“{record.status.display}”，不能升级；退回或申请调整后再升级")
    from perfdesk.app.operations import check_context

    errors = blocking(run_checks(new, plan.data, check_context(store, record)))
    return store.change_form_version(
        record.id, data=plan.data, form_version=new.version, amount=headline_amount(new, plan.data),
        label=f"升级到第{new.version}版前的内容（第{record.form_version}版格式）", based_on=record.version,
        has_errors=bool(errors))
