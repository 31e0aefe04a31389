"""The ``armsim`` command.

::

    armsim run [ELF] [--cpu NAME] [--max-insns N] [--trace [FILE]] [--trace-format text|jsonl]
               [--fs-root DIR] [--ram BASE:SIZE] [-- ARGS...]
    armsim disasm ELF [--start ADDR] [--count N]
    armsim bench world-switch [--cpu ...] [--policy ...] [--exits N] [--fractions ...] [--pairs ...]
                              [--json FILE] [--csv FILE] [--plot FILE] [--scheduler ADDRESS] [--workers N]
    armsim kvm GUEST.elf [--policy passthrough|raz-wi|eager|lazy] [--cpu NAME] [--host-debug idle|armed]
               [--host HOST.elf] [--trace [FILE]] [--json FILE] [--max-insns N]
    armsim --version

``armsim run`` loads the ELF (default: the bundled ``examples/guests/hello.elf``
of a source checkout), runs it with semihosting, streams the guest's console
output to stdout, and prints a summary table on stderr.  ``--trace`` prints
one line per executed instruction on stderr (``--trace FILE``: into FILE;
``--trace-format jsonl``: one JSON object per instruction).  ``armsim disasm``
lists an ELF's code on stdout in GNU syntax, from armsim's own decoder.  Arguments after ``--`` are
passed to the guest (its argv[0] is the ELF's file name).  ``armsim kvm`` runs a guest under the
modelled hypervisor (:mod:`armsim.kvm.cli` has its options and exit status).
``armsim bench world-switch`` runs the world-switch benchmark (:mod:`armsim.bench.cli`, which
documents its options and exit statuses).

Process exit status:

* the guest's exit status (SYS_EXIT / SYS_EXIT_EXTENDED), modulo 256;
* 124: the instruction limit (``--max-insns``) was reached (as timeout(1));
* 125: the guest stopped with an error (e.g. an exception with no handler
  installed) or halted waiting for an interrupt that cannot come;
* 130: interrupted (Ctrl-C; the message names the PC, symbol and instruction);
* 74: the guest's output could not be written (a closed stdout, a full device):
  one line ``armsim: error: <reason>``;
* a broken pipe (the reader of stdout went away, ``armsim run X | head -1``)
  ends armsim quietly by SIGPIPE, as it ends ``cat`` (the shell reports 141);
* 2: bad usage, an ELF that cannot be loaded, or a bad option
  (``armsim: error: <reason>``).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import IO, Any, List, Optional, Sequence, Tuple

import armsim
from armsim.errors import ConfigError, ElfLoadError
from armsim.exec.blocks import DEFAULT_ENGINE, ENGINES
from armsim.machine import BOOT_MODES, DEFAULT_RAM, Machine, RunResult
from armsim.stop import RunInterrupted, StopKind
from armsim.timing.model import DEFAULT_LEVEL, LEVELS, Timing
from armsim.timing.profiles import DEFAULT_CPU, profile_names

EXIT_LIMIT = 124
EXIT_GUEST_ERROR = 125
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_OUTPUT_ERROR = 74  # EX_IOERR (sysexits.h)
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE

_SUFFIXES = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def default_guest() -> Path:
    """The bundled hello.elf of a source checkout (not shipped in an installed wheel)."""
    return Path(__file__).resolve().parents[1] / "examples" / "guests" / "hello.elf"


def parse_size(text: str) -> int:
    """An integer (any base prefix), optionally with a K/M/G (binary) suffix."""
    t = text.strip()
    mult = 1
    if t and t[-1].upper() in _SUFFIXES:
        mult = _SUFFIXES[t[-1].upper()]
        t = t[:-1]
    try:
        return int(t, 0) * mult
    except ValueError:
        raise ConfigError(f"bad number {text!r}") from None


def parse_ram(text: str) -> Tuple[int, int]:
    """``BASE:SIZE``, e.g. ``0:128M`` or ``0x80000000:0x10000000``."""
    base, sep, size = text.partition(":")
    if not sep:
        raise ConfigError(f"--ram takes BASE:SIZE (e.g. 0:128M), not {text!r}")
    return parse_size(base), parse_size(size)


# A runaway guest stops with a clear message (exit 124) rather than spin forever.
DEFAULT_MAX_INSNS = 1_000_000_000


def _positive_int(text: str) -> int:
    try:
        n = parse_size(text)
    except ConfigError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {text}")
    return n


# The subcommands whose parsers (and implementations) live in heavier packages: name -> help.
# ``armsim run`` and ``armsim disasm`` import neither them nor rich (start-up time, issue 13 item 7).
_LAZY_COMMANDS = {
    "kvm": "run a guest under the modelled KVM/ARM hypervisor",
    "bench": "benchmarks of the modelled hypervisor",
}


def _command_of(argv: Sequence[str]) -> Optional[str]:
    """The subcommand word of ``argv`` (the top-level options take no value), or None."""
    for a in argv:
        if not a.startswith("-"):
            return a
    return None


def build_parser(command: Optional[str] = None) -> argparse.ArgumentParser:
    """The armsim parser; for ``run``/``disasm`` the kvm and bench subcommands are named only."""
    light = command in ("run", "disasm")
    parser = argparse.ArgumentParser(prog="armsim", description="ARMv7-A instruction-set simulator")
    parser.add_argument("--version", action="version", version=f"armsim {armsim.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run an ELF executable with semihosting",
        description="Run a 32-bit ARM ELF executable. Arguments after -- go to the guest.",
        epilog="exit status: the guest's; 124 instruction limit; 125 guest error or halt; 130 interrupted; "
               "74 output error; 2 load/option error",
    )
    run.add_argument("elf", nargs="?", help="the ELF file (default: the bundled examples/guests/hello.elf)")
    run.add_argument("--cpu", default=DEFAULT_CPU, help=f"CPU profile: {', '.join(profile_names())} "
                                                        f"(default {DEFAULT_CPU})")
    run.add_argument("--max-insns", type=_positive_int, default=DEFAULT_MAX_INSNS, metavar="N",
                     help=f"stop a runaway guest after N instructions (default {DEFAULT_MAX_INSNS:,})")
    run.add_argument("--timing", choices=LEVELS, default=DEFAULT_LEVEL,
                     help="cycle model: off (cycles = instructions), fast (static cost per operation), "
                          f"pipeline (issue, interlocks, branch prediction; default {DEFAULT_LEVEL})")
    run.add_argument("--caches", action="store_true", help="model the profile's L1 caches (--timing pipeline)")
    run.add_argument("--engine", choices=sorted(ENGINES), default=DEFAULT_ENGINE,
                     help=f"execution engine: block (translated basic blocks) or interp (one op per "
                          f"instruction); same results, counts and cycles (default {DEFAULT_ENGINE})")
    run.add_argument("--trace", nargs="?", const="-", default=None, metavar="FILE",
                     help="trace each executed instruction on stderr, or into FILE")
    run.add_argument("--trace-format", choices=("text", "jsonl"), default="text",
                     help="trace lines (address, symbol, encoding, text, executed or not) or one JSON object "
                          "per instruction (pc, word, text, changed registers)")
    run.add_argument("--fs-root", metavar="DIR", help="let the guest open files inside DIR")
    run.add_argument("--ram", metavar="BASE:SIZE", default=None,
                     help=f"RAM region (default {DEFAULT_RAM[0]:#x}:{DEFAULT_RAM[1] >> 20}M)")
    if light:
        sub.add_parser("kvm", help=_LAZY_COMMANDS["kvm"])
    else:
        from armsim.kvm import cli as kvm_cli

        kvm_cli.add_parser(sub)
    dis = sub.add_parser(
        "disasm",
        help="disassemble an ELF's code with armsim's decoder",
        description="List the executable sections of a 32-bit ARM ELF in GNU syntax (as objdump -d), "
                    "ARM and Thumb code chosen by the ELF's mapping symbols.",
    )
    dis.add_argument("elf", help="the ELF file")
    dis.add_argument("--start", metavar="ADDR", help="first address (a number, or a symbol name)")
    dis.add_argument("--count", type=_positive_int, metavar="N", help="list at most N instructions")
    if light:
        sub.add_parser("bench", help=_LAZY_COMMANDS["bench"])
    else:
        from armsim.bench.cli import add_parser as add_bench_parser

        add_bench_parser(sub)
    run.add_argument("--boot-mode", choices=BOOT_MODES, default="svc",
                     help="mode the CPU enters the ELF in: svc (Secure SVC, default), hyp (Non-secure Hyp mode "
                          "with HVC enabled, as QEMU's -M virt,virtualization=on) or mon (Secure Monitor mode)")
    return parser


def _cmd_disasm(args: argparse.Namespace, err: Any) -> int:
    from armsim.disasm import Listing, format_listing

    try:
        listing = Listing(args.elf)
    except ElfLoadError as e:
        err.print(f"armsim: error: {e}", markup=False, highlight=False, soft_wrap=True)
        return EXIT_USAGE
    start: Optional[int] = None
    if args.start is not None:
        start = listing.address_of(args.start)
        if start is None:
            err.print(f"armsim: error: --start {args.start!r} is neither a number nor a symbol of {args.elf}",
                      markup=False, highlight=False, soft_wrap=True)
            return EXIT_USAGE
    out = sys.stdout
    for line in format_listing(listing, start, args.count):
        out.write(line + "\n")
    return 0 if _flush_stdout() else EXIT_OUTPUT_ERROR


def _trace_sink(args: argparse.Namespace, machine: Machine) -> Tuple[Any, Optional[IO[str]]]:
    """The trace sink the options ask for, and the file to close (None for stderr)."""
    if args.trace is None:
        return None, None
    from armsim.trace import JsonlTrace, TextTrace

    fh: Optional[IO[str]] = None
    out: IO[str] = sys.stderr
    if args.trace != "-":
        fh = out = open(args.trace, "w", encoding="utf-8")  # noqa: SIM115 - closed after the run
    sink = JsonlTrace(machine, out) if args.trace_format == "jsonl" else TextTrace(out)
    return sink, fh


def _summary(result: RunResult, timing: Optional[Timing] = None) -> List[Tuple[str, str]]:
    """The summary's (label, value) rows."""
    rows: List[Tuple[str, str]] = []
    rows.append(("exit code", "-" if result.exit_code is None else str(result.exit_code)))
    rows.append(("stop reason", result.stop_reason.value))
    if result.message:
        rows.append(("message", result.message))
    rows.append(("instructions", f"{result.instructions:,}"))
    rows.append(("cycles", f"{result.cycles:,}"))
    if timing is not None:
        rows.append(("timing", f"{timing.profile.name}, {timing.level}"))
        rows.append(("IPC", f"{timing.ipc:.3f}"))
        total = timing.cycles
        if timing.level != "off" and total:
            parts = [f"{k} {v:,} ({100 * v / total:.1f}%)" for k, v in timing.breakdown().items() if v]
            rows.append(("cycle breakdown", ", ".join(parts)))
    rows.append(("wall time", f"{result.wall_time:.3f} s"))
    rows.append(("MIPS", f"{result.mips:.2f}"))
    exc = ", ".join(f"{k.lower().replace('_', ' ')}: {v}" for k, v in sorted(result.exceptions.items()))
    rows.append(("exceptions taken", exc or "none"))
    return rows


def box_table(title: str, rows: Sequence[Tuple[str, str]]) -> str:
    """A two-column table in box-drawing characters under a left-justified title (as rich draws it)."""
    w0 = max(len(a) for a, _ in rows) + 2
    w1 = max(len(b) for _, b in rows) + 2
    h, v = "\u2500", "\u2502"
    lines = [title.ljust(w0 + w1 + 3), "\u250c" + h * w0 + "\u252c" + h * w1 + "\u2510"]
    lines += [f"{v} {a.ljust(w0 - 2)} {v} {b.ljust(w1 - 2)} {v}" for a, b in rows]
    lines.append("\u2514" + h * w0 + "\u2534" + h * w1 + "\u2518")
    return "\n".join(lines)


def _is_elf(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def _cmd_run(args: argparse.Namespace, guest_args: Sequence[str], err: Any) -> int:
    if args.trace not in (None, "-") and _is_elf(args.trace):
        if args.elf is not None:
            err.print(f"armsim: error: --trace {args.trace} would overwrite an ELF file",
                      markup=False, highlight=False, soft_wrap=True)
            return EXIT_USAGE
        args.elf, args.trace = args.trace, "-"  # `run --trace prog.elf`: the ELF, traced on stderr
    if args.elf is None:
        path = default_guest()
        if not path.is_file():
            err.print(f"armsim: error: no ELF given and the default guest {path} is missing "
                      "(it ships with the source tree, not the installed package); name an ELF file",
                      markup=False, highlight=False, soft_wrap=True)
            return EXIT_USAGE
        elf = str(path)
    else:
        elf = args.elf
    try:
        ram = parse_ram(args.ram) if args.ram is not None else DEFAULT_RAM
        stdin = getattr(sys.stdin, "buffer", None)
        machine = Machine(cpu=args.cpu, ram=ram, fs_root=args.fs_root,
                          argv=[Path(elf).name, *guest_args], stdin=stdin, boot_mode=args.boot_mode,
                          timing=args.timing, caches=args.caches, engine=args.engine)
        machine.load_elf(elf)
    except (ElfLoadError, ConfigError) as e:
        err.print(f"armsim: error: {e}", markup=False, highlight=False, soft_wrap=True)
        return EXIT_USAGE
    try:
        trace, trace_file = _trace_sink(args, machine)
    except OSError as e:
        err.print(f"armsim: error: cannot write the trace file {args.trace}: {e.strerror or e}",
                  markup=False, highlight=False, soft_wrap=True)
        machine.close()
        return EXIT_USAGE
    try:
        result = machine.run(max_instructions=args.max_insns, trace=trace)
    except RunInterrupted as e:
        _flush_stdout()
        err.print(f"armsim: {e.stop.render()} after {machine.instructions:,} instructions",
                  markup=False, highlight=False, soft_wrap=True)
        return EXIT_INTERRUPTED
    finally:
        machine.close()
        if trace_file is not None:
            trace_file.close()
    stop = result.stop
    assert stop is not None
    if stop.kind is StopKind.BROKEN_PIPE:
        return _end_by_sigpipe()
    if stop.kind is StopKind.OUTPUT_ERROR or not _flush_stdout():
        _silence_stdout()
        text = stop.message if stop.kind is StopKind.OUTPUT_ERROR else "cannot write the guest's standard output"
        err.print(f"armsim: error: {text}", markup=False, highlight=False, soft_wrap=True)
        return EXIT_OUTPUT_ERROR
    err.print(box_table("armsim run", _summary(result, machine.timing)), markup=False, highlight=False,
              soft_wrap=True)
    if stop.kind is StopKind.EXIT:
        assert result.exit_code is not None
        return result.exit_code & 0xFF
    if stop.kind is StopKind.LIMIT:
        err.print(f"armsim: instruction limit reached: {stop.render()} (raise --max-insns)",
                  markup=False, highlight=False, soft_wrap=True)
        return EXIT_LIMIT
    what = "guest halted" if stop.kind is StopKind.HALT else "guest error"
    err.print(f"armsim: {what}: {result.message}", markup=False, highlight=False, soft_wrap=True)
    return EXIT_GUEST_ERROR


class _Stderr:
    """What ``armsim run`` and ``disasm`` print their messages with: plain lines on stderr.

    It takes the keyword arguments of rich's ``Console.print`` that the commands pass
    (and ignores them), so a command runs with it or with a rich console alike."""

    def print(self, text: str, **_: Any) -> None:
        stream = sys.stderr
        stream.write(f"{text}\n")
        stream.flush()


def _stderr_console() -> Any:
    """rich's console on stderr (the kvm and bench commands render with it)."""
    from rich.console import Console

    class _StderrConsole(Console):
        """A broken pipe propagates (rich >= 13 would exit with status 1)."""

        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return _StderrConsole(stderr=True)


def _flush_stdout() -> bool:
    """Flush Python's stdout; False if that fails (closed, broken pipe, full device)."""
    out = sys.stdout
    if out is None:
        return True  # nothing was written to it (a write would have stopped the run)
    try:
        out.flush()
    except (OSError, ValueError):
        return False
    return True


def _silence_stdout() -> None:
    """Point fd 1 at /dev/null, so that flushing at interpreter exit cannot fail a second time."""
    try:
        fd = sys.stdout.fileno() if sys.stdout is not None else 1
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _end_by_sigpipe() -> int:
    """A broken pipe ends armsim as it ends cat: quietly, by SIGPIPE (the shell reports 141)."""
    _silence_stdout()
    sys.stderr.flush()
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    return EXIT_BROKEN_PIPE  # no SIGPIPE on this platform: the shell's number for it


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the ``armsim`` script; returns the process exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    guest_args: List[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, guest_args = argv[:i], argv[i + 1 :]
    parser = build_parser(_command_of(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, usage errors
        return e.code if isinstance(e.code, int) else (0 if e.code is None else EXIT_USAGE)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    err: Any = _Stderr()
    try:
        if args.command == "disasm":
            return _cmd_disasm(args, err)
        if args.command == "kvm":
            from armsim.kvm import cli as kvm_cli

            err = _stderr_console()
            return kvm_cli.run(args, err)
        if args.command == "bench":
            from armsim.bench.cli import run as run_bench

            err = _stderr_console()
            return run_bench(args, err)
        return _cmd_run(args, guest_args, err)
    except KeyboardInterrupt:  # outside the run itself (loading, printing the summary)
        _flush_stdout()
        err.print("armsim: interrupted", markup=False, highlight=False)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of stderr (the summary, the trace) went away
        return _end_by_sigpipe()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
