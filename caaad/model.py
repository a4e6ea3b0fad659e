"""The requirement model: clause → statement → obligation, as frozen value objects.

Built only from schema-valid spec files (see specload.py); every object knows the file and
line it came from so that findings and reports can point at it.
"""

from dataclasses import dataclass, field

STRENGTH_OF_MODAL = {
    "应": "shall", "应当": "shall", "有义务": "shall",
    "不得": "shall_not", "不应": "shall_not",
    "宜": "should", "不宜": "should_not",
    "可": "may", "可以": "may",
}
MANDATORY = ("shall", "shall_not")
# The text of an informative annex (Annex A) states no requirement: it is recorded, shown and never a finding.
INFORMATIVE = "informative"


@dataclass(frozen=True)
class Source:
    file: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Bilingual:
    zh: str
    en: str


@dataclass(frozen=True)
class Text(Bilingual):
    translation_status: str = "draft"


@dataclass(frozen=True)
class Evidence:
    id: str
    examine: Bilingual
    criterion: Bilingual


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # fixed | platform_rule
    unit: str | None
    value: int | None = None
    legal_max: int | None = None
    description: Bilingual | None = None


@dataclass(frozen=True)
class LegalRef:
    law: str
    article: str
    note: str | None = None

    def __str__(self) -> str:
        return f"{self.law} Art {self.article}"


@dataclass(frozen=True)
class Obligation:
    id: str
    statement_id: str
    clause_id: str
    text: Text
    modal: str | None
    strength: str
    actor: str
    phase: str
    mode: str  # automated | documentary | hybrid
    fingerprint: str | None
    source: Source
    classification_note: Bilingual | None = None
    strength_inferred: bool = False  # the strength is the kit's reading, not a verb's, a parallel clause's or a law's
    co_actors: tuple[str, ...] = ()
    automated: Bilingual | None = None
    evidence: tuple[Evidence, ...] = ()
    params: tuple[Param, ...] = ()
    legal_refs: tuple[LegalRef, ...] = ()

    @property
    def executable(self) -> bool:
        return self.mode in ("automated", "hybrid")

    @property
    def mandatory(self) -> bool:
        return self.strength in MANDATORY

    @property
    def informative(self) -> bool:
        return self.strength == INFORMATIVE


@dataclass(frozen=True)
class Statement:
    id: str
    clause_id: str
    text: Text
    fingerprint: str | None
    source: Source
    obligations: tuple[Obligation, ...]


@dataclass(frozen=True)
class Clause:
    id: str
    kind: str
    title: Bilingual
    source: Source
    statements: tuple[Statement, ...]
    lead_in: Text | None = None
    editorial_title: bool = False

    @property
    def group(self) -> str:
        """The second-level clause this one belongs to: '5.4' for 5.4.2, '4' for 4.1, 'A' for A.1."""
        parts = self.id.split(".")
        return ".".join(parts[:2]) if len(parts) > 2 else parts[0]


@dataclass(frozen=True)
class Term:
    id: str
    term: Bilingual
    definition: Text
    fingerprint: str | None
    source: Source


@dataclass(frozen=True)
class Spec:
    standard: dict  # front matter as written in standard.yaml (titles, toc, references …)
    clauses: tuple[Clause, ...]  # in table-of-contents order
    terms: tuple[Term, ...]
    digest: str  # sha256 over every spec file, for reports and bundles
    obligations: dict = field(default_factory=dict)  # id -> Obligation, in document order
    statements: dict = field(default_factory=dict)

    def clause(self, clause_id: str) -> Clause | None:
        return next((c for c in self.clauses if c.id == clause_id), None)
