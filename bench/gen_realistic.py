#!/usr/bin/env python3
"""Writes a realistic flow workload from real CTU-13 captures: every flow of the
given binetflow files, replicated with shifted addresses (each replica is a new
set of hosts and peers) and perturbed start times, durations, bytes, packets and
source ports, so that ~all rows are distinct and no per-flow cache can help.

usage: gen_realistic.py ROWS OUT.csv CAPTURE.binetflow...
"""
import random
import sys
from datetime import datetime, timedelta


def shift_ip(text, replica):
    if replica == 0 or ':' in text:
        return text
    parts = text.split('.')
    if len(parts) != 4:
        return text
    try:
        value = (int(parts[0]) << 24) | (int(parts[1]) << 16) | (int(parts[2]) << 8) | int(parts[3])
    except ValueError:
        return text
    # A replica moves every address by the same odd offset: hosts and peers
    # stay distinct and scans stay scans. The first octet stays in 1..223.
    value = (value + replica * 0x00A3D70B) & 0xFFFFFFFF
    first = 1 + ((value >> 24) % 223)
    return f"{first}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"


def main():
    rows, out_path, captures = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    rng = random.Random(20261204)
    flows = []
    header = None
    for path in captures:
        with open(path) as f:
            header = f.readline().rstrip('\n')
            flows.extend(line.rstrip('\n').split(',') for line in f)
    columns = header.split(',')
    idx = {name: i for i, name in enumerate(columns)}
    written = 0
    replica = 0
    with open(out_path, 'w') as out:
        out.write(header + '\n')
        while written < rows:
            offset = timedelta(seconds=rng.uniform(0, 30))
            for f in flows:
                if written >= rows:
                    break
                g = list(f)
                g[idx['SrcAddr']] = shift_ip(g[idx['SrcAddr']], replica)
                g[idx['DstAddr']] = shift_ip(g[idx['DstAddr']], replica)
                try:
                    t = datetime.strptime(g[idx['StartTime']], '%Y/%m/%d %H:%M:%S.%f')
                    t += offset + timedelta(microseconds=rng.randrange(1000000))
                    g[idx['StartTime']] = t.strftime('%Y/%m/%d %H:%M:%S.%f')
                    g[idx['Dur']] = f"{float(g[idx['Dur']]) * rng.uniform(0.8, 1.25):.6f}"
                    src_bytes = int(g[idx['SrcBytes']]) + rng.randrange(0, 48)
                    total = int(g[idx['TotBytes']]) + (src_bytes - int(g[idx['SrcBytes']]))
                    if total > src_bytes:
                        total += rng.randrange(0, 200)
                    g[idx['SrcBytes']], g[idx['TotBytes']] = str(src_bytes), str(total)
                    g[idx['TotPkts']] = str(int(g[idx['TotPkts']]) + rng.randrange(0, 2))
                    sport = g[idx['Sport']]
                    if sport.isdigit() and int(sport) >= 1024:
                        g[idx['Sport']] = str(rng.randrange(1024, 65536))
                except (ValueError, KeyError):
                    pass
                out.write(','.join(g) + '\n')
                written += 1
            replica += 1


if __name__ == '__main__':
    main()
