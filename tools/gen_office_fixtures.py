#!/usr/bin/python3
"""Writes the small Excel and Stata fixtures of tests/io/{excel,stata}_reader_test.cc.

Run with Debian's interpreter (pandas 1.5.3, openpyxl 3.0.9 from python3-pandas
and python3-openpyxl):
    /usr/bin/python3 tools/gen_office_fixtures.py tests/fixtures
It prints what pandas reads back from each file; the tests hard-code those values.
"""
import math
import os
import sys

import numpy as np
import openpyxl
import pandas as pd


def flows_frame():
    return pd.DataFrame({
        "StartTime": [1313431402.17637, 1313410243.5, 1313193000.25, 1313167011.0],
        "Dur": [0.000499, np.nan, 3.25, 0.0],
        "Proto": ["udp", "tcp", "icmp", None],
        "Sport": ["36967.0", "0x0303", None, "80"],
        "Dport": [13363, 80, 0, 443],
        "State": ["CON", "S_RA", "ECO", "FSPA_FSPA"],
        "SrcAddr": ["89.117.241.40", "147.32.84.165", "147.32.84.165", "10.0.0.1"],
        "Flag": [True, False, True, False],
    })


def write_excel(out):
    path = os.path.join(out, "excel", "two_sheets.xlsx")
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        flows_frame().to_excel(writer, sheet_name="flows")
        pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}).to_excel(writer, sheet_name="other", index=False)
    for sheet in ("flows", "other"):
        df = pd.read_excel(path, sheet_name=sheet)
        print(path, sheet, list(df.columns))
        print(df.to_dict("list"))


def stata_frame():
    return pd.DataFrame({
        "i8": pd.Series([1, -5, 100, 0], dtype="int8"),
        "i16": pd.Series([1000, -32000, 7, 0], dtype="int16"),
        "i32": pd.Series([70000, -2000000, 5, 0], dtype="int32"),
        "f32": pd.Series([1.5, np.nan, -2.25, 0.0], dtype="float32"),
        "f64": [1313431402.17637, np.nan, -0.000499, 1e300],
        "s": ["udp", "", "147.32.84.165", None],
    })


def write_stata(out):
    specs = [
        ("v114.dta", dict(version=114)),
        ("v114_big_endian.dta", dict(version=114, byteorder=">")),
        ("v117_strl.dta", dict(version=117, convert_strl=["note"])),
        ("v118.dta", dict(version=118)),
        ("v119.dta", dict(version=119)),
    ]
    for name, kwargs in specs:
        df = stata_frame()
        if "convert_strl" in kwargs:
            df["note"] = ["first long value " * 20, "", "second", None]
        if kwargs["version"] >= 118:
            df["u"] = ["caf\u00e9", "\u00fcber", "na\u00efve", "x"]
        path = os.path.join(out, "stata", name)
        df.to_stata(path, **kwargs)
        back = pd.read_stata(path)
        print(path, list(back.columns), dict(back.dtypes.astype(str)))
        print(back.to_dict("list"))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures"
    print("pandas", pd.__version__, "numpy", np.__version__, "openpyxl", openpyxl.__version__)
    write_excel(out)
    write_stata(out)


if __name__ == "__main__":
    main()
