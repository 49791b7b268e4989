"""The README's commands and the CI script must agree: CI runs what the README tells people to run."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"

INSTALL_AND_START = "python3 -m venv .venv && . .venv/bin/activate && pip install . && perfdesk"
INSTALL_AND_TEST = 'python3 -m venv .venv && . .venv/bin/activate && pip install ".[test]" && pytest'


def _fenced_blocks(text: str) -> list[str]:
    """The contents of the ``` fenced code blocks, in order, stripped."""
    return [m.group(1).strip() for m in re.finditer(r"^```[^\n]*\n(.*?)^```", text, re.M | re.S)]


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _ci_script() -> str:
    return CI_RUN.read_text(encoding="utf-8")


def _apt_install_packages(command: str) -> list[str]:
    """Package names after `apt-get install` in a shell command line (options dropped)."""
    words = shlex.split(command)
    start = next(i for i in range(len(words) - 1) if words[i] == "apt-get" and words[i + 1] == "install")
    packages = []
    for word in words[start + 2 :]:
        if word in ("&&", ";", "||", "|"):
            break
        if not word.startswith("-"):
            packages.append(word)
    return packages


def _readme_apt_packages() -> list[str]:
    text = _readme()
    section = text.split("## Linux system packages", 1)[1].split("\n## ", 1)[0]
    commands = [b for b in _fenced_blocks(section) if "apt-get install" in b]
    assert len(commands) == 1, "the Linux system packages section needs exactly one apt-get install command"
    packages = _apt_install_packages(commands[0].replace("\\\n", " "))
    assert packages, "the README's apt-get install command names no packages"
    return packages


def _ci_apt_packages() -> list[str]:
    m = re.search(r"^APT_PACKAGES=\((.*?)^\)", _ci_script(), re.M | re.S)
    assert m, ".ci/run must list its apt packages in APT_PACKAGES=( ... )"
    packages = []
    for line in m.group(1).splitlines():
        packages.extend(line.split("#", 1)[0].split())
    return packages


def test_readme_starts_with_install_and_start_then_install_and_test():
    blocks = _fenced_blocks(_readme())
    assert len(blocks) >= 2
    assert blocks[0] == INSTALL_AND_START
    assert blocks[1] == INSTALL_AND_TEST


def test_readme_title_comes_first_and_commands_follow_it():
    text = _readme()
    assert text.splitlines()[0] == "# PerfDesk 预算绩效填报桌面端"
    # Nothing but one line of text per command between the title and the two commands.
    head = text.split(INSTALL_AND_TEST, 1)[0]
    assert "\n## " not in head


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = _fenced_blocks(_readme())[1]
    script_lines = [line.strip() for line in _ci_script().splitlines()]
    assert test_command in script_lines, ".ci/run must run the README's test command as a line of its own"


def test_ci_script_is_strict_bash():
    script = _ci_script()
    assert script.startswith("#!/usr/bin/env bash") or script.startswith("#!/bin/bash")
    assert "set -euo pipefail" in script


def test_ci_script_is_executable_in_git():
    import subprocess

    try:
        out = subprocess.run(
            ["git", "ls-files", "-s", ".ci/run"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout
    except OSError:  # no git on this machine
        out = ""
    if not out:  # not a git checkout (e.g. an sdist): the file mode is what we have
        assert CI_RUN.stat().st_mode & 0o111
    else:
        assert out.split()[0] == "100755", ".ci/run must be committed executable"


def test_every_readme_apt_package_is_installed_by_ci():
    ci = set(_ci_apt_packages())
    missing = [p for p in _readme_apt_packages() if p not in ci]
    assert not missing, f"packages in README.md but not installed by .ci/run: {missing}"


def test_ci_installs_no_apt_package_the_readme_does_not_name():
    readme = set(_readme_apt_packages())
    extra = [p for p in _ci_apt_packages() if p not in readme]
    assert not extra, f"packages installed by .ci/run but missing from README.md: {extra}"


def test_ci_installs_what_qt_and_the_tests_need():
    ci = set(_ci_apt_packages())
    needed = {
        "libegl1", "libgl1", "libxkbcommon0", "libxkbcommon-x11-0", "libfontconfig1", "libfreetype6",
        "libdbus-1-3", "libglib2.0-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1",
        "libxcb-shape0", "libxcb-xinerama0", "libxcb-randr0", "libxcb-render-util0", "libxcb-image0",
        "libx11-xcb1", "libxrender1", "libxi6", "poppler-utils", "fonts-noto-cjk", "xvfb",
    }  # fmt: skip
    assert needed <= ci, sorted(needed - ci)
