"""The roll-up rules (rollup-rules.yaml) as data, and their page for the site.

The site renders the page from this file at build time (hooks/generated_pages.py), so the page an auditor cites is
the file the code applies.
"""

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).with_name("rollup-rules.yaml")


@dataclass(frozen=True)
class Rules:
    data: dict
    digest: str  # sha256 of the file's bytes, recorded in every bundle

    def combine(self, states) -> str:
        """The first state of the precedence list that occurs; satisfied when there is nothing to combine."""
        present = set(states)
        return next((s for s in self.data["combine"] if s in present), self.data["combine"][-1])

    def run_state(self, outcome: str) -> str:
        return self.data["run"][outcome]

    def item_state(self, decision: str | None) -> str:
        return self.data["evidence"][decision or self.data["undecided_item"]]

    def decision_of(self, state: str) -> str:
        """The evidence decision that stands for a combined state of items (accepted / rejected / pending)."""
        return next(d for d, s in self.data["evidence"].items() if s == state)

    def parts(self, mode: str) -> list[str]:
        return self.data["parts"][mode]

    def waiver_applies(self, strength: str) -> bool:
        return strength in self.data["waiver"]["strengths"]

    def waived(self, state: str) -> str:
        waiver = self.data["waiver"]
        return waiver["becomes"] if state in waiver["covers"] else state

    def decides_verdict(self, strength: str) -> bool:
        return strength in self.data["verdict"]["strengths"]

    def verdict(self, states) -> str:
        present = set(states)
        for rule in self.data["verdict"]["rules"]:
            if "if_any" not in rule or rule["if_any"] in present:
                return rule["verdict"]
        raise AssertionError("the last verdict rule has no condition")  # rollup-rules.yaml is checked by tests

    def states_no_requirement(self, strength: str) -> bool:
        return strength in self.data["no_obligation"]["strengths"]

    def observation(self, strength: str, state: str) -> bool:
        o = self.data["observations"]
        return strength in o["strengths"] and state == o["listed_when"]


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    raw = RULES_FILE.read_bytes()
    return Rules(yaml.safe_load(raw), "sha256:" + hashlib.sha256(raw).hexdigest())


def render_markdown(rules: Rules | None = None) -> str:
    rules = rules or load_rules()
    d = rules.data
    out = ["# 汇总与认证结论规则 Roll-up and verdict rules", "",
           "<!-- rendered from caaad/certify/rollup-rules.yaml when the site is built -->", "",
           f"Rules version {d['version']}, file `caaad/certify/rollup-rules.yaml`, digest `{rules.digest}`. "
           "`caaad certify` applies exactly these rules and records their digest in the bundle's manifest; "
           "`caaad verify` applies them again to the bundle's files.", "",
           "## 1 义务状态 Obligation states { #states }", "", "| state | meaning |", "|---|---|"]
    out += [f"| `{name}` | {s['zh']}<br>{s['en']} |" for name, s in d["states"].items()]
    out += ["", "## 2 各部分 Parts by verification mode { #parts }", "",
            "| verification | parts it needs |", "|---|---|"]
    out += [f"| {mode} | {' + '.join(parts)} |" for mode, parts in d["parts"].items()]
    out += ["", "Run part — the obligation's outcome in `results.json` (rolled up from its scenarios):", "",
            "| run outcome | state |", "|---|---|"]
    out += [f"| `{k}` | `{v}` |" for k, v in d["run"].items()]
    out += ["", "Evidence part — each evidence item's decision; an item the evidence file does not decide counts as "
            f"`{d['undecided_item']}`:", "", "| decision | state |", "|---|---|"]
    out += [f"| `{k}` | `{v}` |" for k, v in d["evidence"].items()]
    out += ["", "## 3 合并 Combining { #combine }", "",
            "Several parts, or several evidence items, combine to the first of these states that occurs: "
            + " → ".join(f"`{s}`" for s in d["combine"]) + ". "
            "A hybrid obligation is therefore satisfied only when its run part and its evidence are both satisfied.", "",
            "## 4 豁免 Waivers { #waivers }", "",
            f"- A waiver may be granted on an obligation of strength {', '.join(d['waiver']['strengths'])}; on any other "
            "strength it is a finding (it needs none: it cannot change the verdict).",
            f"- A valid waiver turns an obligation in state {', '.join(f'`{s}`' for s in d['waiver']['covers'])} into "
            f"`{d['waiver']['becomes']}`. Any other state stays as it is: a failure or a rejection is never waived.",
            f"- {d['waiver']['day_rule']['zh']}", f"- {d['waiver']['day_rule']['en']}",
            "- An expired, not yet valid or void waiver is a finding: `caaad certify` signs no bundle while the evidence "
            "file has findings.", "",
            "## 5 结论 Verdict per profile { #verdict }", "",
            f"Decided on the obligations in the profile's scope of strength {', '.join(d['verdict']['strengths'])}; "
            "the first rule that matches wins:", "", "| if any obligation is | verdict |", "|---|---|"]
    out += [f"| `{r['if_any']}` | **{r['verdict']}** {d['verdicts'][r['verdict']]['zh']} |" if "if_any" in r
            else f"| otherwise | **{r['verdict']}** {d['verdicts'][r['verdict']]['zh']} |" for r in d["verdict"]["rules"]]
    obs = d["observations"]
    out += ["", f"Obligations of strength {', '.join(obs['strengths'])} never change the verdict; those in state "
            f"`{obs['listed_when']}` are listed as **observations** 观察项 on the roll-up and the certificate.", ""]
    return "\n".join(out)

