"""Where each rule of a profile comes from: every threshold, weight, cut, deadline and tolerance names its
source (a seed's article, the national document) or says it is this program's choice (“本程序设定…”).

`explain(profile)` lists them for `perfdesk profiles --explain P`; `unsourced(profile)` names any rule
whose file gives no source, so a test keeps the files honest.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfdesk.domain.profiles import Profile, profile_of

PROGRAM_CHOICE = "本程序设定"
_SECTIONS = {
    "grades": "评价等次", "scoring": "评价计分", "self_evaluation": "绩效自评表计分", "assessment": "考核评分表等次",
    "ex_ante": "事前绩效评估结论", "result_application": "评价结果应用", "monitoring": "运行监控",
    "deadlines": "期限",
}


@dataclass(frozen=True)
class SourcedRule:
    section: str  # the profile section's key (grades, deadlines …)
    rule: str  # the rule in words: 优（优秀）≥85
    source: str  # seed and article, the national document, or 本程序设定（why）
    origin: str  # the profile whose file writes the section (another one when borrowed)

    @property
    def chosen(self) -> bool:
        """This program's choice rather than a regulation's."""
        return self.source.startswith(PROGRAM_CHOICE)

    def line(self, profile_id: str) -> str:
        borrowed = f"（沿用 {self.origin}）" if self.origin != profile_id else ""
        return f"{_SECTIONS.get(self.section, self.section)}\t{self.rule}\t{self.source or '（未注明出处）'}{borrowed}"


def _num(value) -> str:
    text = str(value)
    return text[:-2] if text.endswith(".0") else text


def _src(item: dict, section: dict) -> str:
    return str(item.get("source") or "").strip() or str(section.get("source") or "").strip()


def explain(profile: Profile | str) -> list[SourcedRule]:
    profile = profile_of(profile)
    data = profile.data
    out: list[SourcedRule] = []

    def add(section: str, rule: str, source: str, origin: str = "") -> None:
        out.append(SourcedRule(section, rule, source, origin or profile.origin(section)))

    for g in data.get("grades") or ():
        add("grades", f"{g['grade']}{'（' + g['alias'] + '）' if g.get('alias') else ''}≥{_num(g['min'])}", _src(g, {}))
    scoring = data.get("scoring") or {}
    for part in scoring.get("parts") or ():
        add("scoring", f"{part['name']} {_num(part['points'])} 分", _src(part, scoring))
        for w in part.get("weights") or ():
            add("scoring", f"{part['name']}·{w['name']} 权数 {_num(w['weight'])}", _src(w, part))
    for r in scoring.get("ratings") or ():
        add("scoring", f"评议等级“{r['name']}” {_num(r['min'])}–{_num(r['max'])} 分", _src(r, scoring))
    bonus = scoring.get("bonus")
    if bonus:
        add("scoring", f"加分 {_num(bonus['min'])}–{_num(bonus['max'])} 分", _src(bonus, scoring))
    self_eval = data.get("self_evaluation") or {}
    if self_eval:
        execution = self_eval.get("execution") or {}
        add("self_evaluation", f"预算执行率 {_num(execution.get('points'))} 分", _src(execution, self_eval))
        for part in self_eval.get("parts") or ():
            add("self_evaluation", f"{part['level1']} {_num(part['points'])} 分", _src(part, self_eval))
        for key, words in (("quantitative", "定量指标：完成记满分，未完成按比例"), ("equal", "“=”指标未恰好完成按比例")):
            if key in self_eval:
                add("self_evaluation", words, _src(self_eval[key] or {}, self_eval))
        for r in self_eval.get("ratings") or ():
            add("self_evaluation", f"定性“{r['name']}” {_num(r['min'])}–{_num(r['max'])}%", _src(r, self_eval))
        for cap in self_eval.get("caps") or ():
            add("self_evaluation", f"执行率低于 {_num(cap['execution_below'])}% 时总分不超过 {_num(cap['total_max'])} 分",
                _src(cap, self_eval))
    assessment = data.get("assessment") or {}
    for g in assessment.get("grades") or ():
        add("assessment", f"{g['grade']}≥{_num(g['min'])}", _src(g, assessment))
    ex_ante = data.get("ex_ante") or {}
    for v in ex_ante.get("verdicts") or ():
        add("ex_ante", f"{v['verdict']}≥{_num(v['min'])}", _src(v, ex_ante))
    results = data.get("result_application") or {}
    for key, words in (("project", "项目"), ("department", "部门整体")):
        rule = results.get(key)
        if rule:
            stop = "；最低等次不再安排" if rule.get("stop_at") else ""
            add("result_application", f"{words}低于{rule['cut_below']}压减{rule['base']} {_num(rule['cut_percent'])}%{stop}",
                _src(rule, results))
    monitoring = data.get("monitoring") or {}
    for r in monitoring.get("rounds") or ():
        add("monitoring", f"{r['months'][0]}-{r['months'][1]}月监控，{r['due']} 前报送", _src(r, monitoring))
    tolerance = monitoring.get("tolerance")
    if tolerance:
        add("monitoring", f"支出进度可落后{tolerance.get('basis') or '序时进度'} {_num(tolerance.get('points', 0))} 个百分点",
            _src(tolerance, monitoring))
    for key, d in (data.get("deadlines") or {}).items():
        when = f"{d['after']}起 {d['days']} 日内" if "days" in d else f"次年 {d['due']} 前" if d.get("year_offset") \
            else f"{d['due']} 前"
        add("deadlines", f"{key}：{when}", _src(d, {}), _deadline_origin(profile, key))
    return out


def _deadline_origin(profile: Profile, key: str) -> str:
    """The profile whose file writes one deadline (a deadline is borrowed one by one)."""
    current, seen = profile, set()
    while current.id not in seen:
        seen.add(current.id)
        own = (current.raw.get("deadlines") or {}).get(key)
        if isinstance(own, dict) and set(own) == {"inherit"}:
            current = profile_of(str(own["inherit"]))
        elif own is None and current.inherits:
            current = profile_of(current.inherits)
        else:
            return current.id
    return current.id


def form_checks():
    """(form, check spec) of every form file: each names its `source` (enforced when the file loads)."""
    from perfdesk.domain.registry import all_forms

    return [(form, spec) for form in all_forms() for spec in form.checks]


def unsourced(profile: Profile | str) -> list[SourcedRule]:
    return [r for r in explain(profile) if not r.source]
