"""A small hardware model for the hypervisor's unit tests: physical CP14/CP15 on a CoprocessorBus,
and the B1.14.15 routing of a guest's CP14 access (trap to Hyp per HDCR class, or direct).

The routing follows the manual (DDI 0406C B1.14.15, reference kvm-arm-debug.md 4.1 step 5): a
Non-secure PL1 MRC/MCR/MRRC to CP14 opc1 = 0 traps when the effective HDCR bit of its class is
set -- TDRA for DBGDRAR/DBGDSAR, TDOSA for the OS lock/powerdown registers, TDA for the rest --
with TDA making TDRA and TDOSA act as set.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Tuple

from armsim.coproc.bus import AccessKind, CoprocAccess, CoprocessorBus, Verdict
from armsim.coproc.syndrome import EC, ISS_CP32, ISS_CP64, make_hsr
from armsim.cpu.modes import Mode
from armsim.cpu.state import CPUState
from armsim.kvm.costs import CycleLedger
from armsim.kvm.exits import ExitEnv, handle_exit
from armsim.kvm.layouts import HDCR_ENC, TDA, TDOSA, TDRA, DBGDSCRext, DBGDSCRint, Enc, switched_debug_set, write_mask
from armsim.kvm.policy import DebugPolicy
from armsim.kvm.tables import VcpuTables
from armsim.kvm.trace import KvmTracer
from armsim.kvm.vcpu import VCPU
from armsim.kvm.world_switch import BusPort, WorldSwitch, cp15_switch_set
from armsim.timing.profiles import CpuProfile, get_profile

MASK32 = 0xFFFFFFFF

TDOSA_CLASS = {(1, 0, 4), (1, 1, 4), (1, 3, 4), (1, 4, 4)}
TDRA_CLASS = {(1, 0, 0), (2, 0, 0)}


def hdcr_class(crn: int, crm: int, opc2: int) -> int:
    if (crn, crm, opc2) in TDRA_CLASS:
        return TDRA
    if (crn, crm, opc2) in TDOSA_CLASS:
        return TDOSA
    return TDA


def effective(hdcr: int) -> int:
    return hdcr | (TDRA | TDOSA if hdcr & TDA else 0)


class FakeRegs:
    """A coprocessor holding registers by (opc1, crn, crm, opc2, is_64), each with a write mask."""

    def __init__(self, regs: Dict[Tuple[int, int, int, int, bool], int]) -> None:
        self.masks = dict(regs)
        self.values = dict.fromkeys(regs, 0)
        # Read-only views of another register (DBGDSCRint reads DBGDSCR).
        self.aliases: Dict[Tuple[int, int, int, int, bool], Tuple[int, int, int, int, bool]] = {}

    @staticmethod
    def key(acc: CoprocAccess) -> Tuple[int, int, int, int, bool]:
        is64 = acc.kind in (AccessKind.MCRR, AccessKind.MRRC)
        if is64:
            return (acc.opc1, 0, acc.crm, 0, True)
        return (acc.opc1, acc.crn, acc.crm, acc.opc2, False)


    def check(self, cpu: CPUState, acc: CoprocAccess) -> Verdict:
        k = self.key(acc)
        if k in self.values:
            return Verdict.OK
        if k in self.aliases and acc.kind is AccessKind.MRC:
            return Verdict.OK
        return Verdict.UNDEFINED

    def read(self, cpu: CPUState, acc: CoprocAccess) -> int:
        k = self.key(acc)
        return self.values[self.aliases.get(k, k)]

    def write(self, cpu: CPUState, acc: CoprocAccess, value: int) -> None:
        k = self.key(acc)
        self.values[k] = value & self.masks[k]


def enc_key(e: Enc) -> Tuple[int, int, int, int, bool]:
    return (e.opc1, 0, e.crm, 0, True) if e.is_64 else (e.opc1, e.crn, e.crm, e.opc2, False)


class Hardware:
    """Physical CP14 debug registers and CP15 (the switched set and HDCR) on a bus; a Hyp-mode CPU."""

    def __init__(self, profile: CpuProfile) -> None:
        self.profile = profile
        self.debug_set = switched_debug_set(profile)
        self.cp14 = FakeRegs({enc_key(e): write_mask(profile, e.name) for e in self.debug_set})
        self.cp14.aliases[enc_key(DBGDSCRint)] = enc_key(DBGDSCRext)
        cp15 = {enc_key(e): ((1 << 64) - 1 if e.is_64 else MASK32) for e in cp15_switch_set()}
        cp15[enc_key(HDCR_ENC)] = 0xFFF
        self.cp15 = FakeRegs(cp15)
        self.bus = CoprocessorBus()
        self.bus.attach(14, self.cp14)
        self.bus.attach(15, self.cp15)
        self.cpu = CPUState()
        self.cpu.set_mode(int(Mode.HYP))
        self.port = BusPort(self.bus, self.cpu)

    def debug(self, name: str) -> int:
        e = next(e for e in self.debug_set if e.name == name)
        return self.cp14.values[enc_key(e)]

    def set_debug(self, name: str, value: int) -> None:
        e = next(e for e in self.debug_set if e.name == name)
        self.cp14.values[enc_key(e)] = value & write_mask(self.profile, name)

    def debug_values(self) -> Dict[str, int]:
        return {e.name: self.cp14.values[enc_key(e)] for e in self.debug_set}

    @property
    def hdcr(self) -> int:
        return self.cp15.values[enc_key(HDCR_ENC)]


class Rig:
    """A VCPU, its world switch and exit handling on :class:`Hardware`: entry, guest accesses, exit."""

    def __init__(self, policy: DebugPolicy, cpu: str = "cortex-a15", tracer: Optional[KvmTracer] = None) -> None:
        self.profile = get_profile(cpu)
        self.hw = Hardware(self.profile)
        self.tables = VcpuTables(self.profile)
        self.vcpu = VCPU(self.profile, self.tables)
        self.ledger = CycleLedger()
        self.tracer = tracer if tracer is not None else KvmTracer()
        self.ws = WorldSwitch(self.profile, policy, self.hw.port, self.ledger, self.tracer)
        self.env = ExitEnv(policy, self.ledger, self.tracer)
        self.in_guest = False
        self.traps: List[int] = []
        self.after_exit: Optional[Callable[[], None]] = None  # called after every exit (P1 checks)

    def enter(self) -> bool:
        self.vcpu.runs += 1
        self.in_guest = True
        return self.ws.enter(self.vcpu)

    def exit(self) -> None:
        self.ws.exit(self.vcpu)
        self.in_guest = False
        if self.after_exit is not None:
            self.after_exit()

    def _trap(self, hsr: int) -> None:
        """An access trapped: the exit, handle_exit, the next entry (as the run loop does)."""
        self.traps.append(hsr)
        self.ws.exit(self.vcpu, hsr=hsr)
        if self.after_exit is not None:
            self.after_exit()
        handle_exit(self.env, self.vcpu, hsr)
        self.vcpu.runs += 1
        self.ws.enter(self.vcpu)

    def mcr(self, name_or_enc: Enc | Tuple[int, int, int], value: int, rt: int = 1) -> None:
        """Guest ``MCR p14, 0, r<rt>, c<n>, c<m>, <opc2>`` with r<rt> = value (NS PL1)."""
        crn, crm, opc2 = self._where(name_or_enc)
        assert self.in_guest
        if effective(self.hw.hdcr) & hdcr_class(crn, crm, opc2):
            self.vcpu.ctx.regs[rt] = value & MASK32
            iss = ISS_CP32.pack(CV=1, COND=0xE, Opc2=opc2, Opc1=0, CRn=crn, Rt=rt, CRm=crm, Direction=0)
            self._trap(make_hsr(EC.MCR_MRC_CP14, 1, iss))
        else:
            acc = CoprocAccess(AccessKind.MCR, 14, 0, crn, crm, opc2, rt)
            if self.hw.cp14.check(self.hw.cpu, acc) is Verdict.OK:
                self.hw.cp14.write(self.hw.cpu, acc, value)

    def mrc(self, name_or_enc: Enc | Tuple[int, int, int], rt: int = 0) -> int:
        """Guest ``MRC p14, 0, r<rt>, ...``: the value the guest reads."""
        crn, crm, opc2 = self._where(name_or_enc)
        assert self.in_guest
        if effective(self.hw.hdcr) & hdcr_class(crn, crm, opc2):
            iss = ISS_CP32.pack(CV=1, COND=0xE, Opc2=opc2, Opc1=0, CRn=crn, Rt=rt, CRm=crm, Direction=1)
            self._trap(make_hsr(EC.MCR_MRC_CP14, 1, iss))
            return self.vcpu.ctx.regs[rt]
        acc = CoprocAccess(AccessKind.MRC, 14, 0, crn, crm, opc2, rt)
        if self.hw.cp14.check(self.hw.cpu, acc) is not Verdict.OK:
            return 0  # a register the model does not hold (ID, DCC...): reads 0 here
        return self.hw.cp14.read(self.hw.cpu, acc)

    def mrrc(self, crm: int, rt: int = 2, rt2: int = 3) -> Tuple[int, int]:
        """Guest ``MRRC p14, 0, r<rt>, r<rt2>, c<crm>`` under TDRA (DBGDRAR c1, DBGDSAR c2)."""
        assert effective(self.hw.hdcr) & TDRA
        iss = ISS_CP64.pack(CV=1, COND=0xE, Opc1=0, Rt2=rt2, Rt=rt, CRm=crm, Direction=1)
        self._trap(make_hsr(EC.MRRC_CP14, 1, iss))
        return self.vcpu.ctx.regs[rt], self.vcpu.ctx.regs[rt2]

    def _where(self, x: Enc | Tuple[int, int, int]) -> Tuple[int, int, int]:
        if isinstance(x, Enc):
            return x.crn, x.crm, x.opc2
        return x
