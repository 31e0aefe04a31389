"""The armsim command: exit statuses, messages without tracebacks, guest output on stdout, summary on stderr."""

from __future__ import annotations

import os
import re
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest

import armsim
from armsim import cli
from tests.test_machine import DATA, FakeIsa, Prog, hello_prog

ROOT = Path(__file__).resolve().parents[1]
SMALL_RAM = ["--ram", "0:1M"]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIsa]:
    yield FakeIsa(monkeypatch)


def run_cli(capsys: pytest.CaptureFixture[str], argv: List[str]) -> Tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


def elf_of(fake: FakeIsa, prog: Prog, tmp_path: Path) -> str:
    fake.install(prog)
    return str(prog.elf(tmp_path / "t.elf"))


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, ["--version"])
    assert code == 0 and out.strip() == f"armsim {armsim.__version__}"


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, [])
    assert code == 2 and "run" in err


def test_run_guest_output_and_summary(fake: FakeIsa, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Guest output alone on stdout; the summary table on stderr; exit status = the guest's."""
    code, out, err = run_cli(capsys, ["run", elf_of(fake, hello_prog(), tmp_path), *SMALL_RAM])
    assert code == 0
    assert out == "Hello\n"
    for label in ("exit code", "stop reason", "instructions", "cycles", "wall time", "MIPS", "exceptions taken"):
        assert label in err, label


def test_guest_exit_status(fake: FakeIsa, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = Prog()
    p.exit_extended(7)
    code, _, _ = run_cli(capsys, ["run", elf_of(fake, p, tmp_path), *SMALL_RAM])
    assert code == 7
    p = Prog()
    p.exit_extended(-1)
    code, _, _ = run_cli(capsys, ["run", elf_of(fake, p, tmp_path), *SMALL_RAM])
    assert code == 255  # the status modulo 256, as a shell sees exit(-1)


def test_instruction_limit_exits_124(fake: FakeIsa, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = Prog()
    p.loop()
    code, _, err = run_cli(capsys, ["run", elf_of(fake, p, tmp_path), "--max-insns", "500", *SMALL_RAM])
    assert code == 124
    assert "instruction limit reached" in err and "500" in err
    # Where it stopped: PC, symbol and instruction (the loop is a branch to itself at _start+0x0).
    assert re.search(r"at 0x00008000 <_start> \(eafffffe TEST B\)", err), err


def test_guest_error_exits_125(fake: FakeIsa, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = Prog()
    p.set(0, 0x12345678)
    p.ldr()
    code, out, err = run_cli(capsys, ["run", elf_of(fake, p, tmp_path), *SMALL_RAM])
    assert code == 125 and out == ""
    assert "armsim: guest error: Data Abort:" in err
    assert "0x12345678" in err and "0x00008004 <_start+0x4> (e5901000 TEST LDR)" in err


@pytest.mark.parametrize("kind", ["text", "directory", "missing", "empty", "truncated"])
def test_bad_elf_exits_2(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.elf"
    if kind == "text":
        path.write_text("hello there\n")
    elif kind == "directory":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes((ROOT / "examples" / "guests" / "hello.elf").read_bytes()[:100])
    code, out, err = run_cli(capsys, ["run", str(path)])
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("armsim: error: ") and str(path) in lines[0], err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--cpu", "cortex-m0"], "unknown CPU"),
        (["--ram", "0x8000"], "BASE:SIZE"),
        (["--ram", "0:zero"], "bad number"),
        (["--ram", "0:0"], "RAM size"),
        (["--fs-root", "/nonexistent/dir"], "not a directory"),
    ],
)
def test_bad_options_exit_2(args: List[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, ["run", str(ROOT / "examples" / "guests" / "hello.elf"), *args])
    assert code == 2 and err.startswith("armsim: error: ") and words in err, err


def test_bad_max_insns_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, ["run", "--max-insns", "0"])
    assert code == 2 and "--max-insns" in err


def test_ram_parsing() -> None:
    assert cli.parse_ram("0:128M") == (0, 128 << 20)
    assert cli.parse_ram("0x80000000:0x1000") == (0x80000000, 0x1000)
    assert cli.parse_ram("64K:1G") == (64 << 10, 1 << 30)
    assert cli.parse_size("1_000") == 1000


def test_guest_arguments_after_double_dash(fake: FakeIsa, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Arguments after -- reach the guest's command line (SYS_GET_CMDLINE); argv[0] is the ELF's name."""
    p = Prog()
    buf = DATA + 0x400
    blk = DATA + 0x600
    p.string(b"\0" * 0x700)
    p.set(0, 0x15)  # SYS_GET_CMDLINE
    p.set(1, blk)
    p.poke(blk, buf, 256)
    p.svc()
    p.set(0, 0x04)  # SYS_WRITE0
    p.set(1, buf)
    p.svc()
    p.exit()
    code, out, _ = run_cli(capsys, ["run", elf_of(fake, p, tmp_path), *SMALL_RAM, "--", "-v", "two words"])
    assert code == 0 and out == 't.elf -v "two words"'


def test_trace_goes_to_stderr(fake: FakeIsa, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, ["run", elf_of(fake, hello_prog(), tmp_path), "--trace", *SMALL_RAM])
    assert code == 0 and out == "Hello\n"
    assert "00008000 <_start>: e7f000f1  TEST SET r0" in err
    assert "00008014 <_start+0x14>: ef123456  TEST SVC" in err


def test_fs_root_option(fake: FakeIsa, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--fs-root lets the guest create a file inside the directory."""
    root = tmp_path / "root"
    root.mkdir()
    p = Prog()
    name = p.string(b"made.txt")
    blk = DATA + 0x200
    p.string(b"\0" * 0x240)
    p.poke(blk, name, 4, 8)
    p.set(0, 0x01)  # SYS_OPEN "made.txt", "w"
    p.set(1, blk)
    p.svc()
    p.exit()
    code, _, _ = run_cli(capsys, ["run", elf_of(fake, p, tmp_path), *SMALL_RAM, "--fs-root", str(root)])
    assert code == 0 and (root / "made.txt").exists()
    (root / "made.txt").unlink()
    code, _, _ = run_cli(capsys, ["run", elf_of(fake, p, tmp_path), *SMALL_RAM])  # no grant: refused
    assert code == 0 and not (root / "made.txt").exists() and not (Path.cwd() / "made.txt").exists()


def test_default_guest_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "default_guest", lambda: tmp_path / "nothing" / "hello.elf")
    code, _, err = run_cli(capsys, ["run"])
    assert code == 2 and "default guest" in err and "name an ELF file" in err


def test_default_guest_is_bundled_hello() -> None:
    assert cli.default_guest() == ROOT / "examples" / "guests" / "hello.elf"
    assert cli.default_guest().is_file()


def test_default_guest_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """`armsim run` with no ELF runs the bundled hello.elf (needs the A32 instruction classes)."""
    code, out, err = run_cli(capsys, ["run", *SMALL_RAM])
    assert out == "Hello, world!\n", err
    assert code == 0


def test_python_dash_m(tmp_path: Path) -> None:
    """`python -m armsim` is the same command; a bad ELF gives one line and status 2, no traceback."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    v = subprocess.run([sys.executable, "-m", "armsim", "--version"], capture_output=True, text=True, env=env,
                       timeout=120)
    assert v.returncode == 0 and v.stdout.strip() == f"armsim {armsim.__version__}"
    bad = tmp_path / "bad.elf"
    bad.write_text("not an elf")
    r = subprocess.run([sys.executable, "-m", "armsim", "run", str(bad)], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip() == f"armsim: error: {bad}: not an ELF file (bad magic 6e6f7420)"


# -- the host's stdout, Ctrl-C and exception loops: real processes, never a traceback ----------------

MOV_R0_4 = 0xE3A00004  # mov r0, #4 (SYS_WRITE0)
MOV_R1_DATA = 0xE3A01A09  # mov r1, #0x9000
SVC_SEMIHOST = 0xEF123456  # svc #0x123456
B_START = 0xEAFFFFFB  # b 0x8000 (from 0x800c)
B_SELF = 0xEAFFFFFE  # b .
UDF = 0xE7F000F0
CDP_P0 = 0xEE000000  # CDP p0: no coprocessor 0, UNDEFINED


def arm_elf(path: Path, code: List[int], data: bytes = b"", vectors: Optional[List[int]] = None) -> str:
    """A real A32 program at 0x8000 (symbol _start), data at 0x9000, optional words at the vectors (0x0)."""
    from tests.test_loader import PF_R, PF_W, PF_X, STB_GLOBAL, STT_FUNC, build_elf

    segs = []
    if vectors is not None:
        segs.append((0, struct.pack(f"<{len(vectors)}I", *vectors), 4 * len(vectors), PF_R | PF_X))
    segs.append((0x8000, struct.pack(f"<{len(code)}I", *code), 4 * len(code), PF_R | PF_X))
    if data:
        segs.append((0x9000, data, len(data), PF_R | PF_W))
    path.write_bytes(build_elf(segs, 0x8000, symbols=[("_start", 0x8000, 4 * len(code), STT_FUNC, STB_GLOBAL)]))
    return str(path)


def spam_elf(tmp_path: Path) -> str:
    """Prints "spam" lines forever."""
    return arm_elf(tmp_path / "spam.elf", [MOV_R0_4, MOV_R1_DATA, SVC_SEMIHOST, B_START], b"spam\n\0")


def ready_then_spin_elf(tmp_path: Path) -> str:
    """Prints "ready" once, then branches to itself."""
    return arm_elf(tmp_path / "spin.elf", [MOV_R0_4, MOV_R1_DATA, SVC_SEMIHOST, B_SELF], b"ready\n\0")


ARMSIM = [sys.executable, "-m", "armsim", "run"]


def _env() -> Dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def _no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr


def test_closed_stdout_is_a_one_line_error(tmp_path: Path) -> None:
    """`armsim run X.elf >&-`: one line naming the closed stream, status 74 (EX_IOERR)."""
    r = subprocess.run(["bash", "-c", 'exec "$@" >&-', "-", *ARMSIM, spam_elf(tmp_path)], capture_output=True,
                       text=True, env=_env(), timeout=120)
    _no_traceback(r.stderr)
    assert r.returncode == 74, r.stderr
    assert r.stderr.strip() == "armsim: error: cannot write the guest's standard output: it is closed"


def test_full_device_is_a_one_line_error(tmp_path: Path) -> None:
    """`armsim run X.elf > /dev/full`: the write error ends the run with one line, status 74."""
    with open("/dev/full", "wb") as full:
        r = subprocess.run([*ARMSIM, spam_elf(tmp_path)], stdout=full, stderr=subprocess.PIPE, text=True,
                           env=_env(), timeout=120)
    _no_traceback(r.stderr)
    assert r.returncode == 74, r.stderr
    assert r.stderr.strip() == "armsim: error: cannot write the guest's standard output: No space left on device"


def test_broken_pipe_ends_quietly_as_cat_does(tmp_path: Path) -> None:
    """`armsim run spam.elf | head -1`: the run ends by SIGPIPE (status 141 in the shell), nothing on stderr."""
    elf = spam_elf(tmp_path)
    script = 'set -o pipefail; "$@" | head -1; echo "status $?" >&2'
    r = subprocess.run(["bash", "-c", script, "-", *ARMSIM, elf], capture_output=True, text=True, env=_env(),
                       timeout=120)
    _no_traceback(r.stderr)
    assert r.stdout == "spam\n"
    assert r.stderr == "status 141\n"


def test_ctrl_c_names_where_the_run_was(tmp_path: Path) -> None:
    """SIGINT during a run: one line naming PC, symbol and instruction; status 130."""
    proc = subprocess.Popen([*ARMSIM, ready_then_spin_elf(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env(),
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    _no_traceback(err)
    assert proc.returncode == 130, err
    assert re.fullmatch(r"armsim: interrupted at 0x0000800c <_start\+0xc> \(eafffffe B\S*\) "
                        r"after [\d,]+ instructions\n", err), err


def test_spinning_exception_loop_is_stopped(tmp_path: Path) -> None:
    """A corrupted vector (a CDP at 0x04) re-entering itself: a clear message and status 125, quickly."""
    elf = arm_elf(tmp_path / "loop.elf", [UDF], vectors=[B_SELF, CDP_P0])
    t0 = time.monotonic()
    r = subprocess.run([*ARMSIM, elf], capture_output=True, text=True, env=_env(), timeout=120)
    _no_traceback(r.stderr)
    assert r.returncode == 125, r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("armsim: guest error: Undefined Instruction: ") and "re-entered itself" in last, last
    assert "at 0x00000004 (ee000000 " in last
    assert time.monotonic() - t0 < 60


def test_ram_that_misses_the_image_suggests_a_layout(capsys: pytest.CaptureFixture[str]) -> None:
    """The bundled guests are linked at 0x8000: RAM at 0x40000000 cannot hold them; the error says what would."""
    code, _, err = run_cli(capsys, ["run", str(ROOT / "examples" / "guests" / "hello.elf"),
                                    "--ram", "0x40000000:0x8000000"])
    assert code == 2 and "outside mapped memory (RAM 0x40000000-0x47ffffff)" in err
    assert "--ram 0:128M" in err


def test_broken_pipe_on_stderr_ends_quietly() -> None:
    """The summary written to a pipe nobody reads: no traceback, the run ends by SIGPIPE as cat would."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write to the pipe now fails with EPIPE
    try:
        r = subprocess.run([*ARMSIM, str(ROOT / "examples" / "guests" / "hello.elf")], stdout=subprocess.PIPE,
                           stderr=write_end, env=_env(), timeout=120)
    finally:
        os.close(write_end)
    assert r.stdout == b"Hello, world!\n"
    assert r.returncode == -signal.SIGPIPE
