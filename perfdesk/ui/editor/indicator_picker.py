"""常用指标: a dialog listing common indicators per 二级指标 from forms/common_indicators.yaml.

The list is data, not code, so a finance office can extend it without a new program version.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from perfdesk.paths import forms_dir
from perfdesk.catalog.yaml_files import YAMLError, load_yaml
from perfdesk.ui.help_window import add_help_button
from perfdesk.ui.screen_fit import open_within_screen

COMMON_FILE = "common_indicators.yaml"
Levels = tuple[str, str]


@lru_cache(maxsize=None)
def common_indicators() -> dict[Levels, tuple[dict, ...]]:
    """(一级, 二级) → suggested rows {content, value, kind}; empty if the file is missing or unreadable."""
    try:
        raw = load_yaml(forms_dir() / COMMON_FILE) or {}
    except (OSError, YAMLError):
        return {}
    result: dict[Levels, tuple[dict, ...]] = {}
    for level1, level2s in raw.items():
        for level2, items in (level2s or {}).items():
            result[(str(level1), str(level2))] = tuple(
                {"content": str(i.get("content") or ""), "value": str(i.get("value") or ""),
                 "kind": i.get("kind") or "定量"}
                for i in items or () if isinstance(i, dict))
    return result


class IndicatorPicker(QDialog):
    def __init__(self, groups: list[Levels], chosen: Levels | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("indicatorPicker")
        self.setWindowTitle("常用指标")
        open_within_screen(self, 560, 420)
        self.level_box = QComboBox(self)
        self.level_box.setObjectName("levelBox")
        for level1, level2 in groups:
            self.level_box.addItem(f"{level1} › {level2}", (level1, level2))
        self.items = QListWidget(self)
        self.items.setObjectName("commonList")
        self.items.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.items.itemDoubleClicked.connect(lambda _item: self.accept())
        note = QLabel("选中一项或多项（按住 Ctrl 多选）后点“添加”；添加后请按项目实际修改指标值。", self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("添加")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        add_help_button(buttons, "indicators")  # the manual's 绩效指标 page
        form = QFormLayout()
        form.addRow("添加到二级指标：", self.level_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.items, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.level_box.currentIndexChanged.connect(self._fill)
        if chosen in groups:
            self.level_box.setCurrentIndex(groups.index(chosen))
        self._fill()

    def levels(self) -> Levels:
        return self.level_box.currentData()

    def _fill(self) -> None:
        self.items.clear()
        for row in common_indicators().get(self.levels() or ("", ""), ()):
            item = QListWidgetItem(f"{row['content']}　{row['value']}（{row['kind']}）")
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.items.addItem(item)
        if not self.items.count():
            self.items.addItem("（此二级指标没有常用指标，请直接添加指标）")
            self.items.item(0).setFlags(Qt.ItemFlag.NoItemFlags)

    def picked(self) -> list[dict]:
        """The chosen rows, in list order, as document rows of the current 二级."""
        level1, level2 = self.levels()
        chosen = [self.items.item(i) for i in range(self.items.count()) if self.items.item(i).isSelected()]
        return [{"level1": level1, "level2": level2, **item.data(Qt.ItemDataRole.UserRole), "note": None}
                for item in chosen if item.data(Qt.ItemDataRole.UserRole)]
