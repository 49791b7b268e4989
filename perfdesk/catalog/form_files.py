"""Finding and reading the form and profile files, for the domain (which reads none itself).

Three folders, later ones winning for the same id:

1. the shipped forms/ (随程序安装);
2. the user's folder: forms/ in the user data folder PerfDesk keeps its database in (用户目录);
3. `perfdesk --forms DIR` or PERFDESK_FORMS (--forms).

In each: the forms at the top, earlier versions of forms in versions/ (any name; the shipped ones
<id>@<version>.yaml), profiles in profiles/. A variant file is read and checked as the shipped ones
are (form_reading.load_form, profiles.get_profile) the first time anything asks; one that fails is not
used, and `problems()` says which file and why (the CLI on stderr, the GUI in a message at start).
The shipped files are parsed only when asked for, as before.
"""

from __future__ import annotations

import dataclasses
import os
import re
from itertools import islice
from pathlib import Path
from typing import Any

from perfdesk.domain import sources
from perfdesk.paths import forms_dir

SHIPPED = "随程序安装"
VERSIONS = "versions"
PROFILES = "profiles"
ENV = "PERFDESK_FORMS"
# Data files beside the forms, not forms (the indicator library).
INDICATOR_LIBRARY = "indicator_library.yaml"
NOT_FORMS = frozenset({"common_indicators.yaml", INDICATOR_LIBRARY})
# 汇总表 (a finance office's tables of a round): form-like files read by summary_operations, not forms.
SUMMARIES = "summary_"
_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
# The top-level `name:` of a form file written as a plain one-line scalar: no quotes, no YAML
# indicator first, no ": " or " #" inside. Any other way of writing it is read by the full parser.
_PLAIN_NAME = re.compile(r"name: +(?P<name>[^\s#'\"{\[&*!|>%@`,?:-][^#:]*?) *")
_HEADER_LINES = 40  # the name is among a form file's first lines, after its comments and id


APP_NAME = "PerfDesk"  # as store/location.py names the data folder (not imported: it is the store's package)


def user_forms_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "forms"


@dataclasses.dataclass(frozen=True)
class Folder:
    path: Path
    label: str  # 用户目录 / --forms

    def origin(self, file: Path) -> str:
        return f"{self.label} {file}"


class FileCatalog:
    """The forms and profiles of the shipped folder and the variant folders (sources.Catalog)."""

    def __init__(self, extra: str | Path | None = None, *, shipped: Path | None = None,
                 user: Path | None = None) -> None:
        extra = extra if extra is not None else os.environ.get(ENV) or None
        self.shipped = shipped or forms_dir()
        self._user, self._extra = user, extra
        self._folders: list[Folder] | None = None
        self._read: _Variants | None = None
        self._shipped_forms: dict[tuple[str, int | None], Any] = {}

    @property
    def variant_folders(self) -> list[Folder]:
        """The user's folder, then --forms: worked out on first use (platformdirs is not needed before)."""
        if self._folders is None:
            self._folders = [Folder(self._user or user_forms_dir(), "用户目录")]
            if self._extra:
                self._folders.append(Folder(Path(self._extra).expanduser().resolve(), "--forms"))
        return self._folders

    # --- forms ---------------------------------------------------------------------------------

    def form_ids(self) -> list[str]:
        from perfdesk.domain.registry import FORM_FILES

        added = [form_id for form_id in self._variants().current if form_id not in FORM_FILES]
        return [*FORM_FILES, *added]

    def form(self, form_id: str, version: int | None):
        current = self._variants().current.get(form_id) or self._shipped(form_id)
        if current is None or version is None or version == current.version:
            return current
        found = self._variants().earlier.get((form_id, version))
        if found is not None:
            return found
        shipped = self._shipped(form_id)
        if shipped is not None and shipped.version == version:
            return shipped  # a variant raised the version of the shipped form
        return self._shipped_version(form_id, version)

    def versions(self, form_id: str) -> list[int]:
        found = {v for (i, v) in self._variants().earlier if i == form_id}
        for form in (self._variants().current.get(form_id), self._shipped(form_id)):
            if form is not None:
                found.add(form.version)
        for file in sorted((self.shipped / VERSIONS).glob(f"{form_id}@*.yaml")):
            number = file.stem.partition("@")[2]
            if number.isdigit():
                found.add(int(number))
        return sorted(found)

    def form_name(self, form_id: str) -> str | None:
        from perfdesk.domain.registry import FORM_FILES

        if self._has_variant_files():
            form = self._variants().current.get(form_id)
            if form is not None:
                return form.name
        file = FORM_FILES.get(form_id)
        if file is None:
            return None
        try:
            with open(self.shipped / file, encoding="utf-8") as lines:
                for line in islice(lines, _HEADER_LINES):
                    found = _PLAIN_NAME.fullmatch(line.rstrip("\r\n"))
                    if found is not None:
                        return found["name"]
        except OSError:
            pass  # the full reading says what is wrong with the file
        form = self._shipped(form_id)
        return None if form is None else form.name

    def _shipped(self, form_id: str):
        from perfdesk.domain.registry import FORM_FILES

        file = FORM_FILES.get(form_id)
        if file is None:
            return None
        key = (form_id, None)
        if key not in self._shipped_forms:
            self._shipped_forms[key] = _load_form(self.shipped / file, SHIPPED)
        return self._shipped_forms[key]

    def _shipped_version(self, form_id: str, version: int):
        key = (form_id, version)
        if key not in self._shipped_forms:
            file = self.shipped / VERSIONS / f"{form_id}@{version}.yaml"
            form = _load_form(file, SHIPPED) if file.is_file() else None
            self._shipped_forms[key] = form if form is not None and form.version == version else None
        return self._shipped_forms[key]

    # --- 汇总表 ---------------------------------------------------------------------------------

    def summary_files(self) -> dict[str, tuple[Path, str]]:
        """kind → (file, origin) of each summary_KIND.yaml: the shipped ones, then the user's folder and
        --forms (a later folder's file of the same kind wins)."""
        found = {f.stem[len(SUMMARIES):]: (f, SHIPPED) for f in sorted(self.shipped.glob(f"{SUMMARIES}*.yaml"))}
        for folder in self.variant_folders:
            for file in sorted(folder.path.glob(f"{SUMMARIES}*.yaml")) if folder.path.is_dir() else ():
                found[file.stem[len(SUMMARIES):]] = (file, folder.origin(file))
        return found

    # --- profiles ------------------------------------------------------------------------------

    def profile_ids(self) -> list[str]:
        shipped = {p.stem for p in (self.shipped / PROFILES).glob("*.yaml")}
        return sorted(shipped | set(self._variants().profiles))

    def profile_raw(self, profile_id: str) -> tuple[str, Any] | None:
        variant = self._variants().profiles.get(profile_id)
        if variant is not None:
            return variant
        path = self.shipped / PROFILES / f"{profile_id}.yaml"
        if not path.is_file():
            return None
        return path.name, _profile_yaml(path)

    def profile_origin(self, profile_id: str) -> tuple[str, Path]:
        """Where profile `profile_id` is read from: (随程序安装 | 用户目录 | --forms, its file)."""
        variant = self._variants().profile_paths.get(profile_id)
        if variant is not None:
            folder = next((f for f in reversed(self.variant_folders) if variant.is_relative_to(f.path)), None)
            return (folder.label if folder else "用户目录"), variant
        return SHIPPED, self.shipped / PROFILES / f"{profile_id}.yaml"

    def indicator_library_raw(self) -> Any:
        """The indicator library (指标库) as parsed YAML: always the shipped file, which variants do not replace."""
        from perfdesk.catalog.yaml_files import load_yaml

        return load_yaml(forms_dir() / INDICATOR_LIBRARY)

    # --- the variant folders -------------------------------------------------------------------

    def problems(self) -> list[str]:
        return list(self._variants().problems)

    def _has_variant_files(self) -> bool:
        return any(next(folder.path.glob(pattern), None) is not None
                   for folder in self.variant_folders if folder.path.is_dir()
                   for pattern in ("*.yaml", f"{VERSIONS}/*.yaml", f"{PROFILES}/*.yaml"))

    def _variants(self) -> _Variants:
        if self._read is None:
            self._read = _Variants()
            if self._has_variant_files():
                self._read.read(self.variant_folders)
                self._check_profiles()
        return self._read

    def _check_profiles(self) -> None:
        """A variant profile is used only if it builds as the shipped ones do (its inheritance too)."""
        from perfdesk.domain import profiles

        for profile_id, (name, _raw) in list(self._read.profiles.items()):
            try:
                profiles.get_profile(profile_id)
            except profiles.ProfileError as exc:
                self._read.problems.append(f"{self._read.profile_paths[profile_id]}：{_without_name(str(exc), name)}"
                                           "，未使用该文件")
                del self._read.profiles[profile_id]
            finally:
                profiles.get_profile.cache_clear()
                profiles._raw.cache_clear()


class _Variants:
    """What the user's folder and --forms hold, read and checked."""

    def __init__(self) -> None:
        self.current: dict[str, Any] = {}
        self.earlier: dict[tuple[str, int], Any] = {}
        self.profiles: dict[str, tuple[str, Any]] = {}
        self.profile_paths: dict[str, Path] = {}
        self.problems: list[str] = []

    def read(self, folders: list[Folder]) -> None:
        for folder in folders:
            if not folder.path.is_dir():
                if folder.label == "--forms":
                    self.problems.append(f"--forms 指定的文件夹 {folder.path} 不存在，未使用")
                continue
            seen: dict[str, Path] = {}
            for file in sorted(folder.path.glob("*.yaml")):
                if file.name in NOT_FORMS or file.name.startswith(SUMMARIES):
                    continue
                form = self._checked_form(file, folder)
                if form is None:
                    continue
                if form.id in seen:
                    self.problems.append(f"{file}：表单 id“{form.id}”与同一文件夹中的 {seen[form.id].name} 重复，"
                                         "未使用该文件")
                    continue
                seen[form.id] = file
                self.current[form.id] = form
                self.earlier[(form.id, form.version)] = form
            for file in sorted((folder.path / VERSIONS).glob("*.yaml")):
                form = self._checked_form(file, folder)
                if form is not None:
                    self.earlier[(form.id, form.version)] = form
            for file in sorted((folder.path / PROFILES).glob("*.yaml")):
                try:
                    self.profiles[file.stem] = (file.name, _profile_yaml(file))
                    self.profile_paths[file.stem] = file
                except ValueError as exc:
                    self.problems.append(f"{file}：{exc}，未使用该文件")

    def _checked_form(self, file: Path, folder: Folder):
        from perfdesk.domain.formdef import FormDefinitionError

        try:
            form = _load_form(file, folder.origin(file))
        except FormDefinitionError as exc:
            self.problems.append(f"{file}：{_without_name(str(exc), file.name)}，未使用该文件")
            return None
        except (TypeError, AttributeError, KeyError, ValueError) as exc:  # not a mapping of the expected shape
            self.problems.append(f"{file}：不是表单定义文件（{exc}），未使用该文件")
            return None
        if not _ID.fullmatch(form.id):
            self.problems.append(f"{file}：第{_line_of(file, 'id:')}行：表单 id“{form.id}”应为小写字母开头的"
                                 "字母、数字和下划线，未使用该文件")
            return None
        return form


def _load_form(path: Path, origin: str):
    from perfdesk.catalog.form_reading import load_form

    return dataclasses.replace(load_form(path), origin=origin)


def _profile_yaml(path: Path):
    from perfdesk.catalog.yaml_files import YAMLError, load_yaml

    try:
        return load_yaml(path)
    except YAMLError as exc:
        raise ValueError(f"不是有效的 YAML：{exc}") from None


def _without_name(message: str, name: str) -> str:
    """formdef's messages start with the file name; the problem line names the whole path already."""
    for prefix in (name + ":", name + " "):  # "decl.yaml: …" or "decl.yaml 第 3 行：…"
        if message.startswith(prefix):
            return message[len(prefix):].strip()
    return message


def _line_of(path: Path, start: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(start):
            return number
    return 1


def short_origin(origin: str) -> str:
    """随程序安装, or 用户目录 / --forms with the file's name only (the whole path goes in a tooltip)."""
    where, _, path = origin.partition(" ")
    return f"{where} {Path(path).name}" if path else origin


def install(extra: str | Path | None = None) -> FileCatalog:
    """Use the shipped forms, the user's folder and `extra` (--forms; PERFDESK_FORMS when None)."""
    catalog = FileCatalog(extra)
    sources.use(catalog)
    return catalog


def problems() -> list[str]:
    """Every variant file that was not used, with why: one line each."""
    return sources.catalog().problems()
