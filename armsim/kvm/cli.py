"""``armsim kvm``: run a guest under the modelled hypervisor.

::

    armsim kvm GUEST.elf [--policy passthrough|raz-wi|eager|lazy] [--cpu NAME] [--host-debug idle|armed]
                         [--host HOST.elf] [--trace [FILE]] [--json FILE] [--max-insns N]

The guest's console output goes to stdout; the tables (exits by HSR.EC, traps
by register, world and debug switches, cycles per exit and by part) go to
stderr.  ``--trace`` renders the ``kvm_*`` trace events on stderr with rich;
``--trace FILE`` writes them to FILE as JSON lines.  ``--json FILE`` writes
the report object (:func:`armsim.kvm.stats.report`).

Process exit status: the guest's exit status (modulo 256); 124 when the
instruction limit ends the run; 125 when the guest or the VM stops with an
error; 2 with a one-line ``armsim: error: ...`` for a bad policy, option or
ELF.  ``armsim.cli`` registers the command with :func:`add_parser` and calls
:func:`run`.
"""

from __future__ import annotations

import argparse
import json
from typing import IO, Any, List, Optional

from rich.console import Console
from rich.table import Table

from armsim.errors import ArmsimError, ConfigError
from armsim.kvm.host import HOST_DEBUG_MODES
from armsim.kvm.hypervisor import Hypervisor, VmResult
from armsim.kvm.policy import BY_OPTION, policy_named
from armsim.kvm.trace import JsonlSink, KvmTracer, RichSink
from armsim.stop import StopKind
from armsim.timing.profiles import DEFAULT_CPU, get_profile, profile_names

EXIT_LIMIT = 124
EXIT_GUEST_ERROR = 125
EXIT_USAGE = 2
DEFAULT_MAX_INSNS = 1_000_000_000
TRACE_RICH = "-"


def _max_insns(text: str) -> int:
    try:
        n = int(text.replace("_", ""), 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad number {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {text}")
    return n


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``kvm`` on the ``armsim`` subcommand parsers."""
    p: argparse.ArgumentParser = sub.add_parser(
        "kvm",
        help="run a guest under the modelled KVM/ARM hypervisor",
        description="Run a guest ELF in Non-secure SVC mode under the modelled KVM/ARM hypervisor "
                    "(the debug series: trap tables, debug policies, world switch).",
        epilog="exit status: the guest's; 124 instruction limit; 125 guest or VM error; 2 policy/option/ELF error",
    )
    p.add_argument("elf", help="the guest ELF (e.g. examples/guests/kvm/phases.elf)")
    p.add_argument("--policy", default="lazy", metavar="POLICY",
                   help=f"debug policy: {'|'.join(BY_OPTION)} (default lazy)")
    p.add_argument("--cpu", default=DEFAULT_CPU, help=f"CPU profile: {', '.join(profile_names())} "
                                                      f"(default {DEFAULT_CPU})")
    p.add_argument("--host-debug", default="idle", metavar="MODE",
                   help="the host's debug registers: idle (distinct values, nothing enabled; default) or armed "
                        "(a host breakpoint and watchpoint, MDBGen set)")
    p.add_argument("--host", metavar="HOST.elf", help="a host ELF run in Non-secure SVC between guest runs")
    p.add_argument("--trace", nargs="?", const=TRACE_RICH, metavar="FILE",
                   help="trace the kvm_* events: rich on stderr, or JSON lines into FILE")
    p.add_argument("--json", metavar="FILE", help="write the report as one JSON object into FILE")
    p.add_argument("--max-insns", type=_max_insns, default=DEFAULT_MAX_INSNS, metavar="N",
                   help=f"stop after N guest and host instructions (default {DEFAULT_MAX_INSNS:,})")
    return p


def _is_elf(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def _error(err: Console, message: str) -> int:
    err.print(f"armsim: error: {message}", markup=False, highlight=False, soft_wrap=True)
    return EXIT_USAGE


def _tables(result: VmResult) -> List[Table]:
    rep = result.report
    out: List[Table] = []
    t = Table(title=f"armsim kvm: {rep['policy']} on {rep['cpu']}", title_justify="left")
    t.add_column("", style="bold")
    t.add_column("value", justify="right")
    code = rep["exit_code"]
    t.add_row("guest exit code", "-" if code is None else str(code))
    t.add_row("instructions", f"{rep['instructions']:,}")
    t.add_row("cycles", f"{rep['cycles']:,}")
    t.add_row("runs (guest entries)", str(rep["runs"]))
    t.add_row("exits", str(rep["exits"]["total"]))
    t.add_row("world switches", str(rep["world_switches"]))
    t.add_row("debug switches", str(rep["debug_switches"]))
    t.add_row("dirty runs", str(rep["dirty_runs"]))
    t.add_row("cycles per exit", f"{rep['cycles_per_exit']:,.1f}")
    t.add_row("host debug intact (P1)", "yes" if rep["host_debug_intact"] else "[red]NO[/]")
    out.append(t)
    ec = Table(title="exits by HSR.EC", title_justify="left")
    ec.add_column("EC")
    ec.add_column("exits", justify="right")
    for k, n in rep["exits"]["by_ec"].items():
        ec.add_row(k, str(n))
    out.append(ec)
    traps = Table(title="traps by register", title_justify="left")
    traps.add_column("register")
    traps.add_column("cp")
    traps.add_column("reads", justify="right")
    traps.add_column("writes", justify="right")
    for cp, key in (("14", "cp14_traps"), ("15", "cp15_traps")):
        for name, c in rep[key].items():
            traps.add_row(name, cp, str(c["read"]), str(c["write"]))
    out.append(traps)
    parts = Table(title="hypervisor cycles by part", title_justify="left")
    parts.add_column("part")
    parts.add_column("cycles", justify="right")
    for name, c in rep["cycles_by_part"].items():
        parts.add_row(name, f"{c:,}")
    out.append(parts)
    if rep["isolation_breaches"]:
        br = Table(title="isolation breaches", title_justify="left")
        for col in ("run", "register", "expected", "found"):
            br.add_column(col)
        for b in rep["isolation_breaches"]:
            br.add_row(str(b["run"]), str(b["register"]), str(b["expected"]), str(b["found"]))
        out.append(br)
    return out


def run(args: argparse.Namespace, err: Console) -> int:
    """``armsim kvm``: the process exit status."""
    try:
        policy = policy_named(args.policy)
        if args.host_debug not in HOST_DEBUG_MODES:
            raise ConfigError(f"unknown --host-debug {args.host_debug!r} (valid: {', '.join(HOST_DEBUG_MODES)})")
        get_profile(args.cpu)
    except ArmsimError as e:
        return _error(err, str(e))
    if args.trace not in (None, TRACE_RICH) and _is_elf(args.trace):
        return _error(err, f"--trace {args.trace} would overwrite an ELF file (put --trace after the guest)")
    tracer = KvmTracer()
    trace_file: Optional[IO[str]] = None
    try:
        if args.trace == TRACE_RICH:
            tracer.add(RichSink(err))
        elif args.trace is not None:
            trace_file = open(args.trace, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
            tracer.add(JsonlSink(trace_file))
    except OSError as e:
        return _error(err, f"cannot write the trace to {args.trace!r}: {e.strerror}")
    try:
        try:
            hv = Hypervisor(cpu=args.cpu, debug_policy=policy, host_debug=args.host_debug, host=args.host,
                            tracer=tracer)
            vm = hv.create_vm(args.elf)
        except ArmsimError as e:
            return _error(err, str(e))
        try:
            result = hv.run(vm, args.max_insns)
        except ArmsimError as e:
            err.print(f"armsim: VM error: {e}", markup=False, highlight=False, soft_wrap=True)
            return EXIT_GUEST_ERROR
        finally:
            vm.close()
    finally:
        if trace_file is not None:
            trace_file.close()
    if args.json is not None:
        try:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(result.report, f, indent=2)
                f.write("\n")
        except OSError as e:
            return _error(err, f"cannot write the report to {args.json!r}: {e.strerror}")
    for table in _tables(result):
        err.print(table)
    return _status(result, err)


def _status(result: VmResult, err: Console) -> int:
    stop = result.stop
    if result.exit_code is not None:
        return result.exit_code & 0xFF
    if stop.kind is StopKind.LIMIT:
        err.print(f"armsim: {result.message}", markup=False, highlight=False, soft_wrap=True)
        return EXIT_LIMIT
    err.print(f"armsim: VM stopped: {result.message}", markup=False, highlight=False, soft_wrap=True)
    return EXIT_GUEST_ERROR

