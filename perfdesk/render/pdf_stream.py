"""Write one PDF out of many, page by page, in constant memory: each source PDF's pages are copied
to the output file as soon as it is given, then it is dropped.

pypdf's PdfWriter (and ReportLab's canvas) keep every page in memory until the end; here only the
offsets of the objects written so far (8 bytes each) and the page numbers are kept. The page tree is
written last, so pages added late (a contents page) can still be put first.
"""

from __future__ import annotations

import io
from array import array
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, EncodedStreamObject,
                           IndirectObject, NameObject, NumberObject, StreamObject, TextStringObject)

_PAGE_NUMBER_FONT = "/PerfDeskBatchFont"  # a standard font: the batch page number is digits only


class StreamedPdf:
    def __init__(self, out: BinaryIO, *, title: str = "") -> None:
        self.out, self.title = out, title
        self._offsets = array("Q")  # object number - 1 -> its offset in the file
        self._stamp_font: int | None = None
        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self._pages_root = self._reserve()

    # objects ----------------------------------------------------------------------------------
    def _reserve(self) -> int:
        self._offsets.append(0)
        return len(self._offsets)

    def _write(self, number: int, obj) -> None:
        self._offsets[number - 1] = self.out.tell()
        buffer = io.BytesIO()
        buffer.write(b"%d 0 obj\n" % number)
        obj.write_to_stream(buffer)
        buffer.write(b"\nendobj\n")
        self.out.write(buffer.getvalue())

    def _add(self, obj) -> int:
        number = self._reserve()
        self._write(number, obj)
        return number

    # pages ------------------------------------------------------------------------------------
    def append(self, pdf: bytes, *, numbers_from: int | None = None) -> list[int]:
        """Copy every page of `pdf`; returns the output's object numbers of its pages (for `finish`).
        numbers_from: write the batch page number (numbers_from, +1, …) in each page's bottom corner."""
        reader = PdfReader(io.BytesIO(pdf))
        copier = _Copier(self)
        pages = []
        for index, page in enumerate(reader.pages):
            number = self._reserve()
            copy = DictionaryObject({key: copier.clone(value) for key, value in page.items() if key != "/Parent"})
            copy[NameObject("/Parent")] = IndirectObject(self._pages_root, 0, None)
            if numbers_from is not None:
                self._stamp(copy, page, copier, numbers_from + index)
            self._write(number, copy)
            copier.drain()
            pages.append(number)
        return pages

    def _stamp(self, copy: DictionaryObject, page, copier: _Copier, number: int) -> None:
        """Add a content stream drawing `number` at the bottom right, the page's own drawing put
        inside q … Q so that its graphics state cannot move it."""
        if self._stamp_font is None:
            self._stamp_font = self._add(DictionaryObject({
                NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica")}))
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else DictionaryObject()
        new_fonts = DictionaryObject({key: copier.clone(value) for key, value in fonts.items()})
        new_fonts[NameObject(_PAGE_NUMBER_FONT)] = IndirectObject(self._stamp_font, 0, None)
        new_resources = DictionaryObject({key: copier.clone(value) for key, value in resources.items()})
        new_resources[NameObject("/Font")] = new_fonts
        copy[NameObject("/Resources")] = new_resources
        width = float(page.mediabox.right)
        text = str(number).encode()
        x = width - 15 * 72 / 25.4 - len(text) * 4.45  # right-aligned on the table's margin (15 mm)
        before = DecodedStreamObject()
        before.set_data(b"q\n")
        after = DecodedStreamObject()
        after.set_data(b"Q\nq BT %s 8 Tf %.2f 18 Td (%s) Tj ET Q\n" % (_PAGE_NUMBER_FONT.encode(), x, text))
        contents = copy.get("/Contents")
        inner = list(contents) if isinstance(contents, ArrayObject) else ([contents] if contents is not None else [])
        copy[NameObject("/Contents")] = ArrayObject(
            [IndirectObject(self._add(before), 0, None), *inner, IndirectObject(self._add(after), 0, None)])

    def finish(self, pages: list[int]) -> None:
        """The page tree (pages in this order), catalogue, document information and cross-reference."""
        self._write(self._pages_root, DictionaryObject({
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Kids"): ArrayObject(IndirectObject(p, 0, None) for p in pages),
            NameObject("/Count"): NumberObject(len(pages))}))
        catalog = self._add(DictionaryObject({
            NameObject("/Type"): NameObject("/Catalog"),
            NameObject("/Pages"): IndirectObject(self._pages_root, 0, None)}))
        info = self._add(DictionaryObject({
            NameObject("/Title"): TextStringObject(self.title),
            NameObject("/Creator"): TextStringObject("PerfDesk 预算绩效填报桌面端"),
            NameObject("/Producer"): TextStringObject("PerfDesk")}))
        start = self.out.tell()
        self.out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(self._offsets) + 1))
        for offset in self._offsets:
            self.out.write(b"%010d 00000 n \n" % offset)
        self.out.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                       % (len(self._offsets) + 1, catalog, info, start))


class _Copier:
    """Copies the objects one source PDF's pages use, renumbered into the output; each once."""

    def __init__(self, target: StreamedPdf) -> None:
        self.target = target
        self.numbers: dict[tuple[int, int], int] = {}
        self.queue: list[tuple[IndirectObject, int]] = []

    def clone(self, obj):
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            number = self.numbers.get(key)
            if number is None:
                number = self.numbers[key] = self.target._reserve()
                self.queue.append((obj, number))
            return IndirectObject(number, 0, None)
        if isinstance(obj, StreamObject):
            copy = EncodedStreamObject() if "/Filter" in obj else DecodedStreamObject()
            copy._data = obj._data
            copy.update({key: self.clone(value) for key, value in obj.items() if key != "/Length"})
            return copy
        if isinstance(obj, DictionaryObject):
            return DictionaryObject({key: self.clone(value) for key, value in obj.items()})
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.clone(value) for value in obj)
        return obj

    def drain(self) -> None:
        while self.queue:
            source, number = self.queue.pop()
            resolved = source.get_object()
            if isinstance(resolved, DictionaryObject) and resolved.get("/Type") in ("/Page", "/Pages"):
                raise ValueError("a page's resources refer to the page tree")  # never from our renderer
            self.target._write(number, self.clone(resolved))
