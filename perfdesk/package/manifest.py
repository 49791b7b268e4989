"""manifest.json: what a package holds (every member's SHA-256 and size) and whose it is.

The signature covers the manifest's exact bytes, and the manifest covers every other member,
so one signature check plus one hash per member proves the whole package. The signer's
certificate (signer.pem) is a listed member too, so not one byte of it can change unnoticed;
only the signature (manifest.sig) and the manifest itself sit outside the list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from perfdesk import __version__
from perfdesk.package.archive_safety import LIMITS, name_problem
from perfdesk.package.package_errors import PackageError

MANIFEST_VERSION = 1
MANIFEST, SIGNATURE, SIGNER = "manifest.json", "manifest.sig", "signer.pem"
ENVELOPE = (MANIFEST, SIGNATURE)
# Members each kind must carry; a form may add attachments/…, a forward its seal, nothing else is allowed.
# form: a unit's submission; review: a reviewer's answer (主管部门 or finance office); forward: a 主管部门
# passing a unit's package on with its own opinion; relay: a 主管部门 passing the office's answer down.
FORWARDED, RELAYED, SEAL = "forwarded.pdpkg", "relayed.pdpkg", "seal.png"
# task: a finance office's round sent down (下发); empty: a unit's 空数据说明 for one kind of a round.
REQUIRED = {"form": ("form.json", "form.pdf", "form.xlsx", SIGNER), "review": ("review.json", SIGNER),
            "forward": (FORWARDED, "opinion.json", SIGNER), "relay": (RELAYED, "note.json", SIGNER),
            "task": ("task.json", SIGNER), "empty": ("empty.json", SIGNER)}
OPTIONAL = {"forward": (SEAL,)}
# Each kind as a clerk reads it (收件记录, 验证): every kind above has one.
KIND_LABELS = {"form": "表单报送", "review": "审核结果", "forward": "主管部门转报", "relay": "主管部门转发审核结果",
               "task": "下发任务", "empty": "空数据说明"}
CONTENT = {"form": "form.json", "review": "review.json", "forward": "opinion.json", "relay": "note.json",
           "task": "task.json", "empty": "empty.json"}
ATTACHMENTS = "attachments/"
MANIFEST_LIMIT = 1024 * 1024

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Member:
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    kind: str
    form_id: str
    form_version: int
    form_uid: str
    version: int
    unit_name: str
    unit_code: str
    year: int
    title: str
    created_at: dt.datetime
    app_version: str
    members: dict[str, Member]
    raw: dict


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_manifest(*, kind: str, form_id: str, form_version: int, form_uid: str, version: int,
                   unit_name: str, unit_code: str, year: int, title: str,
                   members: dict[str, bytes], extra: dict | None = None) -> bytes:
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    body = {
        "manifest_version": MANIFEST_VERSION, "kind": kind,
        "form_id": form_id, "form_version": form_version, "form_uid": form_uid, "version": version,
        "unit": {"name": unit_name, "code": unit_code}, "year": year, "title": title,
        "created_at": now.isoformat().replace("+00:00", "Z"), "app_version": __version__,
        "members": [{"name": name, "sha256": digest(data), "size": len(data)}
                    for name, data in sorted(members.items())],
        **(extra or {}),
    }
    return canonical(body)


def canonical(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")  # two readers could see two different values
    return dict(pairs)


def _no_constant(name: str):
    raise ValueError(f"non-standard constant {name}")


# Nesting is bounded before parsing: a deep document costs the parser a stack frame per level
# (a worker thread's stack is small), and no member we read needs more than a dozen levels.
MAX_JSON_DEPTH = 16
# Parsing allocates an object per value; the form's own shape check allows 200,000 nodes.
MAX_JSON_VALUES = 250_000
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_INNERMOST = re.compile(rb"\[\]|\{\}")


def json_shape_problem(raw: bytes, depth: int = MAX_JSON_DEPTH, values: int = MAX_JSON_VALUES) -> str | None:
    """Why the document would cost too much to parse (nesting, number of values), found with a
    few linear regex passes over its bytes instead of a parser; None when it may be parsed."""
    bare = _JSON_STRING.sub(b'""', raw)
    if bare.count(b",") + bare.count(b"[") + bare.count(b"{") > values:
        return f"含有超过 {values} 个值"
    brackets = _NOT_BRACKET.sub(b"", bare)
    if re.search(rb"[\[{]{%d}" % (depth + 1), brackets):
        return f"嵌套超过 {depth} 层"  # the common deep document, found in one pass
    for _ in range(depth):
        if not brackets:
            return None
        brackets, removed = _INNERMOST.subn(b"", brackets)
        if not removed:
            return "括号不配对"
    return None if not brackets else f"嵌套超过 {depth} 层或括号不配对"


def strict_json(raw: bytes, what: str, limit: int) -> Any:
    """JSON as RFC 8259 says: UTF-8, no duplicate keys, no NaN or Infinity; refused unparsed when
    larger than `limit` bytes, nested deeper than MAX_JSON_DEPTH or holding over MAX_JSON_VALUES."""
    if len(raw) > limit:
        raise PackageError(f"数据包中的 {what} 有 {len(raw) // 1024} KB，超过上限 {limit // 1024} KB，已拒绝")
    problem = json_shape_problem(raw)
    if problem:
        raise PackageError(f"数据包中的 {what} {problem}，已拒绝")
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates,
                          parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PackageError(f"数据包中的 {what} 不是有效的 JSON，数据包可能已损坏") from exc


def _text(body: dict, key: str, limit: int = 200) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value or len(value) > limit:
        raise PackageError(f"清单 manifest.json 中的 {key} 缺失或无效")
    return value


def _int(body: dict, key: str, low: int = 0, high: int = 10**9) -> int:
    value = body.get(key)
    if type(value) is not int or not low <= value <= high:  # bool is an int: refuse it too
        raise PackageError(f"清单 manifest.json 中的 {key} 缺失或无效")
    return value


# Packages are made by people now; a signing time outside these years is a forgery or a broken
# clock, and keeping to them means no later date arithmetic (slack, local time) can overflow.
CREATED_YEARS = (2000, 2199)


def _created(body: dict) -> dt.datetime:
    text = _text(body, "created_at", 40)
    try:
        value = dt.datetime.fromisoformat(text)
        if value.tzinfo is None:
            raise PackageError("清单 manifest.json 中的创建时间 created_at 缺少时区")
        value = value.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError) as exc:  # year 1 at +14:00 is before datetime.min in UTC
        raise PackageError("清单 manifest.json 中的创建时间 created_at 无效") from exc
    if not CREATED_YEARS[0] <= value.year <= CREATED_YEARS[1]:
        raise PackageError(f"清单 manifest.json 中的创建时间 created_at（{value.year} 年）不在 "
                           f"{CREATED_YEARS[0]}–{CREATED_YEARS[1]} 年之间，已拒绝")
    return value


def _members(body: dict, kind: str) -> dict[str, Member]:
    listed = body.get("members")
    if not isinstance(listed, list):
        raise PackageError("清单 manifest.json 中缺少成员列表")
    if len(listed) > LIMITS.members:
        raise PackageError(f"清单 manifest.json 列出了 {len(listed)} 个成员，超过上限 {LIMITS.members} 个")
    members: dict[str, Member] = {}
    for item in listed:
        if not isinstance(item, dict):
            raise PackageError("清单 manifest.json 的成员列表无效")
        name, sha, size = item.get("name"), item.get("sha256"), item.get("size")
        if not isinstance(name, str) or name_problem(name) or name in members or name in ENVELOPE:
            raise PackageError(f"清单 manifest.json 中的成员名“{name!s:.80}”无效或重复")
        if not isinstance(sha, str) or not _SHA.match(sha) or type(size) is not int or size < 0:
            raise PackageError(f"清单 manifest.json 中成员“{name}”的摘要或大小无效")
        if (name not in REQUIRED[kind] and name not in OPTIONAL.get(kind, ())
                and not (kind == "form" and name.startswith(ATTACHMENTS))):
            raise PackageError(f"清单 manifest.json 列出了不应有的成员“{name}”")
        members[name] = Member(sha, size)
    missing = [n for n in REQUIRED[kind] if n not in members]
    if missing:
        raise PackageError(f"清单 manifest.json 缺少必需的成员：{'、'.join(missing)}")
    return members


def parse_manifest(raw: bytes) -> Manifest:
    body = strict_json(raw, MANIFEST, MANIFEST_LIMIT)
    if not isinstance(body, dict):
        raise PackageError("清单 manifest.json 格式无效")
    version = body.get("manifest_version")
    if version != MANIFEST_VERSION or type(version) is not int:
        raise PackageError(f"数据包格式版本“{version!s:.20}”不受支持（本程序支持第 {MANIFEST_VERSION} 版），"
                           "请确认发送方与本机的 PerfDesk 版本")
    kind = body.get("kind")
    if not isinstance(kind, str) or kind not in REQUIRED:  # a list or dict is not even hashable
        raise PackageError(f"数据包类型“{kind!s:.20}”无法识别")
    unit = body.get("unit")
    if not isinstance(unit, dict):
        raise PackageError("清单 manifest.json 中缺少单位信息")
    uid = _text(body, "form_uid", 36)
    if not _UUID.match(uid):
        raise PackageError("清单 manifest.json 中的表单标识无效")
    return Manifest(
        kind=kind, form_id=_text(body, "form_id", 64), form_version=_int(body, "form_version", 1),
        form_uid=uid, version=_int(body, "version", 1), unit_name=_text(unit, "name"),
        unit_code=_text(unit, "code", 64), year=_int(body, "year", 1900, 2199),
        title=_text(body, "title", 500), created_at=_created(body),
        app_version=_text(body, "app_version", 40), members=_members(body, kind), raw=body,
    )
