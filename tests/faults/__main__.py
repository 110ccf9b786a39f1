"""`./run faults`: the fault matrix over the whole pipeline; prints a table and a last line
``cases=<n> held=<n> failed=<n>`` (exit 1 when a case failed).

    ./run faults                     every group
    ./run faults --group nmbrs       one group: nmbrs | asr | kill | concurrent
    ./run faults --match Salary      only cases whose name contains the text
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from tests.faults import asr_cases, kill_cases, nmbrs_cases
from tests.faults.harness import Outcome, rig

GROUPS = {"nmbrs": nmbrs_cases.run_all, "asr": asr_cases.run_all, "kill": kill_cases.run_all,
          "concurrent": kill_cases.run_concurrent}


def line(outcome: Outcome) -> str:
    """Return one table row."""
    mark = "held" if outcome.held else "FAILED"
    return (f"{mark:<6} {outcome.group:<10} {outcome.case:<62} {outcome.got:<28} "
            f"{outcome.seconds:5.1f}s  {outcome.note}")


def main(argv: list[str] | None = None) -> int:
    """Run the chosen groups against one rig; print the table and the totals."""
    parser = argparse.ArgumentParser(prog="faults", description=__doc__)
    parser.add_argument("--group", action="append", choices=sorted(GROUPS))
    parser.add_argument("--match", default=None)
    args = parser.parse_args(argv)
    logging.getLogger().addHandler(logging.NullHandler())  # the drill captures records per case
    started = time.monotonic()
    outcomes: list[Outcome] = []
    print(f"{'result':<6} {'group':<10} {'case':<62} {'got':<28} {'time':>6}  note")
    with rig() as made:
        print(f"# clean run of {made.period.label}: {made.baseline_seconds:.1f}s, "
              f"{len(made.baseline_calls)} distinct Nmbrs calls", flush=True)
        for group in args.group or list(GROUPS):
            runner = GROUPS[group]
            selected = None
            if args.match and group == "nmbrs":
                selected = [c for c in nmbrs_cases.cases(made) if args.match in " ".join(c)]
            kwargs = {"selected": selected} if group == "nmbrs" else {"match": args.match}
            outcomes += runner(made, report=lambda o: print(line(o), flush=True), **kwargs)
    held = sum(o.held for o in outcomes)
    failed = [o for o in outcomes if not o.held]
    print(f"# {time.monotonic() - started:.0f}s wall")
    if failed:
        print("# failed cases:")
        for outcome in failed:
            print(f"#   {outcome.group} {outcome.case}: {outcome.note}")
    print(f"cases={len(outcomes)} held={held} failed={len(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
