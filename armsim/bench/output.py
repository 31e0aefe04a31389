"""The sweep's raw figures as JSON and CSV (``--json FILE``, ``--csv FILE``).

JSON: one object, ``{"points": [...], "break_even": {...}}``.  Each point has
exactly the keys of :data:`~armsim.bench.runner.POINT_KEYS` (``pairs`` as
"BRPs/WRPs", ``fraction`` in percent, ``cycles_by_part`` the parts summing to
``cycles_per_exit``, ``cycles_per_trapped_access`` null when nothing trapped);
``break_even`` maps each CPU profile to ``{pairs: fraction or null}``
(:func:`armsim.bench.stats.break_even`).  The file is rewritten after each
finished point (write to a temporary file, then rename), so an interrupted
sweep keeps what finished.

CSV: a header, then one row per point: the point keys in order, with
``cycles_by_part`` spread over one column per part
(``cycles_by_part.exception_entry`` ...); an empty cell for null.
"""

from __future__ import annotations

import csv
import json
import os
from typing import IO, Any, Dict, List, Mapping, Sequence

from armsim.bench.runner import POINT_KEYS
from armsim.bench.stats import break_even
from armsim.kvm.costs import PARTS


def sweep_object(records: Sequence[Mapping[str, Any]]) -> Dict[str, Any]:
    """The ``--json`` object for these point records."""
    return {"points": [{k: r[k] for k in POINT_KEYS} for r in records], "break_even": break_even(records)}


def write_json(path: str, obj: Mapping[str, Any]) -> None:
    """Write ``obj`` to ``path`` atomically (a reader never sees half a file)."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, indent=1)
        fh.write("\n")
    os.replace(tmp, path)


def csv_header() -> List[str]:
    out: List[str] = []
    for k in POINT_KEYS:
        if k == "cycles_by_part":
            out.extend(f"cycles_by_part.{p}" for p in PARTS)
        else:
            out.append(k)
    return out


def csv_row(r: Mapping[str, Any]) -> List[Any]:
    out: List[Any] = []
    for k in POINT_KEYS:
        if k == "cycles_by_part":
            out.extend(r[k][p] for p in PARTS)
        else:
            out.append("" if r[k] is None else r[k])
    return out


def write_csv_stream(fh: IO[str], records: Sequence[Mapping[str, Any]]) -> None:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(csv_header())
    for r in records:
        w.writerow(csv_row(r))


def write_csv(path: str, records: Sequence[Mapping[str, Any]]) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        write_csv_stream(fh, records)
    os.replace(tmp, path)
