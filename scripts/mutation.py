"""Mutation testing, one command per module: do the tests fail when the code is wrong?

    uv run python scripts/mutation.py stats            # run, print the score and survivors
    uv run python scripts/mutation.py stats --check    # also fail below the recorded minimum
    uv run python scripts/mutation.py --list           # the modules, their tests and minimums

Cosmic Ray (https://cosmic-ray.readthedocs.io) changes one thing in the module at a time (an
operator, a comparison, a number, a boolean, an exception) and runs the module's own fast tests
against each change. A mutant the tests fail on is "killed"; one they pass on "survived", and
shows a defect the tests would not notice. The score is killed / (killed + survived).

Cosmic Ray writes each mutation into the file on disk, so the run happens in a copy of the
working tree under a temporary folder (the files git knows and the new ones it does not
ignore), with `../shared` beside it as beside the project: the working tree is never touched,
and a run interrupted half-way leaves nothing mutated behind.

Operators that only make sense on integers used as bits (<<, >>, |, &, ^, //, %) are left out:
on these modules they produce type errors every test kills, and cost time. A line marked
`# pragma: no mutate` is left alone; use it only for a mutant that cannot change behaviour
(an equivalent mutant), with a comment saying why.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Target:
    module: str  # the file mutated
    tests: tuple[str, ...]  # the fast tests that should catch a defect in it
    minimum: float  # the score below which --check fails (percent), as last measured


# Minimums are the scores measured when they were set (docs/testing.md), rounded down, so a
# change that lets more mutants survive fails `--check`. Raise them as tests improve.
TARGETS: dict[str, Target] = {
    "stats": Target("warehouse/stats.py", ("tests/warehouse/test_stats.py",
                                           "tests/warehouse/test_stats_edges.py",
                                           "tests/warehouse/test_stats_phe_indicator_methods.py"),
                    90.0),
    "disclosure": Target("reporting/disclosure.py", ("tests/reporting/test_disclosure.py",
                                                     "tests/reporting/test_disclosure_edges.py",
                                                     "tests/disclosure/test_rules.py",
                                                     "tests/disclosure/test_leak_fixtures.py",
                                                     "tests/disclosure/test_model.py",
                                                     "tests/reporting/test_disclosure_report.py"),
                         90.0),  # 93.0% (80 / 86) on CI's sample, 6 December 2026 (61.2%
                               # after issue 17's rewrite; docs/testing.md)
    "periods": Target("sources/periods.py", ("tests/sources/test_periods.py",), 90.0),
    "returns-values": Target("sources/returns/values.py",
                             ("tests/sources/test_returns_values.py",
                              "tests/sources/test_returns_values_edges.py"), 85.0),
    "returns-text": Target("sources/returns/text.py", ("tests/sources/test_returns_text.py",
                                                       "tests/sources/test_returns_text_edges.py"),
                           80.0),
    "returns-read": Target("sources/returns/read.py", ("tests/sources/test_returns_read_rows.py",
                                                       "tests/sources/test_returns_reader_parts.py",
                                                       "tests/sources/test_returns_read.py",
                                                       "tests/sources/test_returns_messy_events.py"),
                           88.0),
    "returns-contract": Target("sources/returns/contract.py",
                               ("tests/sources/test_returns_contract.py",
                                "tests/warehouse/test_returns_rules.py",
                                "tests/sources/test_returns_read.py"), 100.0),
    "returns-rules": Target("warehouse/returns.py",
                            ("tests/warehouse/test_returns_rules.py",
                             "tests/warehouse/test_returns_senders_and_rejections.py",
                             "tests/warehouse/test_parsers_registered_twice.py",
                             "tests/warehouse/test_reach_grants_assessments_staging.py",
                             "tests/sources/test_returns_read.py"), 93.0),
    "indicators": Target("warehouse/indicators.py",
                         ("tests/warehouse/test_indicators.py",
                          "tests/warehouse/test_periods_and_catalogue.py"), 0.0),
}

EXCLUDED_OPERATORS = [
    r"core/ReplaceBinaryOperator_.*_(BitOr|BitAnd|BitXor|LShift|RShift|FloorDiv|Mod)$",
    r"core/ReplaceBinaryOperator_(BitOr|BitAnd|BitXor|LShift|RShift|FloorDiv|Mod)_.*",
]
TIMEOUT_S = 120  # one mutant's test run; a mutant that loops forever is killed by this


def _copy_tree(into: Path) -> Path:
    """The working tree as it is now (committed or not), without ignored files."""
    repo = into / ROOT.name
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    shared = (ROOT.parent / "shared").resolve()
    if shared.exists():
        (into / "shared").symlink_to(shared)
    return repo


def _config(target: Target, repo: Path) -> str:
    tests = " ".join(t for t in target.tests if (repo / t).exists())
    # -p no:cacheprovider: nothing written into the copy; -x: the first failure kills; -n 0:
    # in this one process (pyproject's `-n auto` would start a pytest-xdist worker per core
    # for every mutant, seconds each).
    command = (f"{sys.executable} -m pytest -x -q -n 0 -p no:cacheprovider -p no:randomly "
               f"{tests}")
    excluded = ", ".join(json.dumps(e) for e in EXCLUDED_OPERATORS)
    return (f'[cosmic-ray]\nmodule-path = "{target.module}"\ntimeout = {TIMEOUT_S}\n'
            f'excluded-modules = []\ntest-command = "{command}"\n\n'
            f'[cosmic-ray.distributor]\nname = "local"\n\n'
            f'[cosmic-ray.filters.operators-filter]\nexclude-operators = [{excluded}]\n')


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _sample(session: Path, size: int, source: Path) -> None:
    """Keep a repeatable sample of about `size` pending mutants; mark the rest skipped.

    A mutant is kept by a hash of what it is (its operator, the text of its line, and which
    of that operator's places on the line), not by its position in the file, so an edit
    elsewhere in the module leaves the sample as it was: only mutants of the lines changed
    come or go. (Every k-th mutant by position moved the whole sample with any edit above
    it, and the score with it.)"""
    import hashlib

    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    lines = source.read_text(encoding="utf-8").splitlines()
    with use_db(str(session), WorkDB.Mode.open) as db:
        pending = sorted(db.pending_work_items, key=lambda item: tuple(
            (m.start_pos, m.operator_name, m.occurrence) for m in item.mutations))
        if len(pending) <= size:
            return
        place: dict[tuple[str, int], int] = {}
        drop = []
        for item in pending:
            m = item.mutations[0]
            key = (m.operator_name, m.start_pos[0])
            place[key] = place.get(key, -1) + 1
            what = f"{m.operator_name}|{lines[m.start_pos[0] - 1].strip()}|{place[key]}"
            share = int(hashlib.sha256(what.encode()).hexdigest()[:12], 16) / 16 ** 12
            if share >= size / len(pending):
                drop.append(item)
        for item in drop:
            db.set_result(item.job_id, WorkResult(output="not in the sample",
                                                  worker_outcome=WorkerOutcome.SKIPPED))


def run(name: str, check: bool, keep: Path | None, sample: int | None = None) -> int:
    target = TARGETS[name]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"mutation-{name}-") as tmp:
        repo = _copy_tree(Path(tmp))
        (repo / "cr.toml").write_text(_config(target, repo))
        # A fixed hash seed: set and dict orders, so which mutants the tests kill, are the
        # same on every machine (a mutant killed under one seed only failed CI once).
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
        env.pop("PYTEST_ADDOPTS", None)

        def step(*argv: str) -> None:
            subprocess.run(argv, cwd=repo, env=env, check=True,
                           stdout=subprocess.DEVNULL if argv[0].endswith("exec") else None)

        step(_tool("cosmic-ray"), "init", "cr.toml", "session.sqlite")
        step(_tool("cr-filter-pragma"), "session.sqlite")
        step(_tool("cr-filter-operators"), "session.sqlite", "cr.toml")
        if sample:
            _sample(repo / "session.sqlite", sample, repo / target.module)
        baseline = subprocess.run(_config_command(repo), cwd=repo, env=env, shell=True,
                                  capture_output=True, text=True)
        if baseline.returncode != 0:
            print(f"The tests fail before any mutation; fix them first:\n{baseline.stdout}")
            return 2
        step(_tool("cosmic-ray"), "exec", "cr.toml", "session.sqlite")
        dump = subprocess.run([_tool("cosmic-ray"), "dump", "session.sqlite"], cwd=repo,
                              env=env, capture_output=True, text=True, check=True).stdout
        if keep:
            shutil.copy(repo / "session.sqlite", keep)
    killed, survived, skipped = 0, [], 0
    for line in dump.splitlines():
        item, result = json.loads(line)
        if result is None:
            continue
        if result["worker_outcome"] == "skipped":
            skipped += 1
        elif result["test_outcome"] == "survived":
            survived.append((item, result))
        else:  # killed, or incompetent (the mutant could not even be imported): caught
            killed += 1
    total = killed + len(survived)
    score = 100.0 * killed / total if total else 100.0
    for item, result in survived:
        mutation = item["mutations"][0]
        print(f"SURVIVED {mutation['module_path']}:{mutation['start_pos'][0]} "
              f"{mutation['operator_name']} #{mutation['occurrence']}")
        print("    " + result["diff"].replace("\n", "\n    ").rstrip())
    what = f"a sample of {total}" if sample else "all"
    print(f"{name}: {target.module}: {what} mutants: {killed} killed, {len(survived)} survived, "
          f"{skipped} left out, score {score:.1f}% (minimum {target.minimum:.0f}%), "
          f"{time.monotonic() - started:.0f} s")
    if check and score < target.minimum:
        print(f"FAIL: the mutation score of {target.module} fell below {target.minimum:.0f}%: "
              "add tests that kill the survivors above.")
        return 1
    return 0


def _config_command(repo: Path) -> str:
    text = (repo / "cr.toml").read_text()
    return text.split('test-command = "', 1)[1].split('"\n', 1)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", metavar="module",
                        help=f"one or more of: {', '.join(TARGETS)}")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a score is below its recorded minimum")
    parser.add_argument("--list", action="store_true", help="list the modules and stop")
    parser.add_argument("--keep", type=Path, help="copy the session database here")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="run a repeatable sample of about N mutants per module, chosen "
                             "by what each is (CI's bounded check); the default runs them all")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in TARGETS]
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)}: choose from {', '.join(TARGETS)}")
    if args.list or not args.modules:
        for name, target in TARGETS.items():
            print(f"{name:17} {target.module:28} minimum {target.minimum:4.0f}%  "
                  f"tests: {' '.join(target.tests)}")
        return 0
    return max(run(name, args.check, args.keep, args.sample) for name in args.modules)


if __name__ == "__main__":
    sys.exit(main())
