"""ARM semihosting: the host services a bare-metal guest asks for with a trap.

Implements the AArch32 operations of "Semihosting for AArch32 and AArch64"
(ARM DUI 0003 / the Arm semihosting specification, version 2) that newlib's
``rdimon`` library uses.  The trap instructions (``SVC 0x123456`` /
``SVC 0xAB``, ``BKPT 0xAB``, ``HLT 0xF000``) call :meth:`Semihosting.__call__`
through ``ctx.semihost``: the operation number is in R0, the argument (a
value or the address of a parameter block of 32-bit words) in R1, and the
result goes to R0.

Choices (documented behaviour):

* **Console.** ``":tt"`` opened with mode 0-3 is standard input, 4-7 standard
  output, 8-11 standard error.  Output goes to the configured sinks (default:
  the process's stdout/stderr, looked up at write time) as it is produced, and
  is also captured (:attr:`Semihosting.output`, :attr:`Semihosting.error_output`).
  A sink that cannot take the bytes ends the run (:class:`~armsim.signals.OutputError`:
  quietly for a broken pipe, as an error for a closed stream or a full device);
  the guest never runs on with its output silently dropped.
  A sink may be a binary stream, a text stream (UTF-8 decoded, invalid bytes
  replaced) or ``False`` (capture only).  Input comes from ``stdin`` (a binary
  stream, read a line at a time); without one the console reads as end-of-file.
* **SYS_ISTTY** on the console is 1 only when the host stream is a terminal,
  as QEMU answers (newlib's buffering, and so the instruction count, follow it).
* **Features.** ``":semihosting-features"`` reads as ``b"SHFB\\x03"``:
  SH_EXT_EXIT_EXTENDED and SH_EXT_STDOUT_STDERR are supported.
* **Host files** are refused (-1, errno EACCES) unless a directory
  ``fs_root`` was granted.  Then relative guest paths are resolved inside it,
  and absolute paths are accepted only when they lie inside it: the resolved
  real path (``..`` and symbolic links followed) must stay inside the root,
  so ``sub/../in.txt`` is allowed and every escape is refused.  (The check is made when the path is
  resolved; the root is meant for the user's own files, not for a directory
  another party rewrites concurrently.)  SYS_TMPNAM and SYS_SYSTEM are refused.
* **Deterministic time.**  The clock is the instruction count, never the host
  clock: one instruction is one microsecond.  SYS_CLOCK returns
  ``instructions // 10_000`` centiseconds, SYS_ELAPSED returns the instruction
  count with SYS_TICKFREQ = 1_000_000 ticks per second, and SYS_TIME returns
  :data:`EPOCH` (2000-01-01T00:00:00Z) + ``instructions // 1_000_000``.
* **Errors.** A bad guest pointer in any operation returns -1 with errno
  EFAULT, never an exception.  errno values are newlib's numbering.
* **Exit.** SYS_EXIT (AArch32: R1 holds the reason code itself):
  ADP_Stopped_ApplicationExit is status 0, any other reason status 1 with the
  reason named.  SYS_EXIT_EXTENDED (R1 -> [reason, subcode]):
  ADP_Stopped_ApplicationExit exits with the subcode (as a signed 32-bit
  status), other reasons with status 1.  Both raise
  :class:`~armsim.isa.contract.GuestExit`.
"""

from __future__ import annotations

import codecs
import errno as host_errno
import io
import os
import sys
from typing import IO, TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple, Union

from armsim.memory import MemoryFault
from armsim.signals import GuestExit, OutputError

if TYPE_CHECKING:
    from armsim.isa.contract import ExecContext

MASK32 = 0xFFFFFFFF

# Operation numbers.
SYS_OPEN = 0x01
SYS_CLOSE = 0x02
SYS_WRITEC = 0x03
SYS_WRITE0 = 0x04
SYS_WRITE = 0x05
SYS_READ = 0x06
SYS_READC = 0x07
SYS_ISERROR = 0x08
SYS_ISTTY = 0x09
SYS_SEEK = 0x0A
SYS_FLEN = 0x0C
SYS_TMPNAM = 0x0D
SYS_REMOVE = 0x0E
SYS_RENAME = 0x0F
SYS_CLOCK = 0x10
SYS_TIME = 0x11
SYS_SYSTEM = 0x12
SYS_ERRNO = 0x13
SYS_GET_CMDLINE = 0x15
SYS_HEAPINFO = 0x16
SYS_EXIT = 0x18
SYS_EXIT_EXTENDED = 0x20
SYS_ELAPSED = 0x30
SYS_TICKFREQ = 0x31

OP_NAMES: Dict[int, str] = {v: k for k, v in globals().items() if k.startswith("SYS_") and isinstance(v, int)}

# Reason codes of SYS_EXIT (ADP_Stopped_*).
ADP_STOPPED: Dict[int, str] = {
    0x20000: "ADP_Stopped_BranchThroughZero",
    0x20001: "ADP_Stopped_UndefinedInstr",
    0x20002: "ADP_Stopped_SoftwareInterrupt",
    0x20003: "ADP_Stopped_PrefetchAbort",
    0x20004: "ADP_Stopped_DataAbort",
    0x20005: "ADP_Stopped_AddressException",
    0x20006: "ADP_Stopped_IRQ",
    0x20007: "ADP_Stopped_FIQ",
    0x20020: "ADP_Stopped_BreakPoint",
    0x20021: "ADP_Stopped_WatchPoint",
    0x20022: "ADP_Stopped_StepComplete",
    0x20023: "ADP_Stopped_RunTimeErrorUnknown",
    0x20024: "ADP_Stopped_InternalError",
    0x20025: "ADP_Stopped_UserInterruption",
    0x20026: "ADP_Stopped_ApplicationExit",
    0x20027: "ADP_Stopped_StackOverflow",
    0x20028: "ADP_Stopped_DivisionByZero",
    0x20029: "ADP_Stopped_OSSpecific",
}
ADP_Stopped_ApplicationExit = 0x20026

# The semihosting-features pseudo-file: magic, then feature byte 0.
SH_EXT_EXIT_EXTENDED = 1 << 0
SH_EXT_STDOUT_STDERR = 1 << 1
FEATURES_FILE = b"SHFB" + bytes([SH_EXT_EXIT_EXTENDED | SH_EXT_STDOUT_STDERR])

# Deterministic time base (see the module docstring).
TICKS_PER_SECOND = 1_000_000
INSNS_PER_CENTISECOND = TICKS_PER_SECOND // 100
EPOCH = 946_684_800  # 2000-01-01T00:00:00Z

# errno values as newlib numbers them (sys/errno.h), so results do not depend on the host.
ENOENT = 2
EIO = 5
EBADF = 9
ENOMEM = 12
EACCES = 13
EFAULT = 14
EEXIST = 17
EXDEV = 18
ENOTDIR = 20
EISDIR = 21
EINVAL = 22
EMFILE = 24
EFBIG = 27
ENOSPC = 28
ESPIPE = 29
EROFS = 30
ENOSYS = 88
ENOTEMPTY = 90
ENAMETOOLONG = 91
ELOOP = 92
_NEWLIB_ERRNO = {
    "EPERM": 1, "ENOENT": ENOENT, "EIO": EIO, "EBADF": EBADF, "ENOMEM": ENOMEM, "EACCES": EACCES,
    "EFAULT": EFAULT, "EBUSY": 16, "EEXIST": EEXIST, "EXDEV": EXDEV, "ENOTDIR": ENOTDIR, "EISDIR": EISDIR,
    "EINVAL": EINVAL, "ENFILE": 23, "EMFILE": EMFILE, "EFBIG": EFBIG, "ENOSPC": ENOSPC, "ESPIPE": ESPIPE,
    "EROFS": EROFS, "ENOSYS": ENOSYS, "ENOTEMPTY": ENOTEMPTY, "ENAMETOOLONG": ENAMETOOLONG, "ELOOP": ELOOP,
}

# Host-file open modes 0-11 (the spec's table of ISO C fopen() modes).
_FILE_MODES = ("rb", "rb", "r+b", "r+b", "wb", "wb", "w+b", "w+b", "ab", "ab", "a+b", "a+b")
MAX_OPEN_FILES = 64
MAX_PATH = 4096
MAX_STRING = 1 << 20

Sink = Union[IO[Any], bool, None]


class _Refused(Exception):
    """An operation fails with -1 and this errno."""

    def __init__(self, err: int) -> None:
        super().__init__(err)
        self.errno = err


def _newlib_errno(e: OSError) -> int:
    name = host_errno.errorcode.get(e.errno or 0, "")
    return _NEWLIB_ERRNO.get(name, EIO)


def _signed32(v: int) -> int:
    v &= MASK32
    return v - (1 << 32) if v & 0x80000000 else v


class ConsoleStream:
    """One console direction: captured bytes, echoed to a sink as they come.

    A sink that cannot take the bytes ends the run (:class:`OutputError`): a
    broken pipe quietly, anything else (a closed stream, a full device) as an
    error.  The bytes stay captured either way.
    """

    def __init__(self, sink: Sink, default: Callable[[], Optional[IO[Any]]], name: str = "standard output") -> None:
        self.sink = sink
        self.default = default
        self.name = name
        self.captured = bytearray()
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def reset(self) -> None:
        self.captured = bytearray()
        self._decoder.reset()

    def host_stream(self) -> Optional[IO[Any]]:
        """The stream the bytes go to (None for capture only, or a process without it)."""
        sink = self.sink
        if sink is False:
            return None
        if sink is None or sink is True:
            return self.default()
        return sink

    def write(self, data: bytes) -> None:
        self.captured += data
        sink = self.sink
        if sink is False:
            return
        if sink is None or sink is True:
            sink = self.default()
            if sink is None:  # the process has no such stream (e.g. started with 1>&-)
                raise OutputError(f"cannot write the guest's {self.name}: it is closed")
        try:
            buf = getattr(sink, "buffer", None)
            if buf is not None:  # a text wrapper: write under it, in order
                sink.flush()
                buf.write(data)
                buf.flush()
            elif isinstance(sink, io.TextIOBase) or hasattr(sink, "encoding"):
                sink.write(self._decoder.decode(data))
                sink.flush()
            else:
                sink.write(data)
                sink.flush()
        except BrokenPipeError:
            raise OutputError(f"the reader of the guest's {self.name} went away (broken pipe)",
                              broken_pipe=True) from None
        except OSError as e:
            raise OutputError(f"cannot write the guest's {self.name}: {e.strerror or e}") from None
        except ValueError:  # a closed file object
            raise OutputError(f"cannot write the guest's {self.name}: it is closed") from None


class _Handle:
    __slots__ = ("console", "kind", "name", "readable", "stream", "writable")

    def __init__(self, kind: str, name: str, readable: bool, writable: bool,
                 stream: Optional[IO[bytes]] = None, console: str = "") -> None:
        self.kind = kind  # "console", "features" or "file"
        self.name = name
        self.readable = readable
        self.writable = writable
        self.stream = stream
        self.console = console  # "stdin", "stdout" or "stderr"


class Semihosting:
    """Semihosting services for one machine.

    ``ctx`` gives the registers and guest memory; ``instructions`` returns the
    number of instructions executed so far (the clock); ``heap_info`` returns
    (heap base, heap limit, stack base, stack limit) for SYS_HEAPINFO.
    """

    def __init__(
        self,
        ctx: ExecContext,
        *,
        instructions: Callable[[], int] = lambda: 0,
        heap_info: Optional[Callable[[], Tuple[int, int, int, int]]] = None,
        cmdline: str = "",
        fs_root: Optional[str] = None,
        stdout: Sink = None,
        stderr: Sink = None,
        stdin: Optional[IO[bytes]] = None,
    ) -> None:
        self.ctx = ctx
        self.mem = ctx.mem
        self.instructions = instructions
        self.heap_info = heap_info or (lambda: (0, 0, 0, 0))
        self.cmdline = cmdline
        self.fs_root = os.path.realpath(fs_root) if fs_root is not None else None
        self.stdout = ConsoleStream(stdout, lambda: sys.stdout)
        self.stderr = ConsoleStream(stderr, lambda: sys.stderr, "standard error")
        self.stdin = stdin
        self.errno = 0
        self.handles: Dict[int, _Handle] = {}
        self.calls: Dict[str, int] = {}
        self._ops: Dict[int, Callable[[int], int]] = {
            SYS_OPEN: self.sys_open, SYS_CLOSE: self.sys_close, SYS_WRITEC: self.sys_writec,
            SYS_WRITE0: self.sys_write0, SYS_WRITE: self.sys_write, SYS_READ: self.sys_read,
            SYS_READC: self.sys_readc, SYS_ISERROR: self.sys_iserror, SYS_ISTTY: self.sys_istty,
            SYS_SEEK: self.sys_seek, SYS_FLEN: self.sys_flen, SYS_TMPNAM: self.sys_refused,
            SYS_REMOVE: self.sys_remove, SYS_RENAME: self.sys_rename, SYS_CLOCK: self.sys_clock,
            SYS_TIME: self.sys_time, SYS_SYSTEM: self.sys_refused, SYS_ERRNO: self.sys_errno,
            SYS_GET_CMDLINE: self.sys_get_cmdline, SYS_HEAPINFO: self.sys_heapinfo, SYS_EXIT: self.sys_exit,
            SYS_EXIT_EXTENDED: self.sys_exit_extended, SYS_ELAPSED: self.sys_elapsed,
            SYS_TICKFREQ: self.sys_tickfreq,
        }

    # -- entry ---------------------------------------------------------------------
    @property
    def output(self) -> bytes:
        """Everything the guest wrote to standard output."""
        return bytes(self.stdout.captured)

    @property
    def error_output(self) -> bytes:
        """Everything the guest wrote to standard error."""
        return bytes(self.stderr.captured)

    def __call__(self) -> None:
        """The ``ctx.semihost`` hook: operation in R0, argument in R1, result to R0."""
        regs = self.ctx.regs
        regs[0] = self.call(regs[0], regs[1]) & MASK32

    def call(self, op: int, arg: int) -> int:
        """Perform operation ``op`` with argument ``arg``; returns the R0 result."""
        fn = self._ops.get(op)
        name = OP_NAMES.get(op, f"{op:#x}")
        self.calls[name] = self.calls.get(name, 0) + 1
        if fn is None:
            self.errno = ENOSYS
            return -1
        try:
            return fn(arg & MASK32)
        except _Refused as e:
            self.errno = e.errno
            return -1
        except MemoryFault:
            self.errno = EFAULT
            return -1

    # -- guest memory ------------------------------------------------------------------
    def _word(self, addr: int) -> int:
        return self.ctx.host_read32(addr & MASK32)

    def _block(self, addr: int, n: int) -> List[int]:
        read32 = self.ctx.host_read32
        return [read32((addr + 4 * i) & MASK32) for i in range(n)]

    def _check_range(self, addr: int, n: int, write: bool) -> None:
        if addr + n > 1 << 32:
            raise _Refused(EFAULT)
        end = addr + n
        a = addr
        while a < end:
            r = self.mem.find(a)
            if r is None or r.data is None or (write and r.kind != "ram"):
                raise _Refused(EFAULT)
            a = r.end

    def _read(self, addr: int, n: int) -> bytes:
        if n == 0:
            return b""
        self._check_range(addr, n, False)
        return self.mem.read_bytes(addr, n)

    def _write(self, addr: int, data: bytes) -> None:
        if data:
            self._check_range(addr, len(data), True)
            self.mem.load(addr, data)

    def _path(self, ptr: int, length: int) -> bytes:
        if length > MAX_PATH:
            raise _Refused(ENAMETOOLONG)
        return self._read(ptr, length)

    # -- handles -------------------------------------------------------------------------
    def _new_handle(self, h: _Handle) -> int:
        if len(self.handles) >= MAX_OPEN_FILES:
            raise _Refused(EMFILE)
        n = 1
        while n in self.handles:
            n += 1
        self.handles[n] = h
        return n

    def _handle(self, n: int) -> _Handle:
        h = self.handles.get(n)
        if h is None:
            raise _Refused(EBADF)
        return h

    def _console_out(self, h: _Handle) -> ConsoleStream:
        return self.stderr if h.console == "stderr" else self.stdout

    def resolve(self, raw: bytes) -> str:
        """The host path for a guest file name, or _Refused (EACCES) if not allowed.

        The name is resolved as the host would (``..`` components and symbolic links
        followed, :func:`os.path.realpath`); the result must lie inside the root.  So
        ``sub/../in.txt`` is the root's ``in.txt``, while ``..`` past the root, an
        absolute path elsewhere or a symlink pointing out are refused.  A name with
        backslashes must stay inside the root read either way (a backslash as a
        character, or as the separator of a guest that writes DOS-style paths).
        """
        if self.fs_root is None:
            raise _Refused(EACCES)
        if not raw or b"\0" in raw:
            raise _Refused(ENOENT if not raw else EINVAL)
        name = os.fsdecode(raw)
        real = self._inside(name)
        if "\\" in name:
            self._inside(name.replace("\\", "/"))
        return real

    def _inside(self, name: str) -> str:
        root = self.fs_root
        assert root is not None
        candidate = name if os.path.isabs(name) else os.path.join(root, name)
        real = os.path.realpath(candidate)
        try:
            inside = os.path.commonpath([real, root]) == root
        except ValueError:  # e.g. different drives
            inside = False
        if not inside:
            raise _Refused(EACCES)
        return real

    def reset(self) -> None:
        """A fresh start (a new run of a guest): files closed, captured output and errno cleared."""
        self.close_all()
        self.stdout.reset()
        self.stderr.reset()
        self.errno = 0
        self.calls.clear()

    def close_all(self) -> None:
        """Close every host file the guest left open."""
        for h in self.handles.values():
            if h.kind == "file" and h.stream is not None:
                h.stream.close()
        self.handles.clear()

    def flush_files(self) -> None:
        for h in self.handles.values():
            if h.kind == "file" and h.stream is not None and not h.stream.closed:
                h.stream.flush()

    # -- operations ----------------------------------------------------------------------
    def sys_open(self, arg: int) -> int:
        """SYS_OPEN (0x01): [name, mode, name length] -> handle or -1."""
        ptr, mode, length = self._block(arg, 3)
        name = self._path(ptr, length)
        if mode > 11:
            raise _Refused(EINVAL)
        if name == b":tt":
            if mode < 4:
                return self._new_handle(_Handle("console", ":tt", True, False, console="stdin"))
            which = "stdout" if mode < 8 else "stderr"
            return self._new_handle(_Handle("console", ":tt", False, True, console=which))
        if name == b":semihosting-features":
            if mode > 1:
                raise _Refused(EACCES)
            return self._new_handle(_Handle("features", name.decode(), True, False, io.BytesIO(FEATURES_FILE)))
        path = self.resolve(name)
        if len(self.handles) >= MAX_OPEN_FILES:
            raise _Refused(EMFILE)
        fmode = _FILE_MODES[mode]
        try:
            f = open(path, fmode)  # noqa: SIM115 - lives until SYS_CLOSE
        except OSError as e:
            raise _Refused(_newlib_errno(e)) from None
        return self._new_handle(_Handle("file", path, "r" in fmode or "+" in fmode, fmode[0] != "r" or "+" in fmode, f))

    def sys_close(self, arg: int) -> int:
        """SYS_CLOSE (0x02): [handle] -> 0 or -1."""
        (n,) = self._block(arg, 1)
        h = self._handle(n)
        del self.handles[n]
        if h.kind == "file" and h.stream is not None:
            try:
                h.stream.close()
            except OSError as e:
                raise _Refused(_newlib_errno(e)) from None
        return 0

    def sys_writec(self, arg: int) -> int:
        """SYS_WRITEC (0x03): R1 points to one character."""
        self.stdout.write(bytes([self.ctx.host_read8(arg)]))
        return 0

    def sys_write0(self, arg: int) -> int:
        """SYS_WRITE0 (0x04): R1 points to a NUL-terminated string."""
        self.stdout.write(self.mem.read_cstring(arg, MAX_STRING))
        return 0

    def sys_write(self, arg: int) -> int:
        """SYS_WRITE (0x05): [handle, buffer, length] -> bytes NOT written (0 = all)."""
        n, buf, length = self._block(arg, 3)
        h = self._handle(n)
        if not h.writable:
            raise _Refused(EBADF)
        data = self._read(buf, length)
        if h.kind == "console":
            self._console_out(h).write(data)
            return 0
        assert h.stream is not None
        try:
            written = h.stream.write(data)
        except OSError as e:
            raise _Refused(_newlib_errno(e)) from None
        return length - (written or 0)

    def sys_read(self, arg: int) -> int:
        """SYS_READ (0x06): [handle, buffer, length] -> bytes NOT read (length = end of file)."""
        n, buf, length = self._block(arg, 3)
        h = self._handle(n)
        if not h.readable:
            raise _Refused(EBADF)
        self._check_range(buf, length, True)
        if h.kind == "console":
            data = self._console_read(length)
        else:
            assert h.stream is not None
            try:
                data = h.stream.read(length)
            except OSError as e:
                raise _Refused(_newlib_errno(e)) from None
        self._write(buf, data)
        return length - len(data)

    def _console_read(self, length: int) -> bytes:
        stream = self.stdin
        if stream is None or length == 0:
            return b""
        try:
            data = stream.readline(length) if hasattr(stream, "readline") else stream.read(length)
        except (OSError, ValueError):
            return b""
        if isinstance(data, str):
            data = data.encode("utf-8")
        return bytes(data[:length])

    def sys_readc(self, arg: int) -> int:
        """SYS_READC (0x07): one byte from the console (-1 at end of input)."""
        data = self._console_read(1)
        return data[0] if data else -1

    def sys_iserror(self, arg: int) -> int:
        """SYS_ISERROR (0x08): [status] -> 1 if status is an error (negative), else 0."""
        (status,) = self._block(arg, 1)
        return 1 if _signed32(status) < 0 else 0

    def sys_istty(self, arg: int) -> int:
        """SYS_ISTTY (0x09): [handle] -> 1 if the handle is an interactive terminal, else 0.

        The console answers as QEMU 7.2 does: 1 only when the host stream behind it is a
        terminal (a capture-only sink, a file or a pipe answer 0).  newlib line-buffers a
        terminal and fully buffers anything else, so this decides how many SYS_WRITE
        calls, and instructions, a C guest executes.  Host files answer 0.
        """
        (n,) = self._block(arg, 1)
        h = self._handle(n)
        if h.kind != "console":
            return 0
        if h.console == "stdin":
            stream: Any = self.stdin
        else:
            stream = self._console_out(h).host_stream()
        try:
            return 1 if stream is not None and stream.isatty() else 0
        except (AttributeError, OSError, ValueError):
            return 0

    def sys_seek(self, arg: int) -> int:
        """SYS_SEEK (0x0A): [handle, absolute position] -> 0 or -1."""
        n, pos = self._block(arg, 2)
        h = self._handle(n)
        if h.kind == "console":
            raise _Refused(ESPIPE)
        if _signed32(pos) < 0:
            raise _Refused(EINVAL)
        assert h.stream is not None
        try:
            h.stream.seek(pos)
        except OSError as e:
            raise _Refused(_newlib_errno(e)) from None
        return 0

    def sys_flen(self, arg: int) -> int:
        """SYS_FLEN (0x0C): [handle] -> length in bytes (0 for the console)."""
        (n,) = self._block(arg, 1)
        h = self._handle(n)
        if h.kind == "console":
            return 0
        assert h.stream is not None
        if h.kind == "features":
            return len(FEATURES_FILE)
        try:
            h.stream.flush()
            return os.fstat(h.stream.fileno()).st_size
        except OSError as e:
            raise _Refused(_newlib_errno(e)) from None

    def sys_refused(self, arg: int) -> int:
        """SYS_TMPNAM (0x0D), SYS_SYSTEM (0x12): not offered to guests."""
        raise _Refused(EACCES)

    def sys_remove(self, arg: int) -> int:
        """SYS_REMOVE (0x0E): [name, length] -> 0 or -1."""
        ptr, length = self._block(arg, 2)
        path = self.resolve(self._path(ptr, length))
        if path == self.fs_root:
            raise _Refused(EACCES)
        try:
            os.remove(path)
        except OSError as e:
            raise _Refused(_newlib_errno(e)) from None
        return 0

    def sys_rename(self, arg: int) -> int:
        """SYS_RENAME (0x0F): [old, old length, new, new length] -> 0 or -1 (both inside fs_root)."""
        p1, l1, p2, l2 = self._block(arg, 4)
        old = self.resolve(self._path(p1, l1))
        new = self.resolve(self._path(p2, l2))
        if self.fs_root in (old, new):
            raise _Refused(EACCES)
        try:
            os.rename(old, new)
        except OSError as e:
            raise _Refused(_newlib_errno(e)) from None
        return 0

    def sys_clock(self, arg: int) -> int:
        """SYS_CLOCK (0x10): centiseconds of execution (one instruction = 1 us)."""
        return (self.instructions() // INSNS_PER_CENTISECOND) & 0x7FFFFFFF

    def sys_time(self, arg: int) -> int:
        """SYS_TIME (0x11): seconds since 1970: EPOCH + instructions // 1e6."""
        return (EPOCH + self.instructions() // TICKS_PER_SECOND) & MASK32

    def sys_errno(self, arg: int) -> int:
        """SYS_ERRNO (0x13): errno of the last failed operation."""
        return self.errno

    def command_line(self) -> bytes:
        return self.cmdline.encode("utf-8", "replace")

    def sys_get_cmdline(self, arg: int) -> int:
        """SYS_GET_CMDLINE (0x15): [buffer, size] -> 0, block[1] = length; -1 if it does not fit."""
        buf, size = self._block(arg, 2)
        line = self.command_line()
        if len(line) + 1 > size:
            raise _Refused(EINVAL)
        self._write(buf, line + b"\0")
        self.ctx.host_write32((arg + 4) & MASK32, len(line))
        return 0

    def sys_heapinfo(self, arg: int) -> int:
        """SYS_HEAPINFO (0x16): R1 -> pointer to [heap base, heap limit, stack base, stack limit]."""
        block = self._word(arg)
        self._check_range(block, 16, True)
        write32 = self.ctx.host_write32
        for i, v in enumerate(self.heap_info()):
            write32((block + 4 * i) & MASK32, v & MASK32)
        return 0

    def sys_exit(self, arg: int) -> int:
        """SYS_EXIT (0x18), AArch32: R1 is the reason code itself."""
        if arg == ADP_Stopped_ApplicationExit:
            raise GuestExit(0, "application exit (SYS_EXIT, status 0)")
        raise GuestExit(1, f"SYS_EXIT {_reason_name(arg)}")

    def sys_exit_extended(self, arg: int) -> int:
        """SYS_EXIT_EXTENDED (0x20): [reason, subcode]; ApplicationExit exits with the subcode."""
        reason, subcode = self._block(arg, 2)
        if reason == ADP_Stopped_ApplicationExit:
            code = _signed32(subcode)
            raise GuestExit(code, f"application exit (status {code})")
        raise GuestExit(1, f"SYS_EXIT_EXTENDED {_reason_name(reason)}, subcode {_signed32(subcode)}")

    def sys_elapsed(self, arg: int) -> int:
        """SYS_ELAPSED (0x30): R1 -> two words receiving the 64-bit tick count (low word first)."""
        self._check_range(arg, 8, True)
        ticks = self.instructions()
        self.ctx.host_write32(arg, ticks & MASK32)
        self.ctx.host_write32((arg + 4) & MASK32, (ticks >> 32) & MASK32)
        return 0

    def sys_tickfreq(self, arg: int) -> int:
        """SYS_TICKFREQ (0x31): ticks per second of SYS_ELAPSED."""
        return TICKS_PER_SECOND


def _reason_name(code: int) -> str:
    name = ADP_STOPPED.get(code)
    return f"{name} ({code:#x})" if name else f"unknown reason {code:#x}"
