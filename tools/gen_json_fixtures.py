#!/usr/bin/python3
"""Writes the small JSON and fixed-width fixtures of tests/io/json_reader_test.cc
and tests/io/fwf_reader_test.cc: one small flow table with missing values,
saved in every layout pandas' DataFrame.to_json writes, as JSON Lines, and with
DataFrame.to_string (what pandas.read_fwf reads).

Run with Debian's interpreter, which has pandas:  /usr/bin/python3 tools/gen_json_fixtures.py
The versions used are written to tests/fixtures/json/VERSIONS.txt.
"""
import os
import sys

import numpy as np
import pandas as pd

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")
JSON_DIR = os.path.join(ROOT, "json")
FWF_DIR = os.path.join(ROOT, "fwf")


def small_frame():
    return pd.DataFrame(
        {
            "StartTime": [1313431402.1763699, 1313410480.196241, np.nan, 1313166938.368647, 1313462765.425371],
            "Dur": [0.000499, 0.001975, 0.055283, np.nan, 3.5],
            "Proto": ["udp", "tcp", None, "icmp", "udp"],
            "SrcAddr": ["147.32.84.165", "10.0.0.1", "fe80::1", "147.32.84.191", "192.168.1.2"],
            "Sport": [36967.0, np.nan, 1571.0, 27024.0, 53.0],
            # Text with a hex port and a missing one, as Argus writes.
            "Dport": ["13363", "53", "0x0050", None, "8081"],
            "State": ["CON", "INT", None, "FSPA_FSRA", "S_"],
            # int64; the last one is 2^53 + 1 (not a double).
            "TotBytes": [132, 284, 364, 240, 9007199254740993],
            "SrcBytes": [72, 79, 0, 178, 1],
            "Flag": [True, False, True, False, True],
        }
    )


def main():
    os.makedirs(JSON_DIR, exist_ok=True)
    os.makedirs(FWF_DIR, exist_ok=True)
    df = small_frame()
    for orient in ["columns", "records", "index", "split", "values", "table"]:
        df.to_json(os.path.join(JSON_DIR, f"small_{orient}.json"), orient=orient)
    df.to_json(os.path.join(JSON_DIR, "small_lines.jsonl"), orient="records", lines=True)
    # The same lines under a plain .json name (detected from the content).
    df.to_json(os.path.join(JSON_DIR, "small_lines_noext.json"), orient="records", lines=True)

    with open(os.path.join(FWF_DIR, "small.txt"), "w") as f:
        f.write(df.to_string())
    # Non-ASCII text: pandas pads by characters, not bytes.
    uni = pd.DataFrame({"Host": ["café.example", "b", "naïve-ünïcode"], "Bytes": [1, 22, 333], "Note": ["x", "ÿ", "zz"]})
    with open(os.path.join(FWF_DIR, "unicode.txt"), "w", encoding="utf-8") as f:
        f.write(uni.to_string())
    # More than 100 rows: index values wider than any in the first 100 lines.
    wide = pd.DataFrame({"a": np.arange(150) * 3, "b": ["v%d" % i for i in range(150)]})
    with open(os.path.join(FWF_DIR, "wide_index.txt"), "w") as f:
        f.write(wide.to_string())

    with open(os.path.join(JSON_DIR, "VERSIONS.txt"), "w") as f:
        f.write(f"python {sys.version.split()[0]}\npandas {pd.__version__}\nnumpy {np.__version__}\n")

    # What pandas reads back, for the tests' expectations.
    for name in sorted(os.listdir(JSON_DIR)):
        if name.endswith(".txt"):
            continue
        path = os.path.join(JSON_DIR, name)
        orient = name[len("small_"):].split(".")[0]
        lines = orient.startswith("lines")
        kwargs = {"lines": True} if lines else {"orient": orient}
        print(name, pd.read_json(path, **kwargs).to_dict("list"))
    for name in ["small.txt", "unicode.txt", "wide_index.txt"]:
        print(name, pd.read_fwf(os.path.join(FWF_DIR, name)).tail(3).to_dict("list"))


if __name__ == "__main__":
    main()
