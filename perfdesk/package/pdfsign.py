"""PAdES signature on the printed form, so form.pdf proves its signer even outside the package,
with the unit's seal (公章) as the visible signature appearance at the 盖章 place on page 1."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .errors import PackageError
from .identity import Signer

FIELD = "PerfDeskSignature"
SEAL_SIZE = 113.0  # points: a 40 mm round seal, the size of an official 公章
MAX_SEAL_BYTES = 5 * 1024 * 1024
MAX_SEAL_PIXELS = 4000 * 4000


@dataclass(frozen=True)
class PdfCheck:
    intact: bool
    valid: bool
    trusted: bool
    signer_name: str
    signed_at: dt.datetime | None
    summary: str


def _asn1(signer: Signer):
    from asn1crypto import keys as akeys
    from asn1crypto import x509 as ax509

    cert = ax509.Certificate.load(signer.cert.public_bytes(serialization.Encoding.DER))
    key = akeys.PrivateKeyInfo.load(signer.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert, key


def _seal_box(pdf: bytes) -> tuple[float, float, float, float]:
    """A seal-sized box centred on “盖章” on page 1; the top right corner if the form has none."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        page = doc[0]
        width, height = page.get_size()
        text = page.get_textpage()
        match = text.search("盖章").get_next()
        if match:
            # Over the end of “（盖章）：” and the start of the unit's name, as a seal is pressed.
            left, bottom, right, top = text.get_charbox(match[0] + 1)
            x, y = right + 25, (bottom + top) / 2
        else:
            x, y = width - 40 - SEAL_SIZE / 2, height - 40 - SEAL_SIZE / 2
    finally:
        doc.close()
    half = SEAL_SIZE / 2
    x = min(max(x, half), width - half)
    y = min(max(y, half), height - half)
    return (x - half, y - half, x + half, y + half)


def _seal_style(seal_png: bytes):
    from PIL import Image, UnidentifiedImageError
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.stamp import StaticStampStyle

    if len(seal_png) > MAX_SEAL_BYTES:
        raise PackageError("公章图片超过 5 MB，请使用较小的 PNG 图片")
    try:
        image = Image.open(io.BytesIO(seal_png))
        if image.width * image.height > MAX_SEAL_PIXELS:
            raise PackageError("公章图片尺寸过大，请使用 4000×4000 像素以内的图片")
        image = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PackageError("无法读取公章图片，请提供 PNG 格式的图片") from exc
    return StaticStampStyle(background=PdfImage(image), border_width=0, background_opacity=1.0)


def sign_pdf(pdf: bytes, signer: Signer, seal_png: bytes | None = None) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert, key = _asn1(signer)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason="预算绩效表单报送", name=signer.name)
    style, spec = None, None
    if seal_png is not None:
        style = _seal_style(seal_png)
        spec = fields.SigFieldSpec(FIELD, on_page=0, box=_seal_box(pdf))
    simple = signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                  cert_registry=SimpleCertificateStore.from_certs([cert]))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = signers.PdfSigner(meta, signer=simple, stamp_style=style, new_field_spec=spec).sign_pdf(writer)
    return out.getvalue()


def check_pdf(pdf: bytes, trusted: x509.Certificate) -> PdfCheck:
    """Validate the PDF's own signature against one trusted certificate (the package's signer)."""
    from asn1crypto import x509 as ax509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    anchor = ax509.Certificate.load(trusted.public_bytes(serialization.Encoding.DER))
    try:
        signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
        if len(signatures) != 1:
            return PdfCheck(False, False, False, "", None, f"PDF 中有 {len(signatures)} 个签名，应为 1 个")
        status = validate_pdf_signature(signatures[0], ValidationContext(trust_roots=[anchor]))
    except Exception as exc:  # noqa: BLE001 - pyHanko reports a malformed PDF in many ways
        return PdfCheck(False, False, False, "", None, f"PDF 签名无法验证：{exc}")
    name = status.signing_cert.subject.native.get("common_name", "")
    return PdfCheck(status.intact, status.valid, status.trusted, name, status.signer_reported_dt,
                    summary_text(status.intact, status.valid, status.trusted, getattr(status, "revoked", False),
                                 getattr(status, "coverage", None)))


def summary_text(intact: bool, valid: bool, trusted: bool, revoked: bool = False, coverage=None) -> str:
    """pyHanko's “INTACT:TRUSTED,UNTOUCHED” said in Chinese: content, signature, certificate, later changes."""
    if not (intact and valid):
        return "签名与文件内容不符，文件可能已被改动"
    parts = ["文件内容未被改动", "签名有效",
             "证书可信" if trusted else ("证书已被吊销" if revoked else "证书未登记为可信")]
    if coverage is not None:
        whole = getattr(coverage, "name", "") in ("ENTIRE_FILE", "ENTIRE_REVISION")
        parts.append("签名覆盖整个文件" if getattr(coverage, "name", "") == "ENTIRE_FILE"
                     else ("签名后有追加内容" if whole else "签名只覆盖文件的一部分"))
    return "，".join(parts)
