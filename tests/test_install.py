"""Build the wheel, install it into a fresh virtualenv and use the installed `perfdesk` command.

This is what a user gets from `pip install .`: the forms, fonts and migrations must ship inside
the package, and the CLI must work from any directory, not only from a source checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 600  # seconds; installing PySide6 from an empty pip cache is slow

SHIPPED = [
    "perfdesk/forms/declaration.yaml",
    "perfdesk/resources/fonts/wqy-microhei.ttc",
    "perfdesk/resources/fonts/LICENSE-wqy-microhei.txt",
]

# What not to copy from the work tree: another build's leftovers (setuptools reuses build/ and
# would put stale files in the wheel), the CI virtualenv and caches.
_NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", "*.pyc",
    ".pytest_cache", ".hypothesis", "*.db", "*.db-wal", "*.db-shm",
)  # fmt: skip


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert proc.returncode == 0, (
        f"{' '.join(map(str, cmd))} exited with {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout[-5000:]}\n--- stderr ---\n{proc.stderr[-5000:]}"
    )
    return proc


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without this test run's virtualenv, so the new venv stands on its own."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    venv = os.environ.get("VIRTUAL_ENV")
    if venv:
        bin_dir = str(Path(venv) / "bin")
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != bin_dir)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_PROGRESS_BAR"] = "off"
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a clean copy of the repository."""
    src = tmp_path_factory.mktemp("src") / "perfdesk"
    shutil.copytree(ROOT, src, ignore=_NOT_SOURCES)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, src], cwd=dist, env=_clean_env())
    wheels = sorted(dist.glob("perfdesk-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_ships_forms_fonts_and_migrations(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = next(
            zf.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt")
        )
        font = zf.read("perfdesk/resources/fonts/wqy-microhei.ttc")
    missing = [n for n in SHIPPED if n not in names]
    assert not missing, f"missing from {wheel.name}: {missing}"
    # A TrueType collection whose first face has glyf outlines (sfnt 0x00010000), not CFF ('OTTO'):
    # ReportLab embeds only these.
    assert font[:4] == b"ttcf"
    first_face = int.from_bytes(font[12:16], "big")
    assert font[first_face:first_face + 4] == b"\x00\x01\x00\x00"
    assert any(n.startswith("perfdesk/store/migrations/") and n.endswith("env.py") for n in names)
    assert re.search(r"^perfdesk\s*=\s*perfdesk\.cli:main\s*$", entry_points, re.M), entry_points


def test_installed_wheel_runs_the_cli_from_another_directory(wheel, tmp_path):
    venv = tmp_path / "venv"
    work = tmp_path / "work"
    work.mkdir()
    _run([sys.executable, "-m", "venv", venv], cwd=tmp_path, env=_clean_env())
    python = venv / "bin" / "python"
    perfdesk = venv / "bin" / "perfdesk"
    _run([python, "-m", "pip", "install", wheel], cwd=tmp_path, env=_clean_env())
    assert perfdesk.exists(), "the wheel installs no `perfdesk` script"

    env = _clean_env(
        PERFDESK_DB=f"sqlite:///{tmp_path / 'x.db'}",
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
    )

    # The installed package, not the source checkout, must be what runs.
    pkg = Path(_run([python, "-c", "import perfdesk; print(perfdesk.__file__)"], cwd=work, env=env).stdout.strip())
    pkg_dir = pkg.parent
    assert venv.resolve() in pkg_dir.resolve().parents, f"perfdesk imported from {pkg_dir}, not from the venv"
    for name in SHIPPED:
        assert (pkg_dir.parent / name).is_file(), f"{name} is not installed"

    _run([perfdesk, "demo"], cwd=work, env=env)
    listing = _run([perfdesk, "list"], cwd=work, env=env).stdout
    ids = [m.group(1) for m in re.finditer(r"^\s*(\d+)\b", listing, re.M)]
    assert ids, f"`perfdesk list` printed no form ids after `perfdesk demo`:\n{listing}"

    # Export refuses forms with errors, and the demo data includes some on purpose: take the
    # first listed form that `perfdesk check` passes.
    checked = {i: subprocess.run([str(perfdesk), "check", i], cwd=work, env=env, capture_output=True,
                                 text=True, timeout=TIMEOUT, check=False) for i in ids}
    clean = [i for i in ids if checked[i].returncode == 0]
    assert clean, "no demo form passes `perfdesk check`:\n" + "\n".join(
        f"{i}: {checked[i].stdout}{checked[i].stderr}" for i in ids)

    _run([perfdesk, "export", clean[0], "--pdf", "a.pdf", "--xlsx", "a.xlsx"], cwd=work, env=env)
    pdf, xlsx = work / "a.pdf", work / "a.xlsx"
    assert pdf.is_file() and xlsx.is_file()
    assert pdf.read_bytes()[:4] == b"%PDF"
    assert zipfile.is_zipfile(xlsx)
    with zipfile.ZipFile(xlsx) as zf:
        assert "[Content_Types].xml" in zf.namelist()
