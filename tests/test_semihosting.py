"""Semihosting operations ("Semihosting for AArch32 and AArch64", the AArch32 calls newlib rdimon uses)."""

from __future__ import annotations

import errno
import io
import struct
from pathlib import Path
from typing import Any

import pytest

from armsim.host import semihosting as shmod
from armsim.host.semihosting import (
    EACCES,
    EBADF,
    EFAULT,
    ENOSYS,
    EPOCH,
    FEATURES_FILE,
    SYS_CLOCK,
    SYS_CLOSE,
    SYS_ELAPSED,
    SYS_ERRNO,
    SYS_EXIT,
    SYS_EXIT_EXTENDED,
    SYS_FLEN,
    SYS_GET_CMDLINE,
    SYS_HEAPINFO,
    SYS_ISERROR,
    SYS_ISTTY,
    SYS_OPEN,
    SYS_READ,
    SYS_READC,
    SYS_REMOVE,
    SYS_RENAME,
    SYS_SEEK,
    SYS_SYSTEM,
    SYS_TICKFREQ,
    SYS_TIME,
    SYS_TMPNAM,
    SYS_WRITE,
    SYS_WRITE0,
    SYS_WRITEC,
    Semihosting,
)
from armsim.isa.contract import GuestExit
from tests.helpers import TestMachine as SmallMachine

BLOCK = 0x1000  # parameter blocks
STR = 0x2000  # strings / buffers
BUF = 0x3000
UNMAPPED = 0x40000000


class Host:
    """A 1 MiB test machine with semihosting attached and helpers to build parameter blocks."""

    def __init__(self, **kw: Any) -> None:
        self.m = SmallMachine()
        self.clock = 0
        kw.setdefault("stdout", False)
        kw.setdefault("stderr", False)
        self.sh = Semihosting(self.m.ctx, instructions=lambda: self.clock, **kw)
        self.m.ctx.semihost = self.sh

    def block(self, *words: int, at: int = BLOCK) -> int:
        self.m.mem.load(at, struct.pack(f"<{len(words)}I", *(w & 0xFFFFFFFF for w in words)))
        return at

    def string(self, s: bytes, at: int = STR) -> int:
        self.m.mem.load(at, s + b"\0")
        return at

    def call(self, op: int, arg: int) -> int:
        return self.sh.call(op, arg)

    def open(self, name: bytes, mode: int) -> int:
        p = self.string(name, at=STR + 0x800)
        return self.call(SYS_OPEN, self.block(p, mode, len(name), at=BLOCK + 0x100))

    def write(self, handle: int, data: bytes) -> int:
        self.m.mem.load(BUF, data)
        return self.call(SYS_WRITE, self.block(handle, BUF, len(data), at=BLOCK + 0x200))

    def read(self, handle: int, n: int) -> bytes:
        left = self.call(SYS_READ, self.block(handle, BUF, n, at=BLOCK + 0x200))
        assert 0 <= left <= n, left
        return self.m.mem.read_bytes(BUF, n - left)

    def word(self, addr: int) -> int:
        return self.m.mem.read32(addr)

    @property
    def errno(self) -> int:
        return self.call(SYS_ERRNO, 0)


# -- console output ------------------------------------------------------------------


def test_write0_writec_and_capture() -> None:
    """SYS_WRITE0 writes a NUL-terminated string, SYS_WRITEC one character, to stdout."""
    h = Host()
    h.call(SYS_WRITE0, h.string(b"Hello, world!\n"))
    h.m.mem.load(BUF, b"X")
    h.call(SYS_WRITEC, BUF)
    assert h.sh.output == b"Hello, world!\nX"


def test_tt_modes_select_stdin_stdout_stderr() -> None:
    """":tt" mode 0-3 is stdin, 4-7 stdout, 8-11 stderr (SH_EXT_STDOUT_STDERR)."""
    h = Host()
    hin, hout, herr = h.open(b":tt", 0), h.open(b":tt", 4), h.open(b":tt", 8)
    assert len({hin, hout, herr}) == 3 and min(hin, hout, herr) > 0
    assert h.write(hout, b"out\n") == 0
    assert h.write(herr, b"err\n") == 0
    assert h.sh.output == b"out\n" and h.sh.error_output == b"err\n"
    assert h.write(hin, b"x") == -1 and h.errno == EBADF  # stdin is read-only
    for handle in (hin, hout, herr):
        assert h.call(SYS_ISTTY, h.block(handle)) == 0  # capture-only sinks are no terminal
        assert h.call(SYS_FLEN, h.block(handle)) == 0
    assert h.call(SYS_SEEK, h.block(hout, 0)) == -1
    assert h.call(SYS_CLOSE, h.block(hout)) == 0
    assert h.call(SYS_CLOSE, h.block(hout)) == -1 and h.errno == EBADF


class _Tty(io.BytesIO):
    def isatty(self) -> bool:
        return True


def test_istty_on_the_console_is_the_host_streams_answer(tmp_path: Path) -> None:
    """SYS_ISTTY on ":tt" is 1 only when the host stream is a terminal, as in QEMU 7.2.

    Measured with QEMU (-semihosting-config ...,chardev=stdio): a guest printing SYS_ISTTY of its
    ":tt" stdout handle prints 1 on a terminal and 0 with stdout redirected to a file.
    """
    h = Host(stdout=_Tty(), stderr=io.BytesIO(), stdin=_Tty())
    hin, hout, herr = h.open(b":tt", 0), h.open(b":tt", 4), h.open(b":tt", 8)
    assert [h.call(SYS_ISTTY, h.block(x)) for x in (hin, hout, herr)] == [1, 1, 0]
    with open(tmp_path / "out.txt", "wb") as f:
        h = Host(stdout=f)
        assert h.call(SYS_ISTTY, h.block(h.open(b":tt", 4))) == 0
    h = Host(fs_root=str(tmp_path))
    assert h.call(SYS_ISTTY, h.block(h.open(b"out.txt", 0))) == 0
    assert h.call(SYS_ISTTY, h.block(99)) == -1 and h.errno == EBADF


def test_sinks_binary_text_and_default(capsys: pytest.CaptureFixture[str]) -> None:
    """Output is echoed to a binary sink, a text sink (UTF-8 decoded across writes), or sys.stdout."""
    bio = io.BytesIO()
    h = Host(stdout=bio)
    h.call(SYS_WRITE0, h.string(b"bin\n"))
    assert bio.getvalue() == b"bin\n"

    sio = io.StringIO()
    h = Host(stdout=sio)
    euro = "\u20ac".encode()
    h.call(SYS_WRITE0, h.string(euro[:1]))  # a character split across two writes
    h.call(SYS_WRITE0, h.string(euro[1:] + b"!"))
    assert sio.getvalue() == "\u20ac!"

    h = Host(stdout=None, stderr=None)
    out = h.open(b":tt", 4)
    err = h.open(b":tt", 8)
    h.write(out, b"to stdout\n")
    h.write(err, b"to stderr\n")
    captured = capsys.readouterr()
    assert captured.out == "to stdout\n" and captured.err == "to stderr\n"


# -- console input -----------------------------------------------------------------------


def test_console_read_line_at_a_time_and_eof() -> None:
    """SYS_READ returns the number of bytes NOT read; reads stop at a newline; EOF reads nothing."""
    h = Host(stdin=io.BytesIO(b"first line\nsecond\n"))
    hin = h.open(b":tt", 0)
    assert h.read(hin, 64) == b"first line\n"
    assert h.call(SYS_READC, 0) == ord("s")
    assert h.read(hin, 3) == b"eco"
    assert h.read(hin, 64) == b"nd\n"
    assert h.read(hin, 64) == b""
    assert h.call(SYS_READC, 0) == -1


def test_no_stdin_reads_eof() -> None:
    h = Host()
    hin = h.open(b":tt", 1)
    assert h.read(hin, 16) == b""


# -- the features file ----------------------------------------------------------------


def test_semihosting_features_file() -> None:
    """":semihosting-features" is SHFB + a byte with EXIT_EXTENDED and STDOUT_STDERR (as newlib probes it)."""
    h = Host()
    f = h.open(b":semihosting-features", 0)
    assert f > 0
    assert h.call(SYS_FLEN, h.block(f)) == 5
    assert h.call(SYS_ISTTY, h.block(f)) == 0
    assert h.read(f, 4) == b"SHFB"
    assert h.call(SYS_SEEK, h.block(f, 4)) == 0
    assert h.read(f, 1) == bytes([0b11])
    assert h.read(f, 1) == b""
    assert h.call(SYS_CLOSE, h.block(f)) == 0
    assert FEATURES_FILE == b"SHFB\x03"
    assert h.open(b":semihosting-features", 4) == -1  # not writable


# -- host files --------------------------------------------------------------------------


def test_host_files_refused_without_fs_root(tmp_path: Path) -> None:
    h = Host()
    target = tmp_path / "x.txt"
    assert h.open(str(target).encode(), 4) == -1
    assert h.errno == EACCES
    assert not target.exists()
    assert h.open(b"relative.txt", 0) == -1 and h.errno == EACCES
    assert h.call(SYS_REMOVE, h.block(h.string(b"x"), 1)) == -1


def test_host_file_round_trip(tmp_path: Path) -> None:
    """Open/write/seek/flen/read/close inside the granted directory."""
    h = Host(fs_root=str(tmp_path))
    f = h.open(b"data.bin", 6)  # "w+"
    assert f > 0
    assert h.write(f, b"0123456789") == 0
    assert h.call(SYS_FLEN, h.block(f)) == 10
    assert h.call(SYS_SEEK, h.block(f, 3)) == 0
    assert h.read(f, 4) == b"3456"
    assert h.call(SYS_ISTTY, h.block(f)) == 0
    assert h.call(SYS_CLOSE, h.block(f)) == 0
    assert (tmp_path / "data.bin").read_bytes() == b"0123456789"

    f = h.open(b"data.bin", 8)  # append
    h.write(f, b"AB")
    h.call(SYS_CLOSE, h.block(f))
    assert (tmp_path / "data.bin").read_bytes() == b"0123456789AB"

    f = h.open(b"data.bin", 1)  # read-only
    assert h.write(f, b"no") == -1 and h.errno == EBADF
    assert h.read(f, 100) == b"0123456789AB"
    h.call(SYS_CLOSE, h.block(f))

    assert h.open(b"missing.bin", 0) == -1 and h.errno == 2  # ENOENT
    sub = tmp_path / "sub"
    sub.mkdir()
    f = h.open(str(tmp_path / "sub" / "abs.txt").encode(), 4)  # absolute, inside the root
    assert f > 0
    h.call(SYS_CLOSE, h.block(f))
    assert (sub / "abs.txt").exists()


def test_remove_and_rename_inside_root(tmp_path: Path) -> None:
    h = Host(fs_root=str(tmp_path))
    (tmp_path / "a.txt").write_text("a")
    assert h.call(SYS_RENAME, h.block(h.string(b"a.txt"), 5, h.string(b"b.txt", at=STR + 0x100), 5)) == 0
    assert (tmp_path / "b.txt").exists() and not (tmp_path / "a.txt").exists()
    assert h.call(SYS_REMOVE, h.block(h.string(b"b.txt"), 5)) == 0
    assert not (tmp_path / "b.txt").exists()
    assert h.call(SYS_REMOVE, h.block(h.string(b"b.txt"), 5)) == -1 and h.errno == 2


def test_paths_cannot_escape_the_root(tmp_path: Path) -> None:
    """'..', absolute paths outside, and symlinks pointing out are all refused (EACCES)."""
    root = tmp_path / "root"
    root.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    (root / "link").symlink_to(outside)
    (root / "dirlink").symlink_to(tmp_path)
    (root / "inside.txt").write_text("ok")
    (root / "goodlink").symlink_to(root / "inside.txt")
    h = Host(fs_root=str(root))
    for name in (b"../secret.txt", b"sub/../../secret.txt", str(outside).encode(), b"link", b"dirlink/secret.txt",
                 b"/etc/passwd", b"..", b"a/..\\..\\secret.txt"):
        assert h.open(name, 0) == -1, name
        assert h.errno == EACCES, name
    # Renaming something out of the root, or removing outside it, is refused too.
    assert h.call(SYS_RENAME, h.block(h.string(b"inside.txt"), 10, h.string(b"../x", at=STR + 0x100), 4)) == -1
    assert h.call(SYS_REMOVE, h.block(h.string(b"link"), 4)) == -1
    assert outside.exists() and (root / "inside.txt").exists()
    f = h.open(b"goodlink", 0)
    assert f > 0 and h.read(f, 10) == b"ok"


def test_dot_dot_that_stays_inside_the_root_is_allowed(tmp_path: Path) -> None:
    """`sub/../in.txt` names the root's in.txt; `..` past the root is still refused."""
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "in.txt").write_text("in")
    (root / "sub" / "deep.txt").write_text("deep")
    (tmp_path / "secret.txt").write_text("secret")
    h = Host(fs_root=str(root))
    for name, data in ((b"sub/../in.txt", b"in"), (b"./sub/./../sub/deep.txt", b"deep"),
                       (str(root / "sub" / ".." / "in.txt").encode(), b"in")):
        f = h.open(name, 0)
        assert f > 0, name
        assert h.read(f, 10) == data
    for name in (b"sub/../../secret.txt", b"sub/../../root/../secret.txt", b"sub\\..\\..\\secret.txt"):
        assert h.open(name, 0) == -1 and h.errno == EACCES, name


def test_resolve_symlinked_root(tmp_path: Path) -> None:
    """The root itself may be reached through a symlink."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "f").write_text("x")
    (tmp_path / "alias").symlink_to(real)
    h = Host(fs_root=str(tmp_path / "alias"))
    assert h.open(b"f", 0) > 0


def test_too_many_open_files(tmp_path: Path) -> None:
    h = Host(fs_root=str(tmp_path))
    handles = [h.open(b":tt", 4) for _ in range(shmod.MAX_OPEN_FILES)]
    assert all(x > 0 for x in handles)
    assert h.open(b":tt", 4) == -1


# -- refused and miscellaneous operations ----------------------------------------------------


def test_tmpnam_system_and_unknown_are_refused() -> None:
    h = Host()
    assert h.call(SYS_TMPNAM, h.block(BUF, 1, 64)) == -1
    assert h.call(SYS_SYSTEM, h.block(h.string(b"rm -rf /"), 8)) == -1
    assert h.call(0x7F, 0) == -1 and h.errno == ENOSYS


def test_iserror() -> None:
    h = Host()
    assert h.call(SYS_ISERROR, h.block(0)) == 0
    assert h.call(SYS_ISERROR, h.block(5)) == 0
    assert h.call(SYS_ISERROR, h.block(-1)) == 1


def test_time_is_derived_from_the_instruction_count() -> None:
    """SYS_CLOCK (cs), SYS_TIME (s) and SYS_ELAPSED (ticks at SYS_TICKFREQ) follow the instruction count."""
    h = Host()
    assert h.call(SYS_CLOCK, 0) == 0
    assert h.call(SYS_TIME, 0) == EPOCH
    h.clock = 12_345_678
    assert h.call(SYS_CLOCK, 0) == 1234
    assert h.call(SYS_TIME, 0) == EPOCH + 12
    assert h.call(SYS_TICKFREQ, 0) == 1_000_000
    h.clock = (5 << 32) + 7
    assert h.call(SYS_ELAPSED, BUF) == 0
    assert (h.word(BUF), h.word(BUF + 4)) == (7, 5)


def test_heapinfo_writes_through_the_pointer() -> None:
    """SYS_HEAPINFO: R1 is the address of a pointer to the four-word block."""
    h = Host(heap_info=lambda: (0x10000, 0xF0000, 0x100000, 0xF0000))
    ptr = h.block(BUF)
    assert h.call(SYS_HEAPINFO, ptr) == 0
    assert [h.word(BUF + 4 * i) for i in range(4)] == [0x10000, 0xF0000, 0x100000, 0xF0000]


def test_get_cmdline() -> None:
    h = Host(cmdline="prog -v 'a b'")
    blk = h.block(BUF, 256)
    assert h.call(SYS_GET_CMDLINE, blk) == 0
    assert h.m.mem.read_cstring(BUF) == b"prog -v 'a b'"
    assert h.word(blk + 4) == 13
    assert h.call(SYS_GET_CMDLINE, h.block(BUF, 13)) == -1  # no room for the NUL


# -- exit --------------------------------------------------------------------------------


def _exit(h: Host, op: int, arg: int) -> GuestExit:
    with pytest.raises(GuestExit) as ei:
        h.call(op, arg)
    return ei.value


def test_sys_exit_reason_codes() -> None:
    """AArch32 SYS_EXIT: R1 is the reason; ApplicationExit = status 0, anything else = 1 with the reason named."""
    h = Host()
    e = _exit(h, SYS_EXIT, 0x20026)
    assert e.code == 0
    e = _exit(h, SYS_EXIT, 0x20023)
    assert e.code == 1 and "ADP_Stopped_RunTimeErrorUnknown" in e.reason
    e = _exit(h, SYS_EXIT, 0x1234)
    assert e.code == 1 and "0x1234" in e.reason


def test_sys_exit_extended() -> None:
    """SYS_EXIT_EXTENDED: [reason, subcode]; ApplicationExit exits with the subcode."""
    h = Host()
    assert _exit(h, SYS_EXIT_EXTENDED, h.block(0x20026, 7)).code == 7
    assert _exit(h, SYS_EXIT_EXTENDED, h.block(0x20026, -1)).code == -1
    e = _exit(h, SYS_EXIT_EXTENDED, h.block(0x20023, 6))
    assert e.code == 1 and "RunTimeError" in e.reason
    assert h.call(SYS_EXIT_EXTENDED, UNMAPPED) == -1  # bad block: an error result, not an exit


# -- bad guest pointers never crash ----------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "arg"),
    [
        (SYS_WRITE0, UNMAPPED),
        (SYS_WRITEC, UNMAPPED),
        (SYS_OPEN, UNMAPPED),
        (SYS_CLOSE, UNMAPPED),
        (SYS_WRITE, UNMAPPED),
        (SYS_READ, UNMAPPED),
        (SYS_FLEN, UNMAPPED),
        (SYS_HEAPINFO, UNMAPPED),
        (SYS_ELAPSED, UNMAPPED),
        (SYS_GET_CMDLINE, UNMAPPED),
        (SYS_ISERROR, UNMAPPED),
        (SYS_REMOVE, UNMAPPED),
        (SYS_RENAME, UNMAPPED),
    ],
)
def test_bad_pointer_returns_minus_one(op: int, arg: int) -> None:
    h = Host()
    assert h.call(op, arg) == -1
    assert h.errno == EFAULT


def test_bad_buffers_inside_good_blocks() -> None:
    h = Host()
    out = h.open(b":tt", 4)
    assert h.call(SYS_WRITE, h.block(out, UNMAPPED, 16)) == -1 and h.errno == EFAULT
    assert h.call(SYS_WRITE, h.block(out, 0xFFFF8, 0x100)) == -1  # runs off the end of RAM
    assert h.sh.output == b""
    hin = h.open(b":tt", 0)
    assert h.call(SYS_READ, h.block(hin, UNMAPPED, 16)) == -1
    assert h.call(SYS_OPEN, h.block(UNMAPPED, 0, 3)) == -1
    assert h.call(SYS_GET_CMDLINE, h.block(UNMAPPED, 256)) == -1
    assert h.call(SYS_HEAPINFO, h.block(UNMAPPED)) == -1
    h.m.mem.load(0xFFFFC, b"abcd")
    assert h.call(SYS_WRITE0, 0xFFFFC) == -1  # string runs off the end of RAM without a NUL
    assert h.sh.output == b""
    assert h.call(SYS_OPEN, h.block(STR, 0, 1 << 20)) == -1  # absurd name length


def test_entry_through_registers() -> None:
    """ctx.semihost(): operation in r0, argument in r1, result (32-bit) to r0."""
    h = Host()
    regs = h.m.cpu.regs
    regs[0], regs[1] = SYS_WRITE0, h.string(b"via regs")
    h.m.ctx.semihost()  # type: ignore[misc]
    assert regs[0] == 0 and h.sh.output == b"via regs"
    regs[0], regs[1] = 0x7F, 0
    h.m.ctx.semihost()  # type: ignore[misc]
    assert regs[0] == 0xFFFFFFFF
    assert h.sh.calls["SYS_WRITE0"] == 1


def test_big_endian_parameter_blocks() -> None:
    """Parameter blocks are read in the guest's data endianness (CPSR.E, A3.3)."""
    h = Host()
    h.m.cpu.E = 1
    h.m.ctx.refresh()
    h.string(b":tt")
    h.m.mem.load(BLOCK, struct.pack(">3I", STR, 4, 3))
    out = h.call(SYS_OPEN, BLOCK)
    assert out > 0
    h.m.mem.load(BUF, b"big")
    h.m.mem.load(BLOCK, struct.pack(">3I", out, BUF, 3))
    assert h.call(SYS_WRITE, BLOCK) == 0
    assert h.sh.output == b"big"


def test_os_error_mapping() -> None:
    """Host errors become newlib errno numbers; unknown ones EIO."""
    assert shmod._newlib_errno(OSError(errno.ENOENT, "x")) == 2
    assert shmod._newlib_errno(OSError(errno.EACCES, "x")) == EACCES
    assert shmod._newlib_errno(OSError(errno.ENAMETOOLONG, "x")) == 91
    assert shmod._newlib_errno(OSError(99999, "x")) == shmod.EIO
