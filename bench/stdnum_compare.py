"""python-stdnum on the identifiers the Rust benchmark validated (FAZHI_BENCH_IDS), for BENCHMARKS.md."""
import sys
import time

from stdnum.cn import ric, uscc

lines = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
ids, usccs = lines[:10000], lines[10000:]
for name, mod, items in (("resident_id", ric, ids), ("uscc", uscc, usccs)):
    best = None
    for _ in range(5):
        t = time.perf_counter()
        valid = sum(1 for s in items if mod.is_valid(s))
        elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
    print(f"python-stdnum {name}_validate: {len(items) / best:,.0f} per second ({valid} of {len(items)} valid)")
