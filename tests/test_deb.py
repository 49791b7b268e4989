"""The .deb for Kylin/UOS (.ci/deb): installs with dpkg, puts `perfdesk` on the PATH and the
desktop entry 预算绩效填报 with its icon in place, runs its self-test, and removes cleanly.

It installs into the real system, so it runs only when PERFDESK_TEST_DEB names the package file
and the test runs as root (CI does both after building it); otherwise it is skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

DEB = os.environ.get("PERFDESK_TEST_DEB")

pytestmark = pytest.mark.skipif(
    not DEB or not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("dpkg") is None,
    reason="set PERFDESK_TEST_DEB=build/perfdesk_<version>_<arch>.deb and run as root (installs it)")


def run(*argv: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=600, **kw)


def test_deb_installs_runs_its_self_test_and_removes_cleanly(tmp_path):
    assert not Path("/opt/perfdesk").exists(), "PerfDesk is already installed here: remove it first"
    listed = run("dpkg-deb", "--contents", DEB).stdout
    installed = run("dpkg", "-i", DEB)
    try:
        assert installed.returncode == 0, installed.stderr
        assert run("dpkg-query", "-W", "-f=${Status}", "perfdesk").stdout == "install ok installed"
        assert Path("/opt/perfdesk/PerfDesk").is_file() and os.access("/opt/perfdesk/PerfDesk", os.X_OK)

        command = shutil.which("perfdesk", path="/usr/bin")
        assert command == "/usr/bin/perfdesk" and os.path.realpath(command) == "/opt/perfdesk/PerfDesk"
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8", "TMPDIR": str(tmp_path)}
        version = run("perfdesk", "--version", env=env)
        assert (version.returncode, version.stdout.strip()) == (0, "PerfDesk 0.1.0")

        entry = Path("/usr/share/applications/perfdesk.desktop").read_text(encoding="utf-8")
        assert "Name=预算绩效填报" in entry and "Exec=perfdesk" in entry and "Icon=perfdesk" in entry
        assert Path("/usr/share/icons/hicolor/256x256/apps/perfdesk.png").stat().st_size > 0
        if shutil.which("desktop-file-validate"):
            assert run("desktop-file-validate", "/usr/share/applications/perfdesk.desktop").returncode == 0

        # From the installed package, with no display and a user that never ran PerfDesk.
        selftest = run("perfdesk", "--self-test", env=env)
        assert selftest.returncode == 0, selftest.stdout + selftest.stderr
        assert selftest.stdout.strip().splitlines()[-1].startswith("自检通过")

        db = tmp_path / "forms.db"
        assert run("perfdesk", "--db", f"sqlite:///{db}", "demo", env=env).returncode == 0
        assert "长治市第一中学" in run("perfdesk", "--db", f"sqlite:///{db}", "list", env=env).stdout
    finally:
        removed = run("dpkg", "--purge", "perfdesk")
    assert removed.returncode == 0, removed.stderr
    assert run("dpkg-query", "-W", "perfdesk").returncode != 0
    # Every file the package brought is gone, and nothing it made at run time was left in /opt.
    for line in listed.splitlines():
        path = "/" + line.split(None, 5)[-1].split(" -> ")[0].removeprefix("./")
        if not path.endswith("/"):
            assert not os.path.lexists(path), f"{path} left behind"
    assert not Path("/opt/perfdesk").exists() and not Path("/usr/bin/perfdesk").exists()
