"""Peak memory of importing the worst hostile packages we can make, each signed validly by a key
of its maker's own and imported under --trust-new (so every check up to the last one runs).

Each package is imported by a fresh Python process into an empty office database; the peak
resident set (ru_maxrss) of that process is printed next to a genuine package's.

    python bench/hostile_memory.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from perfdesk.catalog.form_files import install as install_catalog  # noqa: E402

install_catalog()  # what the start-up (perfdesk.cli.main) does

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

MiB = 1024 * 1024

_IMPORT = """
import sys, time
sys.path.insert(0, {root!r})
from perfdesk.package.importer import import_bytes
from perfdesk.store import Store
store = Store("sqlite:///" + sys.argv[2])
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
outcome = import_bytes(store, data, "hostile.pdpkg", trust_new=True)
took = time.perf_counter() - start
# VmHWM: this process's own peak (ru_maxrss would count the parent's memory from before exec).
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(f"{{peak:.0f}}\\t{{took:.2f}}\\t{{outcome.status}}\\t{{outcome.message[:60]}}")
"""


def _world(folder: Path):
    from perfdesk.demo.demo_forms import load_demo
    from perfdesk.app.form_submission import build_form_package
    from perfdesk.package.identity import create_identity, load_signer
    from perfdesk.store import Store

    store = Store(f"sqlite:///{folder / 'unit.db'}")
    load_demo(store, 2027)
    unit = store.unit_by_code("201003")
    create_identity(store, unit.id, "bench-passphrase")
    signer = load_signer(store, unit.id, "bench-passphrase")
    form_id = next(f.id for f in store.list_forms() if f.title == "2027年校舍维修改造项目")
    package = build_form_package(store, form_id, signer).data
    store.close()
    return package


def _many_objects(pdf: bytes, count: int) -> bytes:
    """The rendering with an incremental update adding `count` tiny objects (a huge xref)."""
    import re

    size = int(re.findall(rb"/Size (\d+)", pdf)[-1])
    startxref = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    root = re.findall(rb"/Root (\d+ \d+ R)", pdf)[-1]
    out = bytearray(pdf)
    offsets = []
    for number in range(size, size + count):
        offsets.append(len(out))
        out += b"%d 0 obj\n0\nendobj\n" % number
    xref = len(out)
    out += b"xref\n%d %d\n" % (size, count) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size + count, root, startxref, xref)
    return bytes(out)


def hostile_packages(genuine: bytes) -> dict[str, bytes]:
    from perfdesk.package.manifest import digest
    from perfdesk.package.pdfsign import sign_pdf
    from test_package_support import impostor, members, rebound_pdf, resign, unsigned_pdf  # noqa: E402

    forger = impostor("888001", "冒名单位")
    base = members(genuine)
    form = json.loads(base["form.json"])
    form["unit"].update(code="888001", name="冒名单位")
    base["form.json"] = json.dumps(form, ensure_ascii=False).encode()
    made = {"genuine (the unit's own, for comparison)": genuine}

    def sign(items, body=None):
        body = body or json.loads(items["manifest.json"])
        body["unit"] = {"name": forger.unit.name, "code": forger.unit.code}
        return resign(items, forger, body)

    items = dict(base)
    items["form.pdf"] = rebound_pdf(items, forger)
    made["forged but ordinary"] = sign(items)

    # form.json at the value-count limit, every value a dict (the costliest object per byte).
    items = dict(base)
    crowded = dict(form, pad=[{"k": i} for i in range(124_000)])
    items["form.json"] = json.dumps(crowded, ensure_ascii=False).encode()
    items["form.pdf"] = rebound_pdf(items, forger)
    made[f"form.json with 248,000 values ({len(items['form.json']) // 1024} KB)"] = sign(items)

    # The archive at its limits: 64 MB of incompressible attachments, all listed and signed.
    items = dict(base)
    items["form.pdf"] = rebound_pdf(items, forger)
    for i in range(2):
        items[f"attachments/a{i}.bin"] = os.urandom(31 * MiB)
    body = json.loads(items["manifest.json"])
    body["members"] += [{"name": f"attachments/a{i}.bin"} for i in range(2)]
    made["62 MB of signed attachments"] = sign(items, body)

    # form.pdf at its 16 MB limit, made of 380,000 tiny objects, signed and bound.
    items = dict(base)
    huge = _many_objects(unsigned_pdf(base["form.pdf"]), 380_000)
    items["form.pdf"] = sign_pdf(huge, forger, form_sha256=digest(items["form.json"]))
    made[f"form.pdf of 380,000 objects ({len(items['form.pdf']) // MiB} MB)"] = sign(items)
    return made


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="perfdesk-hostile-") as tmp:
        folder = Path(tmp)
        packages = hostile_packages(_world(folder))
        script = _IMPORT.format(root=str(ROOT))
        print("peak MB\tseconds\toutcome\tpackage")
        for i, (name, package) in enumerate(packages.items()):
            path = folder / f"{i}.pdpkg"
            path.write_bytes(package)
            run = subprocess.run([sys.executable, "-c", script, str(path), str(folder / f"office{i}.db")],
                                 capture_output=True, text=True)
            line = run.stdout.strip() or f"failed: {run.stderr.strip()[-300:]}"
            print(f"{line}\t{name} [{len(package) // 1024} KB file]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
