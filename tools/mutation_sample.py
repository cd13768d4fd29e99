"""Print a uniform random sample of mutmut's mutants, a fixed number per module.

Most modules have hundreds of mutants, more than one session can run; a uniform sample gives an
unbiased estimate of a module's score (docs/testing.md, "Mutation testing"). The names come from
the ``mutants/**/*.py.meta`` files a first ``make mutate`` writes. Usage:

    make mutate MUTANTS="$(python tools/mutation_sample.py --per-module 40 --seed 17)"

``--exclude FILE`` leaves out names already measured (one per line or separated by spaces), so a
second, fresh sample is not graded on the mutants the new tests were written against.
``--report FILE`` prints, per module, what mutmut found for the names in FILE (a sample).
"""

import argparse
import json
import random
import sys
from pathlib import Path

# mutmut's exit codes (mutmut.stats.status_by_exit_code): a timeout counts as killed, as in
# `make mutate`'s summary; a segfault or an internal error too.
KILLED = {1, 3, 24, -24, 36, 152, 255, -9, -11}
SURVIVED = {0}
NO_TESTS = {5, 33}


def exit_codes(root):
    codes = {}
    for meta in Path(root).rglob("*.py.meta"):
        codes.update(json.loads(meta.read_text())["exit_code_by_key"])
    return codes


def mutant_names(root):
    """{module: sorted mutant names} from mutmut's meta files under ``root``."""
    modules = {}
    for name in sorted(exit_codes(root)):
        modules.setdefault(name.rsplit(".", 1)[0], []).append(name)
    return modules


def report(names, codes):
    """Lines of: module, sampled, killed, survived, no tests, not run, score."""
    per = {}
    for name in names:
        counts = per.setdefault(name.rsplit(".", 1)[0], [0, 0, 0, 0, 0])
        code = codes.get(name)
        counts[0] += 1
        if code in KILLED:
            counts[1] += 1
        elif code in SURVIVED:
            counts[2] += 1
        elif code in NO_TESTS:
            counts[3] += 1
        else:
            counts[4] += 1
    lines = [f"{'module':36} {'sample':>6} {'killed':>6} {'survived':>8} {'no tests':>8} "
             f"{'not run':>7} {'score':>6}"]  # fmt: skip
    for module, (n, killed, survived, none, left) in sorted(per.items()):
        measured = killed + survived + none
        score = f"{100 * killed / measured:.0f}%" if measured else "-"
        lines.append(f"{module:36} {n:6} {killed:6} {survived:8} {none:8} {left:7} {score:>6}")
    return lines


def sample(modules, per_module, seed, exclude=frozenset(), only=()):
    """``per_module`` names of each module (all of a smaller one), drawn with ``seed``."""
    chosen = []
    for module, names in sorted(modules.items()):
        if only and not any(module == prefix or module.startswith(prefix + ".") for prefix in only):
            continue
        names = [name for name in names if name not in exclude]
        rng = random.Random(f"{seed}:{module}")
        chosen += names if len(names) <= per_module else sorted(rng.sample(names, per_module))
    return chosen


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-module", type=int, default=40)
    parser.add_argument("--seed", default="17")
    parser.add_argument("--exclude", type=Path, help="a file of names already measured")
    parser.add_argument("--report", type=Path, help="a sample's names: print its results")
    parser.add_argument("--mutants", type=Path, default=Path("mutants"))
    parser.add_argument("modules", nargs="*", help="module prefixes (tracker.browse.search)")
    args = parser.parse_args(argv)
    if args.report:
        print("\n".join(report(args.report.read_text().split(), exit_codes(args.mutants))))
        return
    modules = mutant_names(args.mutants)
    if not modules:
        sys.exit("No mutants yet: run `make mutate MUTANTS=none` once to generate them.")
    exclude = set(args.exclude.read_text().split()) if args.exclude else set()
    print(" ".join(sample(modules, args.per_module, args.seed, exclude, args.modules)))


if __name__ == "__main__":
    main()
