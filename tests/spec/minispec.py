"""A minimal valid spec, built in tmp_path, that the lint tests break one defect at a time.

`make_spec()` writes `<tmp_path>/<name>/` with standard.yaml (a table of contents of one
principle, 4.1, and one requirement, 5.1.1 with items a and b), the repository's schema files,
and clauses/4.1.yaml and clauses/5.1.1.yaml whose fingerprints are already accepted. The
returned MiniSpec edits files in place (`replace` insists its text occurs exactly once, so a
fixture that drifts from the template fails loudly instead of testing nothing) and finds the
line of a piece of text, so tests can assert file:line without hard-coding numbers.
"""

import shutil
from pathlib import Path

from caaad.fingerprint import fingerprint

REPO = Path(__file__).resolve().parents[2]
SCHEMA_DIR = REPO / "spec" / "schema"

# The Chinese texts the fingerprints cover.
S_41 = "直播间运营者、主播及直播营销人员应坚持正确导向，弘扬社会主义核心价值观。"
O_41_1 = "应坚持正确导向"
S_A = "应建立投诉处理制度，明确处理流程、节点和各方责任，具体投诉处理流程可参考附录 A；"
O_A_1 = "应建立投诉处理制度，明确处理流程、节点和各方责任"
O_A_2 = "具体投诉处理流程可参考附录 A"
S_B = "宜建立专门从事直播售后服务团队，在平台规定时限内响应消费者咨询。"
O_B_1 = "宜建立专门从事直播售后服务团队……在平台规定时限内响应消费者咨询"

STANDARD = """\
# A minimal T/CAAAD 001—2023 for the kit's own tests.
code: "T/CAAAD 001—2023"
title:
  zh: 网络直播营销售后服务规范
  en: Specification for after-sales service of online live streaming marketing
publisher:
  zh: 中国广告协会
  en: China Advertising Association
ics: "01.120"
ccs: "A 00"
published: "2023-08-01"
effective: "2023-09-22"
drafting_rules: "GB/T 1.1-2020"
foreword:
  - zh: 本文件按照GB/T 1.1-2020 标准化工作导则起草。
    en: This document has been drafted in accordance with GB/T 1.1-2020.
    translation_status: draft
introduction:
  - zh: 网络直播营销作为一种社会化营销方式,对促进消费扩容提质起到了积极作用。
    en: Online live-streaming marketing has helped expand and upgrade consumption.
    translation_status: draft
scope:
  - zh: 本文件规定了直播电商售后服务的基本要求。
    en: This document specifies the basic requirements for after-sales service in live-streaming e-commerce.
    translation_status: draft
toc:
  - {id: "4.1", kind: principle, title: {zh: 提升主流价值引领, en: Enhancing the guidance of mainstream values}}
  - {id: "5.1.1", kind: requirement, title: {zh: 直播间运营者, en: Live-room operator}, items: [a, b]}
terms: []
normative_references:
  lead_in:
    zh: 下列文件对于本文件的应用是必不可少的。
    en: The following documents are indispensable for the application of this document.
    translation_status: draft
  documents:
    - code: GB/T 18760-2002
      title:
        zh: 消费品售后服务方法与要求
        en: Methods and requirements of after-sales service for consumer goods
bibliography: []
laws:
  - abbr: ECL
    title:
      zh: 中华人民共和国电子商务法
      en: E-Commerce Law of the People's Republic of China
    edition: "2018"
"""

CLAUSE_41 = """\
# 4.1 — a principle without lettered items: one statement with the clause's own id.
id: "4.1"
kind: principle
title: {{zh: 提升主流价值引领, en: Enhancing the guidance of mainstream values}}
statements:
  - id: "4.1"
    text:
      zh: {s}
      en: Live-room operators, anchors and marketing staff shall keep to the correct orientation.
      translation_status: draft
    fingerprint: "{s_fp}"  # statement fingerprint
    obligations:
      - id: "4.1-1"
        text:
          zh: {o1}
          en: All parties shall keep to the correct orientation.
          translation_status: draft
        modal: 应
        strength: shall
        actor: all_parties
        phase: cross_phase
        verification:
          mode: documentary
          evidence:
            - id: E1
              examine: {{zh: 直播内容审核制度, en: The live content review rules}}
              criterion: {{zh: 制度已发布并执行, en: The rules are published and applied}}
        fingerprint: "{o1_fp}"
"""

CLAUSE_511 = """\
# 5.1.1 直播间运营者 — the live-room operator's work before the live stream.
id: "5.1.1"
kind: requirement
title: {{zh: 直播间运营者, en: Live-room operator}}
lead_in:
  zh: 直播间运营者直播前的工作包括但不限于以下内容：
  en: "The work of the live-room operator before the live stream includes, but is not limited to, the following:"
  translation_status: draft
statements:
  - id: "5.1.1.a"
    text:
      zh: {a}
      en: Shall establish a complaint handling system; reference may be made to Annex A.
      translation_status: draft
    fingerprint: "{a_fp}"
    obligations:
      - id: "5.1.1.a-1"
        text:
          zh: {a1}
          en: The live-room operator shall establish a complaint handling system.
          translation_status: draft
        modal: 应
        strength: shall
        actor: live_room_operator
        phase: pre_live
        verification:
          mode: automated
          automated: {{zh: 场景检查投诉可被受理, en: Scenarios check that a complaint is accepted}}
        params:
          - {{name: complaint_ack, kind: fixed, value: 2, unit: day}}
        legal_refs:
          - {{law: ECL, article: "59"}}
        fingerprint: "{a1_fp}"
      - id: "5.1.1.a-2"
        text:
          zh: {a2}
          en: For the detailed process, the live-room operator may refer to Annex A.
          translation_status: draft
        modal: 可
        strength: may
        actor: live_room_operator
        phase: pre_live
        verification:
          mode: documentary
          evidence:
            - id: E1
              examine: {{zh: 投诉处理制度, en: The complaint handling rules}}
              criterion: {{zh: 与附录A对照, en: Mapped to Annex A}}
        fingerprint: "{a2_fp}"  # accepted
  - id: "5.1.1.b"
    text:
      zh: {b}
      en: Should set up a team dedicated to after-sales service and answer consumers within the platform's time limit.
      translation_status: reviewed
    fingerprint: "{b_fp}"
    obligations:
      - id: "5.1.1.b-1"
        text:
          zh: {b1}
          en: The live-room operator should set up a dedicated after-sales team that answers within the platform's time limit.
          translation_status: draft
        modal: 宜
        strength: should
        actor: live_room_operator
        co_actors: [merchant]
        phase: pre_live
        verification:
          mode: hybrid
          automated: {{zh: 场景检查咨询在时限内得到答复, en: Scenarios check that questions are answered in time}}
          evidence:
            - id: E1
              examine: {{zh: 售后团队名单, en: The after-sales team roster}}
              criterion: {{zh: 团队专职, en: The team is dedicated}}
        params:
          - name: response_time
            kind: platform_rule
            unit: hour
            legal_max: 48
            description: {{zh: 平台规定时限, en: Time limit set by the platform}}
        fingerprint: "{b1_fp}"
"""

ALL_OBLIGATIONS = ("4.1-1", "5.1.1.a-1", "5.1.1.a-2", "5.1.1.b-1")


class MiniSpec:
    def __init__(self, root: Path):
        self.root = root

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        self.path(rel).write_text(text, encoding="utf-8")

    def replace(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert text.count(old) == 1, f"{rel}: fixture text {old!r} occurs {text.count(old)} times"
        self.write(rel, text.replace(old, new))

    def set_line(self, rel: str, needle: str, new: str | None) -> None:
        """Replace the one line containing `needle` with `new` (None: delete it)."""
        lines = self.read(rel).split("\n")
        hits = [i for i, line in enumerate(lines) if needle in line]
        assert len(hits) == 1, f"{rel}: {needle!r} is on {len(hits)} lines"
        lines[hits[0]:hits[0] + 1] = [] if new is None else [new]
        self.write(rel, "\n".join(lines))

    def line(self, rel: str, needle: str, occurrence: int = 1) -> int:
        """1-based line of the `occurrence`-th line of `rel` that contains `needle`."""
        hits = [n for n, line in enumerate(self.read(rel).split("\n"), 1) if needle in line]
        assert len(hits) >= occurrence, f"{rel}: {needle!r} found {len(hits)} times"
        return hits[occurrence - 1]

    def id_line(self, rel: str, item_id: str, occurrence: int = 1) -> int:
        """Line of `id: "ITEM_ID"` in `rel`."""
        return self.line(rel, f'id: "{item_id}"', occurrence)

    def toc_line(self, clause_id: str) -> int:
        return self.line("standard.yaml", f'{{id: "{clause_id}"')

    def display(self, rel: str) -> str:
        """How findings name a file: relative to the spec directory's parent."""
        return f"{self.root.name}/{rel}"


def build_spec(root: Path) -> MiniSpec:
    (root / "clauses").mkdir(parents=True)
    shutil.copytree(SCHEMA_DIR, root / "schema")
    (root / "standard.yaml").write_text(STANDARD, encoding="utf-8")
    fp = fingerprint
    (root / "clauses" / "4.1.yaml").write_text(
        CLAUSE_41.format(s=S_41, s_fp=fp(S_41), o1=O_41_1, o1_fp=fp(O_41_1)), encoding="utf-8")
    (root / "clauses" / "5.1.1.yaml").write_text(CLAUSE_511.format(
        a=S_A, a_fp=fp(S_A), a1=O_A_1, a1_fp=fp(O_A_1), a2=O_A_2, a2_fp=fp(O_A_2),
        b=S_B, b_fp=fp(S_B), b1=O_B_1, b1_fp=fp(O_B_1)), encoding="utf-8")
    return MiniSpec(root)


