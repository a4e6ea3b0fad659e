"""Behaviour unchanged across a change: two folders of runs made by `tests/suite/cascade.py --out DIR` (one from
a checkout before the change, one after) hold the same exit code, scenario outcomes and messages, and obligation
outcomes for every system in both.

    (old checkout) .venv/bin/python tests/suite/cascade.py --out /tmp/before ReferenceAdapter Variant ...
    (this checkout) .venv/bin/python tests/suite/cascade.py --out /tmp/after ReferenceAdapter Variant ...
    .venv/bin/python bench/same_outcomes.py /tmp/before /tmp/after

Prints what differs for each system that differs and a closing count; exits 1 if any differs, 2 on unusable folders."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "suite"))

from cascade import EXIT_FILE, essence, read_runs  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not all(Path(a).is_dir() for a in argv):
        print("usage: same_outcomes.py BEFORE_DIR AFTER_DIR (two folders written by cascade.py --out)", file=sys.stderr)
        return 2
    before, after = (Path(a) for a in argv)
    names = sorted(p.parent.name for p in after.glob(f"*/{EXIT_FILE}") if (before / p.parent.name / EXIT_FILE).is_file())
    if not names:
        print(f"no system was run into both {before} and {after}", file=sys.stderr)
        return 2
    old, new = read_runs(names, before), read_runs(names, after)
    differ = outcomes = 0
    for name in names:
        a, b = essence(*old[name]), essence(*new[name])
        outcomes += len(a[1])
        if a != b:
            differ += 1
            print(f"{name}: exit {a[0]} -> {b[0]}")
            for part in (1, 2):
                for x in sorted(set(a[part]) ^ set(b[part])):
                    print(f"  {'before' if x in a[part] else 'after '}: {x}")
    print(f"{len(names)} systems, {outcomes} scenario outcomes compared, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
