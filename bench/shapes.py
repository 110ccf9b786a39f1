"""Benchmark: CPU to read one per-employee answer, zeep's parse versus the wire shape reader.

The SOAP source reads every answer from its bytes (nmbrs.client.shapes) after zeep has parsed
it; this prints what that reading costs per answer, for the eight per-employee calls of real
simulator employees, and the gzip-compressed size kept in raw.call_payload.
Run: ./run bench shapes [--employees 200]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time

from lxml import etree

from nmbrs.client import transport
from nmbrs.client.schema import NS_ROOT, operation
from nmbrs.client.shapes import read
from payroll_link.extraction.sources.soap import EMPLOYEE_CALLS
from simulators.nmbrs_sim.dataset import World
from simulators.nmbrs_sim.handlers import _PER_EMPLOYEE
from simulators.nmbrs_sim.knobs import Knobs
from simulators.nmbrs_sim.shapes import render


class _State:
    def __init__(self, world):
        self.clock = world.config.clock


def answers(count: int) -> list[tuple[str, bytes]]:
    """Return (operation, envelope) of the eight calls for up to `count` employees of 2001."""
    world = World()
    state, knobs = _State(world), Knobs()
    ids = [e["Id"] for e in world.company(2001).employees(state.clock)][:count]
    out = []
    for employee_id in ids:
        employee = world.employee(employee_id)
        for name in EMPLOYEE_CALLS:
            value = _PER_EMPLOYEE[name](employee, state, {"Period": 10, "Year": 2026})
            out.append((name, render(operation("EmployeeService", name), value, knobs)))
    return out


def timed(func, items) -> float:
    started = time.process_time()
    for item in items:
        func(*item)
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=200)
    args = parser.parse_args(argv)
    items = answers(args.employees)
    binding = transport.zeep_client("EmployeeService").wsdl.bindings[
        f"{{{NS_ROOT}EmployeeService}}EmployeeServiceSoap"]

    def zeep_parse(name: str, body: bytes):
        return binding.get(name).process_reply(etree.fromstring(body))

    zeep_s = timed(zeep_parse, items)
    shapes_s = timed(lambda name, body: read("EmployeeService", name, body), items)
    raw = sum(len(body) for _, body in items)
    packed = sum(len(gzip.compress(body, mtime=0)) for _, body in items)
    n = len(items)
    print(f"{n} answers ({n // len(EMPLOYEE_CALLS)} employees of company 2001 x "
          f"{len(EMPLOYEE_CALLS)} calls)")
    print(f"zeep parse:    {zeep_s / n * 1e6:7.1f} us CPU per answer")
    print(f"shape reader:  {shapes_s / n * 1e6:7.1f} us CPU per answer")
    print(f"wire bytes:    {raw / n:7.0f} B per answer, gzip {packed / n:5.0f} B "
          f"({packed / raw:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
