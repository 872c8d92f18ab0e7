"""Synthetic datasets in the real format, for the benchmark and for trying gongfu at scale.

    python3 benchmarks/generate.py BUSES INDICATORS READINGS > file.toml

writes BUSES buses with INDICATORS indicators each and READINGS readings per indicator.
The figures are made up (deterministically) and mean nothing.
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta


def synthetic(buses: int, indicators: int, readings: int, seed: int = 1) -> str:
    rnd = random.Random(seed)
    out = ['[program]\nname = "合成数据"\nregion = "基准测试"\n']
    for b in range(buses):
        out.append(
            f'\n[[buses]]\nid = "bus-{b}"\nname = "班车{b}"\nbatch = {b % 3 + 1}\n'
            f'launched = 2022-01-04\ndue = 2025-12-31\nlead = "单位{b % 17}"\n'
            f'field = "领域{b % 7}"\n'
        )
        for i in range(indicators):
            target = rnd.choice([100, 150, 70, 5000])
            out.append(
                f'\n  [[buses.indicators]]\n  id = "ind-{i}"\n  name = "指标{i}"\n'
                f'  unit = "%"\n  target = {target}\n'
            )
    start = date(2022, 1, 31)
    for b in range(buses):
        for i in range(indicators):
            value = 0.0
            for r in range(readings):
                value += rnd.uniform(0, 12)
                day = start + timedelta(days=30 * r)
                out.append(
                    f'\n[[readings]]\nbus = "bus-{b}"\nindicator = "ind-{i}"\ndate = {day}\n'
                    f'value = {value:.2f}\nsource = "月报"\n'
                )
    return "".join(out)


if __name__ == "__main__":
    sys.stdout.write(synthetic(*(int(a) for a in sys.argv[1:4])))
