"""打印预览 and 打印: the very PDF that export writes, page by page, and printing those pages.

The pages are rasterised with PDFium (pypdfium2), so what the clerk sees and prints is what
`operations.render` produced, to the pixel, with no second layout engine involved. “打印到文件”
(PDF) in the print dialog writes that PDF itself, text and all, rather than pictures of its pages.
"""

from __future__ import annotations

import io
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRect, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from perfdesk.os_errors import explain_os
from perfdesk.ui.help_window import show_manual
from perfdesk.ui.screen_fit import open_within_screen

DRAFT_MARK = "（草稿，含错误）"
ZOOMS = (50, 75, 100, 125, 150, 200)
PRINT_DPI = 300  # enough for 宋体-sized text and thin rules; higher only makes the spool bigger


class PdfPages:
    """A PDF held in memory, rasterised on request."""

    def __init__(self, pdf: bytes) -> None:
        import pypdfium2  # imported here: the main window starts without it

        self._pdf = pypdfium2.PdfDocument(pdf)
        self._closed = False
        self.sizes = [self._pdf[i].get_size() for i in range(len(self._pdf))]  # points

    def __len__(self) -> int:
        return len(self.sizes)

    def image(self, index: int, dpi: float) -> QImage:
        page = self._pdf[index]
        try:
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True, prefer_bgrx=True)  # bytes R,G,B,x
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGBX8888).copy()
            bitmap.close()
        finally:
            page.close()
        image.setDotsPerMeterX(round(dpi / 0.0254))
        image.setDotsPerMeterY(round(dpi / 0.0254))
        return image

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._pdf.close()


def new_printer(title: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)  # the PDF carries its own margins
    printer.setPageMargins(QMarginsF(0, 0, 0, 0))
    printer.setDocName(title)
    return printer


def chosen_pages(printer: QPrinter, count: int) -> range:
    """The pages (from 0) the print dialog asked for: all, or its 页码范围."""
    first, last = printer.fromPage(), printer.toPage()
    if first <= 0 or last <= 0:
        return range(count)
    return range(min(first, count) - 1, min(last, count))


def exec_print_dialog(printer: QPrinter, parent: QWidget | None, pages: int, title: str = "打印") -> bool:
    """The system print dialog (printer, copies, page range); a test replaces this to print into a file."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setMinMax(1, max(pages, 1))
    return dialog.exec() == QDialog.DialogCode.Accepted


def send(pdf: bytes, pages: PdfPages, printer: QPrinter) -> int:
    """Print the chosen pages on `printer`; into a PDF file, the PDF's own pages. Pages sent."""
    wanted = chosen_pages(printer, len(pages))
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        return write_pdf_pages(pdf, wanted, Path(printer.outputFileName()))
    return print_pages(pages, printer, wanted)


def write_pdf_pages(pdf: bytes, wanted: range, target: Path) -> int:
    from pypdf import PdfReader, PdfWriter

    if len(wanted) == len(PdfReader(io.BytesIO(pdf)).pages):
        payload = pdf
    else:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
        for index in sorted(set(range(len(writer.pages))) - set(wanted), reverse=True):
            del writer.pages[index]
        out = io.BytesIO()
        writer.write(out)
        payload = out.getvalue()
    try:
        target.write_bytes(payload)
    except OSError as exc:
        raise OSError(f"无法写入 {target}：{explain_os(exc)}") from exc
    return len(wanted)


def print_pages(pages: PdfPages, printer: QPrinter, wanted: range | None = None) -> int:
    """Print the pages (all by default), each filling the sheet (A4 on A4); returns the number sent."""
    dpi = min(printer.resolution(), PRINT_DPI)
    painter = QPainter()
    wanted = range(len(pages)) if wanted is None else wanted
    for index, (width, height) in ((i, pages.sizes[i]) for i in wanted):
        orientation = QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
        if printer.pageLayout().orientation() != orientation:
            printer.setPageOrientation(orientation)  # takes effect from the next sheet
        if index == wanted[0]:
            if not painter.begin(printer):
                raise OSError("无法开始打印，请检查打印机设置")
        elif not printer.newPage():
            painter.end()
            raise OSError("打印机拒绝了新的一页")
        sheet = printer.pageLayout().fullRectPixels(printer.resolution())
        image = pages.image(index, dpi)
        target = image.size().scaled(sheet.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = sheet.x() + (sheet.width() - target.width()) // 2
        y = sheet.y() + (sheet.height() - target.height()) // 2
        painter.drawImage(QRect(x, y, target.width(), target.height()), image)
    if len(wanted):
        painter.end()
    return len(wanted)


class PrintPreviewDialog(QDialog):
    def __init__(self, pdf: bytes, title: str, *, draft: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printPreview")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.doc_title = title
        self.draft = draft
        self.setWindowTitle(f"打印预览 – {title}{DRAFT_MARK if draft else ''}")
        open_within_screen(self, 900, 1000)
        self.pdf = pdf
        self.pages = PdfPages(pdf)

        bar = QHBoxLayout()
        self.count_label = QLabel(f"共 {len(self.pages)} 页", self)
        self.count_label.setObjectName("pageCount")
        bar.addWidget(self.count_label)
        if draft:
            mark = QLabel("表单还有错误，这是草稿，不能导出报送。", self)
            mark.setObjectName("draftMark")
            mark.setStyleSheet("color: #b00020;")
            bar.addWidget(mark)
        bar.addStretch(1)
        bar.addWidget(QLabel("缩放：", self))
        self.zoom_box = QComboBox(self)
        self.zoom_box.setObjectName("zoomBox")
        for zoom in ZOOMS:
            self.zoom_box.addItem(f"{zoom}%", zoom)
        self.zoom_box.setCurrentIndex(ZOOMS.index(100))
        bar.addWidget(self.zoom_box)
        self.print_button = QPushButton("打印…", self)
        self.print_button.setObjectName("printButton")
        bar.addWidget(self.print_button)
        close = QPushButton("关闭", self)
        bar.addWidget(close)
        help_button = QPushButton("帮助", self)
        help_button.setObjectName("helpButton")
        help_button.clicked.connect(lambda: show_manual(self, "print"))
        bar.addWidget(help_button)

        self.page_box = QWidget(self)
        self.page_box.setObjectName("pageBox")
        self.page_box.setStyleSheet("#pageBox { background: #808080; }")
        pages_layout = QVBoxLayout(self.page_box)
        pages_layout.setSpacing(12)
        pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.page_labels: list[QLabel] = []
        for index in range(len(self.pages)):
            label = QLabel(self.page_box)
            label.setObjectName("pageImage")
            label.setToolTip(f"第 {index + 1} 页")
            pages_layout.addWidget(label)
            self.page_labels.append(label)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("previewScroll")
        self.scroll.setWidget(self.page_box)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)

        self.zoom_box.currentIndexChanged.connect(self._render)
        self.print_button.clicked.connect(self.print_document)
        close.clicked.connect(self.close)
        self._render()

    def zoom(self) -> int:
        return self.zoom_box.currentData()

    def _render(self) -> None:
        dpi = self.logicalDpiX() * self.zoom() / 100
        for index, label in enumerate(self.page_labels):
            label.setPixmap(QPixmap.fromImage(self.pages.image(index, dpi)))
            label.setFixedSize(label.pixmap().size())

    def page_count(self) -> int:
        return len(self.pages)

    def exec_print_dialog(self, printer: QPrinter) -> bool:
        return exec_print_dialog(printer, self, len(self.pages))

    def print_document(self) -> int:
        printer = new_printer(self.doc_title)
        if not self.exec_print_dialog(printer):
            return 0
        try:
            return send(self.pdf, self.pages, printer)
        except OSError as exc:
            QMessageBox.warning(self, "打印失败", str(exc))
            return 0

    def done(self, result: int) -> None:
        super().done(result)
        self.pages.close()
