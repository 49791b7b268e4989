"""The strip above a form that says where it is in the review chain: its status, who decided and
when, the opinions and letter of every review level, and — for a frozen form — what to do instead.

It reads `workflow.banner` and shows it; the buttons hand their action back to the window."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from perfdesk.domain.lifecycle import Status
from perfdesk.app.workflow import Banner

_STYLE = {True: "QFrame#statusBanner { background: #fff4e5; border: 1px solid #f0b35a; }",
          False: "QFrame#statusBanner { background: #eef5ff; border: 1px solid #9bbbe8; }"}


def _opinion_lines(banner: Banner, label_of) -> list[str]:
    lines = []
    for o in banner.opinions:
        head = f"{o.round + '　' if o.round else ''}{o.level}（{o.who}，{o.when}）{o.decision}"
        lines.append(head + (f"：{o.opinion}" if o.opinion else ""))
        if o.letter:
            lines.append(f"　　反馈意见：{o.letter}")
        lines += [f"　　{label_of(path)}：{why}" for path, why in o.reasons.items()]
    return lines


class StatusBanner(QFrame):
    adjust_requested = Signal()
    review_requested = Signal()
    relay_requested = Signal()

    def __init__(self, banner: Banner, label_of, *, can_review: bool, parent: QWidget | None = None,
                 can_adjust: bool = True, can_relay: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("statusBanner")
        self.setStyleSheet(_STYLE[banner.frozen])
        layout = QVBoxLayout(self)
        self.headline = QLabel(banner.headline, self)
        self.headline.setObjectName("bannerHeadline")
        self.headline.setStyleSheet("font-weight: bold;")
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        self.instead = QLabel(banner.instead, self)
        self.instead.setObjectName("bannerInstead")
        self.instead.setWordWrap(True)
        self.instead.setVisible(bool(banner.instead))
        layout.addWidget(self.instead)
        self.relay = QLabel(banner.relay, self)  # the 主管部门's note passing the answer down
        self.relay.setObjectName("bannerRelay")
        self.relay.setWordWrap(True)
        self.relay.setVisible(bool(banner.relay))
        layout.addWidget(self.relay)
        self.opinions = QLabel("\n".join(_opinion_lines(banner, label_of)), self)
        self.opinions.setObjectName("bannerOpinions")
        self.opinions.setWordWrap(True)
        self.opinions.setVisible(bool(banner.opinions))
        layout.addWidget(self.opinions)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.adjust_button = QPushButton("申请调整…", self)
        self.adjust_button.setObjectName("requestAdjustment")
        self.adjust_button.setVisible(can_adjust and banner.status is Status.APPROVED)
        self.adjust_button.clicked.connect(self.adjust_requested)
        buttons.addWidget(self.adjust_button)
        self.review_button = QPushButton("审核…", self)
        self.review_button.setObjectName("reviewButton")
        self.review_button.setVisible(can_review)
        self.review_button.clicked.connect(self.review_requested)
        buttons.addWidget(self.review_button)
        self.relay_button = QPushButton("转发审核结果…", self)  # at a 主管部门: the office's answer, down to the unit
        self.relay_button.setObjectName("relayButton")
        self.relay_button.setVisible(can_relay)
        self.relay_button.clicked.connect(self.relay_requested)
        buttons.addWidget(self.relay_button)
        layout.addLayout(buttons)

    def text(self) -> str:
        return "\n".join(w.text() for w in (self.headline, self.instead, self.relay, self.opinions)
                         if w.isVisible() or w.text())
