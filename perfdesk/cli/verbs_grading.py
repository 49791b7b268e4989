"""Verbs for rules profiles and grades: profiles, grade. Neither needs the database."""

from __future__ import annotations

from perfdesk.domain.formulas import FormulaError
from perfdesk.domain.profiles import Profile, all_profiles, get_profile
from perfdesk.domain.scoring import ScoringError, ex_ante_verdict, grade_claimed, parse_score, points_text
from perfdesk.errors import UserError
from perfdesk.cli.exit_codes import EXIT_OK


def register(verbs, common) -> None:
    profiles = verbs.add_parser("profiles", parents=[common], help="列出规则配置及其评价等次")
    profiles.add_argument("--explain", metavar="规则", help="逐条列出该规则配置的每项规则及其出处")
    profiles.set_defaults(handler=_profiles, needs_store=False)
    grading = verbs.add_parser("grade", parents=[common], help="按规则配置给出分数对应的评价等次或事前评估结论")
    grading.add_argument("--profile", required=True, metavar="规则", help="规则配置的 id，见 perfdesk profiles")
    grading.add_argument("--ex-ante", action="store_true", help="给出事前绩效评估结论（可行/待完善/不可行）")
    grading.add_argument("--bonus", metavar="加分", help="总分含加分时给出加分（如长治办法的 3–5 分）；超过满分的总分须给出")
    grading.add_argument("score", metavar="分数")
    grading.set_defaults(handler=_grade, needs_store=False)


def bounds_line(profile: Profile) -> str:
    """优（优秀）≥85，良（良好）≥70，中（合格）≥60，低（不合格）<60."""
    grades = profile.grades
    parts = [f"{g.label}≥{points_text(g.min)}" for g in grades[:-1]]
    parts.append(f"{grades[-1].label}<{points_text(grades[-2].min)}" if len(grades) > 1 else grades[-1].label)
    return "，".join(parts)


def _profiles(store, args) -> int:
    if args.explain:
        from perfdesk.domain.profile_sources import explain, form_checks

        profile = get_profile(args.explain)
        print(f"{profile.name}（{profile.id}）：每项规则及其出处；“本程序设定”为本程序的默认做法，不是规章的规定。")
        for rule in explain(profile):
            print(rule.line(profile.id))
        for form, spec in form_checks():  # the checks in forms/*.yaml, the same under every profile
            print(f"校验\t{form.name}·{spec.get('code')}\t{spec['source']}")
        return EXIT_OK
    for profile in all_profiles():
        origin = profile.origin("grades")
        borrowed = f"（等次沿用 {origin}）" if origin != profile.id else ""
        print(f"{profile.id}\t{profile.name}\t{bounds_line(profile)}{borrowed}")
    return EXIT_OK


def _grade(store, args) -> int:
    profile = get_profile(args.profile)
    try:
        # grade() and ex_ante_verdict() refuse a bad score with the profile's limits; parse_score rounds it for display
        if args.ex_ante:
            verdict = ex_ante_verdict(profile, args.score)
            print(f"{profile.name}：事前绩效评估 {parse_score(args.score)} 分，结论：{verdict.label}")
        else:
            total, result = grade_claimed(profile, args.score, args.bonus)
            with_bonus = f"（含加分 {points_text(parse_score(args.bonus))} 分）" if args.bonus is not None else ""
            print(f"{profile.name}：{total} 分{with_bonus}，等次：{result.label}")
    except (ScoringError, FormulaError) as exc:
        hint = "（用 --bonus 加分 给出）" if args.bonus is None and "请同时给出加分" in str(exc) else ""
        raise UserError(f"{exc}{hint}") from None
    return EXIT_OK
