"""Rules profiles (forms/profiles/*.yaml): what differs between jurisdictions, as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from ..paths import profiles_dir


class ProfileError(ValueError):
    """An unknown or malformed profile; the message says which, in Chinese."""


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    source: str = ""
    finance_office: dict[str, str] = field(default_factory=dict)
    raw: dict = field(default_factory=dict)

    def finance_office_for(self, level: str) -> str:
        return self.finance_office.get(level, "财政局")


@lru_cache(maxsize=None)
def get_profile(profile_id: str) -> Profile:
    path = profiles_dir() / f"{profile_id}.yaml"
    if not path.is_file():
        known = "、".join(p.id for p in all_profiles()) or "无"
        raise ProfileError(f"找不到规则配置“{profile_id}”，可用的有：{known}")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if raw.get("id") != profile_id or not raw.get("name"):
        raise ProfileError(f"规则配置文件 {path.name} 缺少 id 或 name，或 id 与文件名不一致")
    return Profile(id=raw["id"], name=raw["name"], source=raw.get("source", ""),
                   finance_office=dict(raw.get("finance_office") or {}), raw=raw)


def all_profiles() -> list[Profile]:
    return [get_profile(p.stem) for p in sorted(profiles_dir().glob("*.yaml"))]
