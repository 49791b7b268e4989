"""Every window and dialog opens inside the screen it opens on, at the size it wishes where that fits.

A fixed resize(1400, 900) on a 1366×768 office laptop (available 1366×728 under the task bar) put the
editor's right pane and its status bar off the screen, and a dialog's 确定 on the screen's edge. Each
window names the size it would like; `open_within_screen` clips that to the available area of the
screen it opens on, less room for the window manager's title bar and borders, and centres it there
(a dialog over its parent window) when it is first shown. The clerk may resize it afterwards. A dialog
whose rows need more height than the screen has (the review dialog at the finance office: 773 pixels)
shows them in a scrolling area above its buttons, which stay in view."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFrame, QScrollArea, QVBoxLayout, QWidget

# Room for the title bar and borders, not part of the widget's own size (Windows 10 at 100 %: a 31-pixel
# title bar and 8-pixel borders; most Linux desktops less).
FRAME = QSize(16, 40)
_NOT_PLACED = Qt.WindowState.WindowMinimized | Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen


def available_area(widget: QWidget) -> QRect:
    """The available geometry (without task bars) of the screen `widget` opens on: its parent
    window's screen, else the one under the mouse pointer, else the primary screen."""
    parent = widget.parentWidget()
    screen = parent.window().screen() if parent is not None else QGuiApplication.screenAt(QCursor.pos())
    screen = screen or widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fitted(wish: QSize, area: QRect) -> QSize:
    """`wish` made no larger than `area` leaves for a window with its frame."""
    return QSize(min(wish.width(), area.width() - FRAME.width()), min(wish.height(), area.height() - FRAME.height()))


def frame_origin(size: QSize, centre: QPoint, area: QRect) -> QPoint:
    """Where the frame of a window of `size` goes to be centred on `centre` but lie inside `area`."""
    outer = size + FRAME
    x = min(max(centre.x() - outer.width() // 2, area.left()), area.left() + area.width() - outer.width())
    y = min(max(centre.y() - outer.height() // 2, area.top()), area.top() + area.height() - outer.height())
    return QPoint(max(x, area.left()), max(y, area.top()))


class _FitOnFirstShow(QObject):
    """On the widget's first show, when its parent and layout are final: clip and centre it."""

    def __init__(self, widget: QWidget, wish: QSize) -> None:
        super().__init__(widget)
        self.wish = wish
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Show:
            watched.removeEventFilter(self)
            if not (watched.windowState() & _NOT_PLACED):
                place(watched, self.wish)
            self.deleteLater()
        return False


def scroll_when_too_tall(dialog: QWidget, area: QRect) -> bool:
    """Put the rows of a dialog taller than `area` allows into a scrolling area, its buttons below it;
    True if it was too tall."""
    layout = dialog.layout()
    if not isinstance(dialog, QDialog) or layout is None:
        return False
    if layout.totalMinimumSize().height() + FRAME.height() <= area.height():
        return False
    buttons = [layout.itemAt(i).widget() for i in range(layout.count())
               if isinstance(layout.itemAt(i).widget(), QDialogButtonBox)]
    for box in buttons:
        layout.removeWidget(box)
    margins = layout.contentsMargins()
    layout.setContentsMargins(margins.left(), margins.top(), margins.right(), 0)
    body = QWidget()
    body.setObjectName("scrolledRows")
    body.setLayout(layout)  # takes the layout off the dialog, and its widgets with it
    scroll = QScrollArea(dialog)
    scroll.setObjectName("scrolledDialog")
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(body)
    scroll.setMinimumWidth(body.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width())
    outer = QVBoxLayout(dialog)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll, 1)
    below = QVBoxLayout()
    below.setContentsMargins(margins.left(), 0, margins.right(), margins.bottom())
    for box in buttons:
        below.addWidget(box)
    outer.addLayout(below)
    outer.activate()  # the dialog's minimum size now that of the new layout, not the rows' full height
    return True


def place(widget: QWidget, wish: QSize) -> None:
    """Size `widget` to `wish` clipped to its screen's available area and centre it there."""
    area = available_area(widget)
    scroll_when_too_tall(widget, area)
    widget.resize(fitted(wish, area))  # never below the widget's minimum size: the tests check those fit
    parent = widget.parentWidget()
    centre = parent.window().frameGeometry().center() if parent is not None else area.center()
    widget.move(frame_origin(widget.size(), centre, area))


def open_within_screen(widget: QWidget, width: int, height: int) -> None:
    """Instead of `widget.resize(width, height)` for a top-level window or dialog: that size where
    the screen has room for it, else as much as it has; centred when first shown."""
    wish = QSize(width, height)
    widget.resize(fitted(wish, available_area(widget)))
    _FitOnFirstShow(widget, wish)
