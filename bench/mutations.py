"""Mutation run: do the tests catch the bugs they claim to guard against?

Each mutation changes one thing in the source (code or a query) the way a plausible bug would.
The script copies the repository to a temporary folder (never touching this checkout), applies
one mutation at a time to the copy, runs the tests that should catch it (a targeted subset, for
speed) with the copy's src/ first on the path, and restores the file. A mutation is killed when
those tests fail, survives when they pass.

    python bench/mutations.py              # every mutation
    python bench/mutations.py -k ranking   # those whose name contains a word
    python bench/mutations.py --list

Exit status 0 when every mutation is killed, 1 when any survives, 2 when a mutation no longer
applies (its text is not in the file: the code moved on and the list needs updating).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("src", "ontology", "data", "queries", "tests", "bench", "pyproject.toml")


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str  # relative to the repository root
    old: str  # must occur exactly once
    new: str
    tests: tuple[str, ...]  # pytest arguments, relative to the repository root
    why: str = ""


MUTATIONS: tuple[Mutation, ...] = (
    # ---- the four that survived the whole suite in the review of issue #15
    Mutation("validate-ignores-violation-query-rows", "src/sezkg/questions/validate.py",
             "        for row in run_select(kg, query):\n",
             "        for row in run_select(kg, query)[:0]:\n",
             ("tests/test_validate.py", "tests/test_mutations_guard.py"),
             "validate() drops every row of the *-violation.rq gates"),
    Mutation("shared-mandates-time-filter-deleted", "queries/shared-mandates.rq",
             "      FILTER(?aS <= ?bE && ?bS <= ?aE)\n", "",
             ("tests/test_overlaps.py", "tests/test_competency.py"),
             "mandates that never held at the same time count as shared"),
    Mutation("conflicting-claims-zone-facts-only", "queries/conflicting-claims.rq",
             "  ?property a sez:SingleValuedProperty .\n",
             "  ?property a sez:SingleValuedProperty .\n  ?subject a sez:SpecialEconomicZone .\n",
             ("tests/test_overlaps.py", "tests/test_competency.py"),
             "conflicts about organisations, acts or figures go unreported"),
    Mutation("ranking-kind-before-organisation-count", "src/sezkg/questions/overlaps.py",
             "return (overlap.tier, -len(overlap.organisations), -reach, order.index(overlap.kind), overlap.summary)",
             "return (overlap.tier, order.index(overlap.kind), -len(overlap.organisations), -reach, overlap.summary)",
             ("tests/test_overlaps.py", "tests/test_competency.py"),
             "the number of bodies and the order of kinds swap places in the ranking"),
    Mutation("ranking-organisation-count-before-tier", "src/sezkg/questions/overlaps.py",
             "return (overlap.tier, -len(overlap.organisations), -reach, order.index(overlap.kind), overlap.summary)",
             "return (-len(overlap.organisations), overlap.tier, -reach, order.index(overlap.kind), overlap.summary)",
             ("tests/test_overlaps.py", "tests/test_competency.py"),
             "the number of bodies outranks the tier"),
    # ---- kg/: loading and the read-only guard
    Mutation("load-accepts-blank-nodes", "src/sezkg/kg/load.py",
             "    kept = _check_graphs(parsed, ontology)\n    _reject_blank_nodes(parsed)\n",
             "    kept = _check_graphs(parsed, ontology)\n",
             ("tests/test_load.py",)),
    Mutation("load-accepts-ill-typed-literals", "src/sezkg/kg/load.py",
             "    _reject_blank_nodes(parsed)\n    _check_literals(parsed)\n    if path.suffix",
             "    _reject_blank_nodes(parsed)\n    if path.suffix",
             ("tests/test_load.py",)),
    Mutation("load-lets-data-redefine-the-vocabulary", "src/sezkg/kg/load.py",
             "        if isinstance(q.subject, ox.NamedNode) and is_vocabulary_term(q.subject.value):",
             "        if isinstance(q.subject, ox.NamedNode) and is_vocabulary_term(q.subject.value) and False:",
             ("tests/test_load.py",)),
    Mutation("load-accepts-any-graph-name", "src/sezkg/kg/load.py",
             "        if isinstance(q.graph_name, ox.NamedNode) and not q.graph_name.value.startswith(SOURCE_BASE):",
             "        if isinstance(q.graph_name, ox.NamedNode) and not q.graph_name.value.startswith('http'):",
             ("tests/test_load.py",)),
    Mutation("sparql-guard-lets-service-through", "src/sezkg/kg/sparql_guard.py",
             '    if keyword == "SERVICE":\n', '    if keyword == "SERVICE-":\n',
             ("tests/test_sparql_guard.py",)),
    # ---- questions/: validation, kinds, names, SHACL
    Mutation("validate-drops-shacl-violations", "src/sezkg/questions/validate.py",
             "    return ValidationReport(checked.violations + query_violations,",
             "    return ValidationReport(query_violations,",
             ("tests/test_validate.py",)),
    Mutation("report-always-conforms", "src/sezkg/questions/validate.py",
             "        return not self.violations\n", "        return True\n",
             ("tests/test_validate.py",)),
    Mutation("undescribed-source-graphs-pass", "queries/undescribed-source-graph-violation.rq",
             "  FILTER(!BOUND(?type) || !STRSTARTS(", "  FILTER(!STRSTARTS(",
             ("tests/test_validate.py",)),
    Mutation("tier-documented-or-inferred", "src/sezkg/questions/kinds.py",
             "        if documented and self.inferred:\n", "        if documented or self.inferred:\n",
             ("tests/test_overlaps.py",)),
    Mutation("national-reach-counts-nothing", "src/sezkg/questions/overlaps.py",
             "    reach = 10_000 if overlap.national else len(overlap.zones)",
             "    reach = 0 if overlap.national else len(overlap.zones)",
             ("tests/test_overlaps.py",)),
    Mutation("self-oversight-any-function", "queries/self-oversight.rq",
             "  scheme:oversight-functions skos:member ?oversightRoot .\n", "",
             ("tests/test_overlaps.py", "tests/test_competency.py", "tests/test_mutations_guard.py")),
    Mutation("names-keep-punctuation", "src/sezkg/questions/names.py",
             '    return "".join(c for c in kept if c.isalnum())',
             '    return "".join(c for c in kept if not c.isspace())',
             ("tests/test_cli_names.py", "tests/test_mutations_guard.py")),
    Mutation("shacl-min-inclusive-strict", "src/sezkg/questions/shacl.py",
             '"minInclusive": ">="', '"minInclusive": ">"',
             ("tests/test_shacl_engine.py", "-k", "not random and not synthetic")),
    # ---- publish/: exports, tables, push
    Mutation("push-skips-read-back", "src/sezkg/publish/push.py",
             "        if held != wanted[graph]:\n", "        if False:\n",
             ("tests/test_publish.py", "-k", "push")),
    Mutation("jsonld-values-unsorted", "src/sezkg/publish/jsonld.py",
             "            values = sorted(nodes[subject][key], key=lambda v: json.dumps(v, sort_keys=True, "
             "ensure_ascii=False))",
             "            values = list(reversed(nodes[subject][key]))",
             ("tests/test_export.py", "tests/test_mutations_guard.py")),
    Mutation("entities-all-things", "src/sezkg/publish/entities.py",
             '    return _local(specific[0]) if specific else "Thing"', '    return "Thing"',
             ("tests/test_tables.py", "tests/test_export.py")),
    Mutation("tables-join-with-semicolons", "src/sezkg/publish/tables.py",
             'JOIN = " | "', 'JOIN = "; "',
             ("tests/test_tables.py",)),
)


def copy_repository(to: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "sezkg-report")
    for part in COPIED:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, to / part, ignore=ignore)
        else:
            shutil.copy2(source, to / part)
    return to


def run_tests(copy: Path, tests: tuple[str, ...]) -> tuple[int, float, str]:
    env = {**os.environ, "PYTHONPATH": str(copy / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                          cwd=copy, env=env, capture_output=True, text=True, timeout=1800)
    last = (proc.stdout.strip().splitlines() or [""])[-1]
    return proc.returncode, time.monotonic() - started, last


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", metavar="WORD", help="only mutations whose name contains WORD")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--baseline", action="store_true",
                        help="first run every targeted test set unmutated (they must pass)")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.k or args.k in m.name]
    if args.list:
        for m in chosen:
            print(f"{m.name}\t{m.path}\t{' '.join(m.tests)}")
        return 0
    killed, survived, stale = [], [], []
    with tempfile.TemporaryDirectory(prefix="sezkg-mutations-") as tmp:
        copy = copy_repository(Path(tmp) / "repo")
        if args.baseline:
            for tests in sorted({m.tests for m in chosen}):
                code, took, last = run_tests(copy, tests)
                print(f"baseline  {' '.join(tests)}: exit {code} in {took:.0f} s ({last})", flush=True)
                if code != 0:
                    print("the unmutated tests fail: fix them before judging mutations")
                    return 2
        for m in chosen:
            target = copy / m.path
            original = target.read_text(encoding="utf-8")
            if original.count(m.old) != 1:
                stale.append(m)
                print(f"STALE     {m.name}: the text to mutate occurs {original.count(m.old)} times in {m.path}")
                continue
            target.write_text(original.replace(m.old, m.new), encoding="utf-8")
            try:
                code, took, last = run_tests(copy, m.tests)
            finally:
                target.write_text(original, encoding="utf-8")
            if code in (1, 2, 3):  # failures, interrupted (a collection error), internal error
                killed.append(m)
                verdict = "killed"
            else:
                survived.append(m)
                verdict = "SURVIVED" if code == 0 else f"SURVIVED (pytest exit {code})"
            print(f"{verdict:9} {m.name} [{took:.0f} s] {last}", flush=True)
    judged = len(killed) + len(survived)
    score = 100.0 * len(killed) / judged if judged else 0.0
    print(f"\nmutation score: {len(killed)}/{judged} killed ({score:.0f}%)")
    for m in survived:
        print(f"  survived: {m.name} ({m.path}){': ' + m.why if m.why else ''}")
    if stale:
        return 2
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
