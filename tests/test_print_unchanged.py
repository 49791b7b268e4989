"""Every demo form prints exactly as it printed before the layout was read as typed nodes: the
SHA-256 of each demo form's PDF, taken on main (c643a56) before that change, and of its XLSX, taken
again when the Excel sheet was laid out page by page as the PDF (issue #12 item 5) changed it on purpose.

The XLSX is hashed member by member (name and bytes) without the time of saving that openpyxl writes
into docProps/core.xml and the zip entries' dates: the sheet is the same, the clock is not. When the
printed output changes on purpose (a renderer change, a demo change), run
`python tests/test_print_unchanged.py` and paste what it prints here, saying why in the commit.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

DEMO_YEAR = 2027
_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>")

# form id|title → (PDF SHA-256, XLSX digest)
PRINTED = {
    'declaration|2027年校舍维修改造项目': ('0bdbb487779763f48c502384f85b9ef42ba8d28d65aabecb9d50b17cbdde941f',
        'a2aac59d432d23a4fc125e5174ddc712aee95813a41006b818a5d3d26a9e5393'),
    'declaration|2027年教师能力提升培训专项': ('cd0e56c49d912ee6bbbdc925ba828720b8994debdeafc2a687b60995b02be404',
        '6a6126f77b33a19d43aa1a1865cb3abb4dd171041e6ffe81e999bf25a581d611'),
    'declaration|2027年校园安全监控系统建设': ('79b5c7e815c37178c441df188175b29257d5f3d085c04a41f459822e21e2996e',
        '6b4da40f15900112854e2df291e2a02ea255e8f908bf3e5a8e3efb38da860c93'),
    'declaration|2026年校舍维修改造项目': ('532efab6b33d523acaacde4977afee97fc2d12beff40d03e894a784ba4a466b0',
        '2ea0811eae1874c891ef0562a50abcb5a638591ccb05d3593ad52ac3c30f1b64'),
    'declaration|2027年高标准农田建设项目': ('515ab9747557b514b3b83d4588892432abec907f1f16477f9abfe07098085d9d',
        '70eda5278be941a26a6f66bd2cdbe50627b68e1fd9076852e171189fc7648959'),
    'declaration|2027年学生食堂设备更新项目': ('ddbe2b1821c1ccbe3c4c4048dc0989cdbd26e3c819e469639fdceda4cb99f7bd',
        'e99501eec727ca48fa4546c9b98dd2980afd840c3ceb2d23a3b84ac9dc4f30be'),
    'declaration|2027年班主任专业能力培训项目': ('613dad88ba789741bf5b28e573e40df7f372757133dccfd968b961ac0a45b6c9',
        '613c36a67613f1c48f3b4131adf0d70ae1d1ae9a8b56b200f8e75a0235382150'),
    'declaration|2027年图书馆藏书更新项目': ('821faee0fe1664f34d177b1832b24c120d3d94c2ba713f325417a9ab54a817f8',
        'c1d3f95922ce7bcdb6383cf64b1d88dcfbefa5cb0b8bc7cafa9e27a842512d27'),
    'declaration|2027年实验室设备更新项目': ('3a11f5bff53dfdd5fb6c9bd450452cb6820ddac965df9b664971783e63018191',
        '00f526cb70060f4192aef2b72f73c0a8158fb2b6018870a42699aca059e648ea'),
    'declaration|2027年体育场地改造项目': ('d11dbc60a24f79be2769951278638098ca3608ed2d303236453b77403bdcd788',
        '805ce3d1882492e79c9d3b65aa37e66190ece6561b50520d545b181ae46a6f7a'),
    'declaration|2027年校园网络升级项目': ('1dc51b1b74bc69d8ee4d729364d8fca0742621333f39439e3762abea7c0df76a',
        '716477786d18a308754c31d3472f9c3df315a3ce720bad99ca20ec6ab48c5d75'),
    'declaration|2027年学生宿舍改造项目': ('b176bce177c19fa28e6227cc696385c0e7faf7d913e1b5a9e3d0cd4e4551377d',
        '92f846b2080ce8e85b2ee58d6dd52c77d45fbf9540cebb27c7da2fec91e35c34'),
    'declaration|2027年课后服务保障项目': ('f8be27259abd994a02c36c13499b90c07eb45911e47e74d52823fe7f518e8c79',
        'dccbf25aa0b4eecf86bf88150b636ad29d6faf4b0c5472969f53f56b33ccdde1'),
    'declaration|2026年高标准农田建设项目': ('1c44e6870e0d7ca4577d7dacc1fa30009dbf1b432cdad68451085ca1c1847387',
        'f528bfc3c1ab0862644b031d87242ac54c465749c37436a3dde8beb3db29ae64'),
    'project_monitoring|2026年校舍维修改造项目（2026年1-6月监控）': ('718deaced318e75e1886ddffde599f980dfe64e7dc235a445ad85543d0f2e9a7',
        '9128d8f15fbec25a362cf1c6f8f5959f954c5394542652af68368b202a11c752'),
    'project_monitoring|2026年高标准农田建设项目（2026年1-6月监控）': ('8cbc44ee3584e2aba09cd047b4460c37db5238075f75ad54f25213891b904c15',
        'bf37a2e0a704782f4c84690cb9a87c7586eaea1df764d125782cc830a0efb8eb'),
    'dept_monitoring|长治市第一中学部门整体（2026年1-6月监控）': ('c4038c704b1b6a080243da9d5e89c4525ae07a7dd53eec83e4f4e1b4c0101a3a',
        'bd98cb7404ad5a8563aea3ec69219497f4e4fbef186fe04fb616401fa720da41'),
    'monitoring_report|2026年校舍维修改造项目支出绩效监控分析报告（2026年）': ('01a84238c55e974e58c2f217faa5e00611de916c88928f191076a64e55c3932a',
        '35f9bec889068d8ba854d13290f711b8f4cff736a5f44dfeb051b822b7f34489'),
    'self_report|2025年校舍维修改造项目绩效报告（提纲）': ('952c6c3c026933c56b802733111ba2e9497d45fb8fdc0ea26d508dd4f6d896d4',
        '993e7ffcfca5c32a59a05b0c330c81d874a223594e8cf1391167138836083652'),
    'evaluation_report|2025年校舍维修改造项目预算绩效评价报告': ('fe34358f696d9b7442e084e191ec3374db5d2c25536963ae7d0fd9419459a44f',
        'f28f00568b5fe7b0f3b8f6df01feee21359b00a622b6cbb55d839a9a84727837'),
    'feedback_letter|2025年校舍维修改造项目绩效评价结果反馈意见函': ('201fb6cdd4221f1c696c884b00290af977920fd5072b962314ed2f98f9469413',
        '4ade4a9ee457223540ef557d81fb4d0255cf435ea748c56d97376ac7fe10cd42'),
    'rectification|2025年校舍维修改造项目绩效评价结果整改报告书': ('cd54f814137d8df88be81827b38397ecb98cd771a858f66d165845fdc6de6918',
        '44f2d41d11fadbc0a3fbd2eed12783d997b9fd8c0bf79389dea607cc7fff9737'),
    'project_self_evaluation|2026年校舍维修改造项目绩效自评表（2026年度）': ('0f329daa99a9efddbfc1da83500d7f75efaf6fb83f0004d058c3d9f4cf92cc52',
        'e4b327127159e86750cc95db73d5039abf6718fde150139fe5769d5db9d305ac'),
    'dept_self_evaluation|长治市第一中学部门整体支出绩效自评表（2026年度）': ('6d858371eeccaf663e2d3ed01bef8f824271b2825695924a67d068cf38cd65b7',
        'a067c0369f79745a87a3a478d0cd16619cf6ab8def800a35d4f661259ee003d6'),
    'assessment_department|长治市第一中学市直部门预算绩效管理工作考核评分表（2026年度）': ('3dc879de1b524d109d297147c740231b6f54e08f4ff18ff8d7db00f2efcb90b6',
        '99dbd58170baa636ea9b5812e5d8d55c19f0cbb9e14f89532bcd86606e3b7c37'),
    'assessment_county|长子县财政局县（市、区）财政局预算绩效管理工作考核评分表（2026年度）': ('a80765a76203c164a67d1cb49fcfb68e97d33124df6392f17438f4297234c734',
        '567b67d7444ce7222d594c5ab61a3a1d7b8c5de44cb6c99f55230d1127b93ffe'),
    'ex_ante_assessment|2027年校园安全监控系统建设事前绩效评估表': ('ffba02d1dfadc01d4378b7477ff0af5097d2ae60aef0dc0a2480e127444e37f1',
        '223298c8b1951ee3ae79b974c73e5f15b84c65283a50dd6de9c5338be4e656db'),
}


def xlsx_digest(data: bytes) -> str:
    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            body = archive.read(info)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(b"", body)
            digest.update(info.filename.encode() + b"\0" + body + b"\0")
    return digest.hexdigest()


def printed(store) -> dict[str, tuple[str, str]]:
    from perfdesk.app.operations import render

    out = {}
    for record in sorted(store.list_forms(), key=lambda r: r.id):
        files = render(store, record)
        out[f"{record.form_id}|{record.title}"] = (hashlib.sha256(files.pdf).hexdigest(), xlsx_digest(files.xlsx))
    return out


def test_every_demo_form_prints_byte_identical(full_demo_store):
    now = printed(full_demo_store)
    assert set(now) == set(PRINTED)
    changed = [key for key in PRINTED if now[key] != PRINTED[key]]
    assert not changed, f"printed differently: {changed}"


if __name__ == "__main__":
    import tempfile

    from perfdesk.demo.demo_forms import load_demo
    from perfdesk.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/demo.db")
        load_demo(store, DEMO_YEAR)
        for key, (pdf, xlsx) in printed(store).items():
            print(f"    {key!r}: ({pdf!r},\n        {xlsx!r}),")
        store.close()
