"""填表说明: the official filling instructions of whatever field has focus, beside the form."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDockWidget, QTextBrowser, QWidget

INTRO = "把光标放在任一栏目中，这里显示该栏目的填表说明。"


class HelpPanel(QDockWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("填表说明", parent)
        self.setObjectName("helpDock")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("helpPanel")
        self.browser.setOpenLinks(False)
        self.setWidget(self.browser)
        self.title = ""
        self.browser.setPlainText(INTRO)

    def show_help(self, title: str, text: str) -> None:
        if title == self.title and self.browser.toPlainText().endswith(text or ""):
            return
        self.title = title
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in (text or "（此栏目没有填表说明）").split("\n") if p.strip())
        self.browser.setHtml(f"<h3>{escape(title)}</h3>{paragraphs}")
