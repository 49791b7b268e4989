"""公钥登记表: the printed page a unit signs, seals and hands to the finance office, which types
(or scans) the fingerprint into its trust registry. The fingerprint is what matters; the rest
lets a person check they register the right unit."""

from __future__ import annotations

import io

from cryptography import x509
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from perfdesk.render.pdf import FONT, register_font
from perfdesk.store import Store
from perfdesk.package import keys
from perfdesk.package.identity import identity_of

_SOURCE = {"self-issued": "本单位自行生成（自签名证书）", "pkcs12": "认证机构颁发（PKCS#12 导入）"}


def registration_form_pdf(store: Store, unit_id: int) -> bytes:
    register_font()
    unit = store.get_unit(unit_id)
    record = identity_of(store, unit_id)
    cert = x509.load_pem_x509_certificate(record.cert_pem.encode("ascii"))
    fp = record.fingerprint
    width, height = A4
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4, invariant=1)
    c.setTitle(f"公钥登记表 {unit.name}")
    c.setAuthor("PerfDesk")
    c.setFont(FONT, 18)
    c.drawCentredString(width / 2, height - 30 * mm, "预算绩效数据包签名公钥登记表")
    left, right, label_w = 20 * mm, width - 20 * mm, 42 * mm
    rows = [
        ("单位名称", unit.name),
        ("单位编码", unit.code),
        ("主管部门", f"{unit.supervisor_name}（{unit.supervisor_code}）"),
        ("证书主题", keys.subject_name(cert)),
        ("证书来源", _SOURCE.get(record.source, record.source)),
        ("证书序列号", format(cert.serial_number, "X")),
        ("有效期", f"{cert.not_valid_before_utc:%Y年%m月%d日} 至 {cert.not_valid_after_utc:%Y年%m月%d日}"),
        ("公钥指纹\n（SHA-256）", keys.grouped(fp[:32]) + "\n" + keys.grouped(fp[32:])),
    ]
    y = height - 42 * mm
    c.setLineWidth(0.6)
    for label, value in rows:
        lines = value.split("\n")
        row_h = max(10 * mm, (len(lines) * 6 + 4) * mm)
        c.rect(left, y - row_h, right - left, row_h)
        c.line(left + label_w, y, left + label_w, y - row_h)
        c.setFont(FONT, 11)
        label_lines = label.split("\n")
        for i, text in enumerate(label_lines):
            c.drawString(left + 3 * mm, y - row_h / 2 + (len(label_lines) / 2 - i - 0.8) * 5 * mm, text)
        mono = label.startswith("公钥指纹")
        c.setFont(FONT, 13 if mono else 11)  # the embedded font: prints the same everywhere
        for i, text in enumerate(lines):
            c.drawString(left + label_w + 3 * mm, y - row_h / 2 + (len(lines) / 2 - i - 0.8) * 6 * mm, text)
        y -= row_h
    _qr(c, fp, left, y - 52 * mm, 48 * mm)
    c.setFont(FONT, 10)
    c.drawString(left + 55 * mm, y - 12 * mm, "二维码内容即上面的公钥指纹，财政部门可扫码登记：")
    c.drawString(left + 55 * mm, y - 18 * mm, f"perfdesk trust add --code {unit.code} --name {unit.name}")
    c.drawString(left + 55 * mm, y - 24 * mm, "　--fingerprint 指纹")
    c.drawString(left + 55 * mm, y - 34 * mm, "请核对指纹与本单位电脑上显示的一致后签字盖章。")
    y -= 70 * mm
    c.setFont(FONT, 12)
    c.drawString(left, y, "单位负责人（签名）：")
    c.drawString(left + 95 * mm, y, "经办人（签名）：")
    c.drawString(left, y - 14 * mm, "单位（盖章）")
    c.drawString(left + 95 * mm, y - 14 * mm, "日期：　　　　年　　月　　日")
    c.setFont(FONT, 9)
    c.drawString(left, 20 * mm, "注：本表一式两份，财政部门与单位各存一份。密钥更换或证书到期后须重新登记。")
    c.showPage()
    c.save()
    return out.getvalue()


def _qr(c: Canvas, text: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(text, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)
