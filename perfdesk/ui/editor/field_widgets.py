"""One widget per form field, chosen by the field's type and kept in step with the document model.

A binding writes what the clerk types into the model (one undo step per typing session) and, when
the model changes (undo, redo, another widget), shows the stored value again — without touching a
widget whose text already stands for that value, so the cursor never jumps while typing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from perfdesk.domain import dates
from perfdesk.domain.formdef import FieldDef
from perfdesk.ui.editor.document_model import DocumentModel
from perfdesk.ui.editor.entries import entry_error, shown_text, stored_value
from perfdesk.ui.editor.returned_marks import returned_frame, returned_tip
from perfdesk.domain.lifecycle import role_of

FINANCE_ONLY_TIP = "由财政部门填写"
COMPUTED_TIP = "由程序计算，不需填写"
ERROR_STYLE = "QLineEdit { border: 1px solid #c62828; background: #fff3f3; }"
ERROR_LABEL_STYLE = "color: #c62828;"


def _is_undo_key(event) -> bool:
    return (event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
            or QKeySequence(event.keyCombination()) == QKeySequence("Ctrl+Y"))


class FieldKeys(QObject):
    """Event filter for field widgets.

    Undo keys go to the window's form-wide undo instead of the widget's own little history, and
    leaving a field ends its typing step."""

    def __init__(self, model: DocumentModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and _is_undo_key(event):
            return True  # not accepted, so the window's 撤销/重做 shortcut fires
        if event.type() == QEvent.Type.KeyPress and _is_undo_key(event):
            return True  # nothing to undo form-wide: the widget must not undo on its own either
        if event.type() == QEvent.Type.FocusOut:
            self.model.seal()
        return False


def mark_help(widget: QWidget, title: str, text: str) -> None:
    """The 填表说明 the help panel shows while this widget (or a child) has focus."""
    widget.setProperty("helpTitle", title)
    widget.setProperty("helpText", text)


class FieldBinding(QObject):
    """Base: `widget` goes into the layout, `focus_widget` receives focus; `refresh` re-reads the model."""

    def __init__(self, field: FieldDef, model: DocumentModel, keys: FieldKeys, *, editable: bool,
                 min_lines: int = 0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.field, self.model, self.keys = field, model, keys
        self.key = field.key
        self.editable = editable
        self.min_lines = min_lines
        self.widget: QWidget = self.build()
        self.widget.setObjectName(self.widget.objectName() or self.key)
        mark_help(self.widget, field.label, field.help)
        self.refresh(self.key)

    @property
    def focus_widget(self) -> QWidget:
        return self.widget

    def build(self) -> QWidget:  # pragma: no cover - abstract
        raise NotImplementedError

    def refresh(self, path: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def focus(self, path: str) -> QWidget:
        self.focus_widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return self.focus_widget

    def focus_chain(self) -> list[QWidget]:
        return [self.focus_widget]

    def _decorate(self, widget: QWidget) -> None:
        widget.installEventFilter(self.keys)
        mark_help(widget, self.field.label, self.field.help)
        if self.editable:
            widget.setToolTip(self.field.help)
        else:
            widget.setEnabled(False)
            widget.setToolTip(f"{COMPUTED_TIP}：{self.field.help}" if self.field.computed else FINANCE_ONLY_TIP)

    @property
    def raw(self) -> Any:
        return self.model.value(self.key)

    def mark_returned(self, reason: str) -> None:
        """A reviewer's 退回理由 for this field, "" once the clerk changed it: framed, the reason as tooltip."""
        self.widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.widget.setStyleSheet(returned_frame(self.widget.objectName()) if reason else "")
        for widget in {self.widget, *self.focus_chain()}:
            if widget.property("ownTip") is None:
                widget.setProperty("ownTip", widget.toolTip())
            own = widget.property("ownTip")
            widget.setToolTip(returned_tip(reason) + (f"\n{own}" if own else "") if reason else own)


class LineBinding(FieldBinding):
    """text, phone, code, year: one line, stored as typed."""

    def build(self) -> QWidget:
        self.edit = QLineEdit()
        self.edit.setObjectName(self.key)
        self._decorate(self.edit)
        self.edit.textEdited.connect(self._edited)
        return self.edit

    @property
    def focus_widget(self) -> QWidget:
        return self.edit

    def _edited(self, text: str) -> None:
        self.model.set_value(self.key, stored_value(self.field, text), typing=True)
        self.show_state()

    def refresh(self, path: str) -> None:
        if stored_value(self.field, self.edit.text()) != self.raw:
            self.edit.setText(shown_text(self.raw))
        self.show_state()

    def show_state(self) -> None:
        """Hook for subclasses that mark invalid text."""


class AmountBinding(LineBinding):
    """万元 (or 分 for a score): every keystroke is parsed; bad text stays (in widget and document)
    and is marked red."""

    def build(self) -> QWidget:
        box = QWidget()
        box.setObjectName(f"{self.key}Box")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        super().build()
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.edit.setPlaceholderText("分" if self.field.type == "score" else "万元")
        self.error = QLabel()
        self.error.setObjectName("amountError")
        self.error.setStyleSheet(ERROR_LABEL_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        return box

    def show_state(self) -> None:
        message = entry_error(self.field, self.edit.text())
        self.edit.setStyleSheet(ERROR_STYLE if message else "")
        self.error.setText(message)
        self.error.setVisible(bool(message))


class LongTextBinding(FieldBinding):
    def build(self) -> QWidget:
        self.edit = QPlainTextEdit()
        self.edit.setObjectName(self.key)
        self.edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.edit.setUndoRedoEnabled(False)  # the form-wide undo stack is the only history
        lines = max(self.min_lines, 2)
        self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * lines + 14)
        self._decorate(self.edit)
        self._updating = False
        self.edit.textChanged.connect(self._edited)
        return self.edit

    def _edited(self) -> None:
        if not self._updating:
            self.model.set_value(self.key, stored_value(self.field, self.edit.toPlainText()), typing=True)

    def refresh(self, path: str) -> None:
        if stored_value(self.field, self.edit.toPlainText()) != self.raw:
            position = self.edit.textCursor().position()
            self._updating = True
            self.edit.setPlainText(shown_text(self.raw))
            self._updating = False
            cursor = self.edit.textCursor()  # keep the caret near where it was (undo while typing)
            cursor.setPosition(min(position, len(self.edit.toPlainText())))
            self.edit.setTextCursor(cursor)


class TickBinding(FieldBinding):
    """choice: one tick box per option, at most one ticked; ticking the ticked one clears it.

    Options may follow another field (项目支出类型（其中） follows 项目支出类型), so they are rebuilt
    when that field changes; a stored value that is no longer an option stays visible to be cleared."""

    def build(self) -> QWidget:
        box = QWidget()
        box.setObjectName(self.key)
        self.row = QHBoxLayout(box)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(box)
        self.group.setExclusive(False)  # exclusive groups cannot be cleared by a click
        self.group.buttonClicked.connect(self._clicked)
        leader = self.model.form.fields.get(self.field.options_of)
        self.hint = QLabel(f"请先选择{leader.label}" if leader else "")
        self.hint.setStyleSheet("color: #888;")
        self._options: tuple[str, ...] | None = None  # none built yet
        return box

    def _wanted_options(self) -> tuple[str, ...]:
        options = tuple(self.field.choices(self.model.data))
        raw = self.raw
        return options + ((raw,) if raw and raw not in options else ())

    def _rebuild(self, options: tuple[str, ...]) -> None:
        while self.row.count():
            self.row.takeAt(0)  # layout slots only; the widgets are dealt with below
        for button in self.group.buttons():
            self.group.removeButton(button)
            button.hide()
            button.deleteLater()
        self.hint.hide()
        for option in options:
            tick = QCheckBox(option)
            tick.setObjectName(f"{self.key}:{option}")
            self._decorate(tick)
            self.group.addButton(tick)
            self.row.addWidget(tick)
        if not options and self.field.options_of:
            self.row.addWidget(self.hint)
            self.hint.show()
        self.row.addStretch(1)
        self._options = options

    def _clicked(self, tick: QCheckBox) -> None:
        self.model.set_value(self.key, tick.text() if tick.isChecked() else None)
        self.refresh(self.key)

    def refresh(self, path: str) -> None:
        options = self._wanted_options()
        if options != self._options:
            self._rebuild(options)
        for tick in self.group.buttons():
            tick.blockSignals(True)
            tick.setChecked(tick.text() == self.raw)
            tick.blockSignals(False)

    def ticks(self) -> list[QCheckBox]:
        return list(self.group.buttons())

    @property
    def focus_widget(self) -> QWidget:
        ticks = self.ticks()
        return next((t for t in ticks if t.isChecked()), ticks[0] if ticks else self.widget)

    def focus_chain(self) -> list[QWidget]:
        return self.ticks() or [self.widget]


class DateEdit(QLineEdit):
    """A date typed as text. ↑/↓ step a day and PgUp/PgDn a month (as a date spin box would), F4 or
    Alt+↓ opens the calendar; everything else is typing."""

    STEPS = {Qt.Key.Key_Up: (1, 0), Qt.Key.Key_Down: (-1, 0), Qt.Key.Key_PageUp: (0, 1), Qt.Key.Key_PageDown: (0, -1)}

    def __init__(self, step: Callable[[int, int], None], open_calendar: Callable[[], None]) -> None:
        super().__init__()
        self._step, self._open_calendar = step, open_calendar

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, alt = event.key(), event.modifiers() & Qt.KeyboardModifier.AltModifier
        if key == Qt.Key.Key_F4 or (alt and key == Qt.Key.Key_Down):
            self._open_calendar()
        elif key in self.STEPS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self._step(*self.STEPS[key])
        else:
            super().keyPressEvent(event)


class CalendarPopup(QFrame):
    """The month to pick a date from, under the field; a click or Enter picks, Esc or a click elsewhere closes."""

    picked = Signal(object)  # dt.date

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget(self)
        self.calendar.setObjectName("calendar")
        self.calendar.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self.calendar)
        self.calendar.clicked.connect(self._pick)
        self.calendar.activated.connect(self._pick)

    def open_at(self, under: QWidget, day: dt.date) -> None:
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self.calendar.setCurrentPage(day.year, day.month)
        self.adjustSize()
        place = under.mapToGlobal(under.rect().bottomLeft())
        screen = (under.screen() or QApplication.primaryScreen()).availableGeometry()
        x = max(screen.left(), min(place.x(), screen.right() - self.width()))
        y = place.y() if place.y() + self.height() <= screen.bottom() else place.y() - under.height() - self.height()
        self.move(x, max(screen.top(), y))
        self.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _pick(self, day: QDate) -> None:
        self.hide()
        self.picked.emit(dt.date(day.year(), day.month(), day.day()))


class DateBinding(FieldBinding):
    """A date typed (2027-03-01, 2027/3/1, 20270301, 2027年3月1日) or picked in a calendar; stored as ISO
    text and shown as the printed form shows it (2027年3月1日). Blank is 未填写. Text that is no date stays
    as typed, in the field and in the document, and is told at the field (and by the checks) once the
    clerk leaves it. A blank field's calendar and ↑/↓ start in the form's year."""

    def build(self) -> QWidget:
        box = QWidget()
        box.setObjectName(f"{self.key}Box")
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = DateEdit(self._step, self.open_calendar)
        self.edit.setObjectName(self.key)
        self.edit.setPlaceholderText("未填写（如 2027年3月1日）")
        self._decorate(self.edit)
        self.edit.textEdited.connect(self._edited)
        self.edit.editingFinished.connect(self._finished)
        self.pick = QToolButton()
        self.pick.setObjectName(f"{self.key}Calendar")
        self.pick.setText("日历")
        self.pick.setToolTip("在日历中选择日期（F4）")
        self.clear = QToolButton()
        self.clear.setObjectName(f"{self.key}Clear")
        self.clear.setText("清空")
        self.clear.setToolTip("清空此日期（未填写）")
        for button in (self.pick, self.clear):
            button.setEnabled(self.editable)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field
        self.pick.clicked.connect(self.open_calendar)
        self.clear.clicked.connect(lambda: self.model.set_value(self.key, None))
        self.error = QLabel()
        self.error.setObjectName("dateError")
        self.error.setStyleSheet(ERROR_LABEL_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        row.addWidget(self.edit, 1)
        row.addWidget(self.pick)
        row.addWidget(self.clear)
        column.addLayout(row)
        column.addWidget(self.error)
        self.popup: CalendarPopup | None = None  # made when first opened: a form has many date fields
        return box

    @property
    def focus_widget(self) -> QWidget:
        return self.edit

    def _writable(self) -> bool:
        return self.editable and not self.edit.isReadOnly() and not self.model.read_only

    def _date_typed(self) -> dt.date | None:
        """The date the field's text stands for; DateError for text that is no date."""
        return dates.parse_date(self.edit.text())

    def _edited(self, text: str) -> None:
        self.model.set_value(self.key, stored_value(self.field, text), typing=True)
        self.show_state(typing=True)

    def _finished(self) -> None:
        """Leaving the field (or Enter): a date typed in any accepted way is shown as the form prints it."""
        try:
            shown = dates.format_date(self._date_typed())
        except dates.DateError:
            shown = self.edit.text()
        if shown != self.edit.text():
            self.edit.setText(shown)
        self.show_state()

    def _put(self, day: dt.date, *, typing: bool) -> None:
        self.model.set_value(self.key, dates.to_json(day), typing=typing)
        self.edit.setText(dates.format_date(day))
        self.show_state()

    def _start(self) -> dt.date:
        return dates.starting_day(self.model.year, dt.date.today())

    def _step(self, days: int, months: int) -> None:
        if not self._writable():
            return
        try:
            day = self._date_typed()
        except dates.DateError:
            self.show_state()  # nothing to step from: say why
            return
        try:
            self._put(dates.shifted(day, days=days, months=months) if day else self._start(), typing=True)
        except (ValueError, OverflowError):
            return  # past year 9999: stay

    def open_calendar(self) -> None:
        if not self._writable():
            return
        try:
            day = self._date_typed() or self._start()
        except dates.DateError:
            day = self._start()
        if self.popup is None:
            self.popup = CalendarPopup(self.widget)
            self.popup.setObjectName(f"{self.key}CalendarPopup")
            self.popup.picked.connect(self._picked)
        self.popup.open_at(self.edit, day)

    def _picked(self, day: dt.date) -> None:
        self.model.seal()  # a pick is a step of its own
        self._put(day, typing=False)
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

    def show_state(self, *, typing: bool = False) -> None:
        """Mark text that is no date — not while it is being typed (half a date is no date yet)."""
        message = entry_error(self.field, self.edit.text())
        if typing and message and not self.error.isVisible():
            return
        self.edit.setStyleSheet(ERROR_STYLE if message else "")
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def refresh(self, path: str) -> None:
        if stored_value(self.field, self.edit.text()) != self.raw:
            try:
                shown = dates.format_date(dates.parse_date(self.raw)) if isinstance(self.raw, str) else ""
            except dates.DateError:
                shown = self.raw  # kept as typed; the field and the checks say why it is no date
            self.edit.setText(shown)
        self.show_state(typing=self.edit.hasFocus())


class ComboBinding(FieldBinding):
    """grade / indicator_kind as a plain field: a list with a blank entry."""

    def build(self) -> QWidget:
        self.combo = QComboBox()
        self.combo.setObjectName(self.key)
        self.combo.addItem("", None)
        for option in self.field.choices():
            self.combo.addItem(option, option)
        self._decorate(self.combo)
        self.combo.activated.connect(lambda _i: self.model.set_value(self.key, self.combo.currentData()))
        return self.combo

    def refresh(self, path: str) -> None:
        index = self.combo.findData(self.raw)
        if index < 0 and self.raw:
            self.combo.addItem(str(self.raw), self.raw)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(max(index, 0))


class PeriodBinding(ComboBinding):
    """监控期间: the months 1–12 as “1-N月”, always one of them (the field has a default)."""

    def build(self) -> QWidget:
        self.combo = QComboBox()
        self.combo.setObjectName(self.key)
        for option in self.field.choices():
            self.combo.addItem(f"1-{option}月", option)
        self._decorate(self.combo)
        self.combo.activated.connect(lambda _i: self.model.set_value(self.key, self.combo.currentData()))
        return self.combo


_BY_TYPE = {"amount": AmountBinding, "score": AmountBinding, "longtext": LongTextBinding, "choice": TickBinding,
            "date": DateBinding, "grade": ComboBinding, "indicator_kind": ComboBinding}


def make_binding(field: FieldDef, model: DocumentModel, keys: FieldKeys, role: str, min_lines: int = 0,
                 parent: QObject | None = None, kind: type[FieldBinding] | None = None) -> FieldBinding:
    """The widget for a field by its type (or of the given `kind`, e.g. PeriodBinding)."""
    editable = not (field.finance_only and not role_of(role).fills_finance_cells) and not field.computed
    cls = kind or _BY_TYPE.get(field.type, LineBinding)
    return cls(field, model, keys, editable=editable, min_lines=min_lines, parent=parent)
