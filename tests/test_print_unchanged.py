"""Every demo form prints exactly as it printed before the layout was read as typed nodes: the
SHA-256 of each demo form's PDF and of its XLSX, taken on main (c643a56) before that change.

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
        '807733c266518475525ca7bb43d7116efa64ede4d20021ebb904bf0e4519c88e'),
    'declaration|2027年教师能力提升培训专项': ('cd0e56c49d912ee6bbbdc925ba828720b8994debdeafc2a687b60995b02be404',
        '24984832d0bb6f02bf4ca4b746e5eaae48ee0a0a8e718c9f4dfe664d57a7a30d'),
    'declaration|2027年校园安全监控系统建设': ('79b5c7e815c37178c441df188175b29257d5f3d085c04a41f459822e21e2996e',
        'b4c812ab6e208cb304570af6689d1052decaf6405c5325aac3493e42bc9f48c2'),
    'declaration|2026年校舍维修改造项目': ('599615992060f42dcb5a11d4f85ff1c9f094a4d1eab88b0e8fa074f2c7433f92',
        'f25de8f7641e0ff119e21a27617536044f846e990c085d73173476b4ca1f71fc'),
    'declaration|2027年高标准农田建设项目': ('515ab9747557b514b3b83d4588892432abec907f1f16477f9abfe07098085d9d',
        'cdf39eb376e2ad45db9b3f89edc9fc8395d02bb71e69f9fed7b76e10ee0e1233'),
    'declaration|2027年学生食堂设备更新项目': ('cb0f0c8d31cea802821446304636791a81b8acc56d19c56259ef47f7139276d7',
        '602acc821db26e11968a07aa1e16478cf9a0901a8c6924de4408f507c97d24c4'),
    'declaration|2027年班主任专业能力培训项目': ('613dad88ba789741bf5b28e573e40df7f372757133dccfd968b961ac0a45b6c9',
        'e5bf260518f9968b48fb834c5f6edc66e96b6b3c6e475dcf41067f8d1c20bbc8'),
    'declaration|2027年图书馆藏书更新项目': ('e4c80c9be98afbb97be520cee611f5a824fe60b2145ff95b07aac62415aa5383',
        '8a57d29fdde8cb6c9f35083d34bc3493648bdf82245867cf975b5c138eb7ba57'),
    'declaration|2027年实验室设备更新项目': ('3a11f5bff53dfdd5fb6c9bd450452cb6820ddac965df9b664971783e63018191',
        '352a596ff9c7593ebd847302d58567317fa411081f4f754944c57600dd9fb5c5'),
    'declaration|2027年体育场地改造项目': ('67ea4970fa92cc55f33f10cad7e278eb958d0f6184dddccbe6ba730806563c65',
        '3cdfb65109b689b289f58d575cac3ad5c610896dcdc104cb0287a0f67007e0ae'),
    'declaration|2027年校园网络升级项目': ('2e36856efdbafc0106082dbdac70f3a63e1f2139ef06608e855ccf6366ab18fb',
        '79a37bca7ad9277ba4e746c5b15fcbbc2361cf513059f0c4bc54e185f4016ab2'),
    'declaration|2027年学生宿舍改造项目': ('be011e5d4ca14c36deb53c5819421eb1fbbd9f1f486d0f247d2e4242ba45f84e',
        'f0bee84f336f4e707096a515d6c0d06f2421a2010f3cecd36b31f6c1007bc63a'),
    'declaration|2027年课后服务保障项目': ('f8be27259abd994a02c36c13499b90c07eb45911e47e74d52823fe7f518e8c79',
        '8a5449a49cbb1790be4fa63d2633f5ee1805c0d1bc24044acbe469247131a549'),
    'declaration|2026年高标准农田建设项目': ('421e177a04fb82dafada7320c4f11715fd6c39180a148dcf392a8ddec86927cc',
        '5523d2fbfcad93ef53bf0ddd0743fafb0faa05f95cd9fc45b7aa301da948602e'),
    'project_monitoring|2026年校舍维修改造项目（2026年1-6月监控）': ('718deaced318e75e1886ddffde599f980dfe64e7dc235a445ad85543d0f2e9a7',
        '19effc5942cec8d135e730e892508bc365110b28a8ba847e653210085aee73d0'),
    'project_monitoring|2026年高标准农田建设项目（2026年1-6月监控）': ('8cbc44ee3584e2aba09cd047b4460c37db5238075f75ad54f25213891b904c15',
        '21fbd3cb0af868403c0a55685ea40268ba7ad86b07f5601216e65aceaf605a29'),
    'dept_monitoring|长治市第一中学部门整体（2026年1-6月监控）': ('c4038c704b1b6a080243da9d5e89c4525ae07a7dd53eec83e4f4e1b4c0101a3a',
        '90dcb026298b0e20928c1ab0483e4b5d3b5d0189f90a536964d083025c6a03f8'),
    'monitoring_report|2026年校舍维修改造项目支出绩效监控分析报告（2026年）': ('01a84238c55e974e58c2f217faa5e00611de916c88928f191076a64e55c3932a',
        '15463a0628354295feb42ffe32e6da4eb2ec52f6c754635a14a5726a81c7bd0d'),
    'self_report|2025年校舍维修改造项目绩效报告（提纲）': ('952c6c3c026933c56b802733111ba2e9497d45fb8fdc0ea26d508dd4f6d896d4',
        '47c18c940443879a0bae2d382f5ce9c9b1ee812fbff985b77b80ecf1431023db'),
    'evaluation_report|2025年校舍维修改造项目预算绩效评价报告': ('fe34358f696d9b7442e084e191ec3374db5d2c25536963ae7d0fd9419459a44f',
        'a58c08316e335c52e553b32b764c47fbcdaca3cb60536c8c0d7faa72e95fe4a5'),
    'feedback_letter|2025年校舍维修改造项目绩效评价结果反馈意见函': ('201fb6cdd4221f1c696c884b00290af977920fd5072b962314ed2f98f9469413',
        'a99da54083c0c325a465715b03aaae34f9d998b4c96752242921a1fcaeebff80'),
    'rectification|2025年校舍维修改造项目绩效评价结果整改报告书': ('cd54f814137d8df88be81827b38397ecb98cd771a858f66d165845fdc6de6918',
        'a52434b3555d66aa10001297c308ac5ba4383a8c0a4771c6f046afb40e467fc3'),
    'project_self_evaluation|2026年校舍维修改造项目绩效自评表（2026年度）': ('0f329daa99a9efddbfc1da83500d7f75efaf6fb83f0004d058c3d9f4cf92cc52',
        'fcd1fde209ae24e7e89982e2673b5169fa7566e762e03c3bedae2db52c2445a9'),
    'dept_self_evaluation|长治市第一中学部门整体支出绩效自评表（2026年度）': ('6d858371eeccaf663e2d3ed01bef8f824271b2825695924a67d068cf38cd65b7',
        '1375a308b5ce86723bfd1f5f11333087eef7b1eacce80c4596a53ca4ef9c3c63'),
    'assessment_department|长治市第一中学市直部门预算绩效管理工作考核评分表（2026年度）': ('3dc879de1b524d109d297147c740231b6f54e08f4ff18ff8d7db00f2efcb90b6',
        '2890872dc3b6420e717612a0a640b49665dbc110dca3c8408dae7d56ca1fc236'),
    'assessment_county|长子县财政局县（市、区）财政局预算绩效管理工作考核评分表（2026年度）': ('a80765a76203c164a67d1cb49fcfb68e97d33124df6392f17438f4297234c734',
        'cbe452b064a45b2053852080247c5cd3dbd80984835baf99794fda86940bddd4'),
    'ex_ante_assessment|2027年校园安全监控系统建设事前绩效评估表': ('ffba02d1dfadc01d4378b7477ff0af5097d2ae60aef0dc0a2480e127444e37f1',
        '4c658f5131c7b378a883510060caed10c9f9e2ce8f9d816b1826326b0b203804'),
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
    from perfdesk.operations import render

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

    from perfdesk.demo import load_demo
    from perfdesk.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/demo.db")
        load_demo(store, DEMO_YEAR)
        for key, (pdf, xlsx) in printed(store).items():
            print(f"    {key!r}: ({pdf!r},\n        {xlsx!r}),")
        store.close()
