"""The armsim command: exit statuses, messages without tracebacks, guest output on stdout, summary on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator, List, Tuple

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


def test_guest_error_exits_125(fake: FakeIsa, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = Prog()
    p.set(0, 0x12345678)
    p.ldr()
    code, out, err = run_cli(capsys, ["run", elf_of(fake, p, tmp_path), *SMALL_RAM])
    assert code == 125 and out == ""
    assert "armsim: guest error: Data Abort:" in err
    assert "0x12345678" in err and "0x00008004 (e5901000 TEST LDR)" in err


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
