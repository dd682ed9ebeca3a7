#!/usr/bin/python3
"""Generates the pandas pickle fixtures in tests/fixtures/pickle/ and their
expected values (<name>.expected.tsv), for tests/io/pickle_reader_test.cc.

Run with Debian's interpreter, which has pandas:  /usr/bin/python3 tools/gen_pickle_fixtures.py
Written with pandas 1.5.3 and numpy 1.24.2 (see versions.txt, written by this script).

pandas writes DataFrame pickles in three layouts over its history; pandas
1.5.3 writes the newest one, and the other two are reproduced here with a
Pickler.reducer_override that emits exactly what those versions emit:
  * pandas <= 1.2 (the layout of original-tests/test.pkl): BlockManager is
    rebuilt with NEWOBJ + BUILD of a 4-tuple state whose 4th item is
    {"0.14.1": {"axes": [...], "blocks": [{"values": ndarray, "mgr_locs": slice}]}}.
  * pandas 1.3: BlockManager(blocks, axes) via REDUCE, each block
    functools.partial(pandas.core.internals.blocks.new_block, ndim=2)(values, placement).
  * pandas 1.4 .. 2.x: the same with pandas._libs.internals._unpickle_block(values, placement, ndim).
    pandas 2.x has no Int64Index (integer indexes are Index with int64 data) and,
    with numpy 2, arrays are rebuilt by numpy._core.* instead of numpy.core.*;
    the "pandas2_numpy2" fixture emits those names.

Expected-value files: line 1 the column names, line 2 the column types the
C++ reader reports (double|string), then one line per row, TAB-separated.
Numbers are repr(float(x)) ("nan" = missing); in string columns a missing
value is the empty string, ints are str(x) and floats repr(x).
"""
import copyreg
import functools
import math
import os
import pickle
import sys
import types

import numpy as np
import pandas as pd

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "pickle")


def mixed_frame():
    n = 12
    df = pd.DataFrame(
        {
            "f64": [0.5, float("nan"), -1e300, 1234567.875, 2.0, float("inf"), -0.0, 1e-7, 3.25, 4.5, 5.5, 6.5],
            "f32": np.array([1.5, float("nan"), -2.25, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0], dtype=np.float32),
            "i64": np.array([0, -1, 2**53, -(2**40), 5, 6, 7, 8, 9, 10, 11, 12], dtype=np.int64),
            "i32": np.array([1, -2, 3, 2**31 - 1, -(2**31), 6, 7, 8, 9, 10, 11, 12], dtype=np.int32),
            "i16": np.array([1, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -32768], dtype=np.int16),
            "i8": np.array([1, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -128], dtype=np.int8),
            "u8": np.array([0, 255, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], dtype=np.uint8),
            "u16": np.array([0, 65535, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], dtype=np.uint16),
            "u32": np.array([0, 2**32 - 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], dtype=np.uint32),
            "u64": np.array([0, 2**64 - 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], dtype=np.uint64),
            "flag": [True, False, True, True, False, False, True, False, True, False, True, False],
            "be_f8": np.array([1.5, -2.5, float("nan"), 4, 5, 6, 7, 8, 9, 10, 11, 12], dtype=">f8"),
            "be_i4": np.array([1, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 2**31 - 1], dtype=">i4"),
            "name": ["alpha", None, "caf\u00e9", "\u6771\u4eac", float("nan"), "", "x y", "z", "a,b", "q\"r", "back\\slash", "end"],
            "port": [80, "0x0050", None, 443.0, "53", 1e16, "ssh", 1.5e-05, 0.0001, "udp", 123456789012345.6, -1e-300],
            "objnum": [1, 2.5, None, 4, float("nan"), 6, 7, 8, 9, 10, True, 12],
        },
        index=pd.Index([100 + 7 * i for i in range(n)], name="flow_id"),
    )
    return df


def order_frames():
    c = np.arange(15, dtype=np.float64).reshape(5, 3) * 1.5
    c[2, 1] = np.nan
    f = np.asfortranarray(np.arange(15, dtype=np.int64).reshape(5, 3) - 7)
    o = np.array([["a", "b", None], ["c", "d", "e"], ["f", None, "g"], ["h", "i", "j"]], dtype=object)
    return {
        # DataFrame(2-D array) keeps arr.T as its block: a C array becomes an F-order block and vice versa.
        "c_input": pd.DataFrame(c, columns=["x", "y", "z"]),
        "f_input": pd.DataFrame(f, columns=["p", "q", "r"], index=["r0", "r1", "r2", "r3", "r4"]),
        "object_2d": pd.DataFrame(o, columns=[0, 1, 2]),
    }


def extension_frame():
    return pd.DataFrame(
        {
            "s": pd.array(["a", None, "ccc", "d"], dtype="string"),
            "i": pd.array([1, None, -3, 2**40], dtype="Int64"),
            "u": pd.array([1, 2, None, 4], dtype="UInt8"),
            "fl": pd.array([0.5, None, 2.5, -1.0], dtype="Float64"),
            "b": pd.array([True, None, False, True], dtype="boolean"),
            "t": pd.to_datetime(["2011-08-10 09:46:53.047277", None, "2011-08-10", "2011-08-19 23:59:59"]),
            "cat": pd.Categorical(["tcp", "udp", None, "tcp"]),
            "num": [1.0, 2.0, 3.0, 4.0],
        }
    )


# --- rendering expected values ---------------------------------------------

def is_missing(v):
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def column_type(series):
    dtype = series.dtype
    if dtype == object:
        return "string" if any(isinstance(v, (str, bytes)) for v in series) else "double"
    if isinstance(dtype, pd.StringDtype) or isinstance(dtype, pd.CategoricalDtype):
        return "string"
    if dtype.kind == "M":
        return "string"
    return "double"


def render(v, kind):
    if kind == "double":
        return "nan" if is_missing(v) else repr(float(v))
    if is_missing(v):
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, pd.Timestamp):
        return str(v)
    return str(v)


def write_expected(name, df):
    kinds = [column_type(df[c]) for c in df.columns]
    lines = ["\t".join(str(c) for c in df.columns), "\t".join(kinds)]
    for row in range(len(df)):
        cells = []
        for col, kind in zip(range(df.shape[1]), kinds):
            v = df.iloc[row, col]
            if isinstance(v, np.generic):
                v = v.item()
            if isinstance(v, (int, float)) and not isinstance(v, bool) and kind == "string" and df.dtypes.iloc[col] != object:
                v = v
            cells.append(render(v, kind))
        lines.append("\t".join(cells))
    with open(os.path.join(OUT, name + ".expected.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


# --- layouts of older and newer pandas ---------------------------------------

from pandas.core.internals.managers import BlockManager
from pandas.core.internals.blocks import Block, new_block
from pandas.core.indexes.base import _new_Index


def pandas12_state(mgr):
    """BlockManager.__getstate__ of pandas <= 1.2 (axes, values, items, {"0.14.1": ...})."""
    axes = list(mgr.axes)
    blocks = [{"values": b.values, "mgr_locs": b.mgr_locs.indexer} for b in mgr.blocks]
    items = [mgr.items[b.mgr_locs.indexer] for b in mgr.blocks]
    return axes, [b.values for b in mgr.blocks], items, {"0.14.1": {"axes": axes, "blocks": blocks}}


class Pandas12Pickler(pickle.Pickler):
    """BlockManager as pandas <= 1.2 pickled it: NEWOBJ + BUILD(4-tuple state)."""

    def reducer_override(self, obj):
        if type(obj) is BlockManager:
            return (copyreg.__newobj__, (BlockManager,), pandas12_state(obj))
        return NotImplemented


class Pandas13Pickler(pickle.Pickler):
    """Blocks as pandas 1.3 pickled them: partial(new_block, ndim=2)(values, placement)."""

    def reducer_override(self, obj):
        if isinstance(obj, Block):
            return (functools.partial(new_block, ndim=obj.ndim), (obj.values, obj.mgr_locs.indexer))
        return NotImplemented


def _fake_module(name):
    module = types.ModuleType(name)
    sys.modules[name] = module
    return module


_fake_module("numpy._core")
_numeric2 = _fake_module("numpy._core.numeric")
_multiarray2 = _fake_module("numpy._core.multiarray")


def _frombuffer2(*args):  # stands for numpy 2's numpy._core.numeric._frombuffer
    return np.core.numeric._frombuffer(*args)


def _reconstruct2(*args):  # stands for numpy 2's numpy._core.multiarray._reconstruct
    return np.core.multiarray._reconstruct(*args)


_frombuffer2.__module__, _frombuffer2.__qualname__, _frombuffer2.__name__ = "numpy._core.numeric", "_frombuffer", "_frombuffer"
_reconstruct2.__module__, _reconstruct2.__qualname__, _reconstruct2.__name__ = "numpy._core.multiarray", "_reconstruct", "_reconstruct"
_numeric2._frombuffer = _frombuffer2
_multiarray2._reconstruct = _reconstruct2


class Pandas2Numpy2Pickler(pickle.Pickler):
    """pandas 2.x on numpy 2: integer indexes are plain Index, numpy modules are numpy._core."""

    def __init__(self, file, protocol):
        super().__init__(file, protocol=protocol)
        self.protocol = protocol

    def reducer_override(self, obj):
        if isinstance(obj, np.ndarray) and type(obj) is np.ndarray:
            rv = obj.__reduce_ex__(self.protocol)
            func = {"_frombuffer": _frombuffer2, "_reconstruct": _reconstruct2}.get(rv[0].__name__)
            if func is None:
                return NotImplemented
            return (func,) + tuple(rv[1:])
        if type(obj).__name__ == "Int64Index":
            return (_new_Index, (pd.Index, {"data": obj.values, "name": obj.name}), None)
        return NotImplemented


def dump(name, df, protocol, pickler=pickle.Pickler, expected=True):
    path = os.path.join(OUT, name + ".pkl")
    with open(path, "wb") as f:
        pickler(f, protocol=protocol).dump(df)
    size = os.path.getsize(path)
    assert size < 30000, (name, size)
    # Every fixture must load in pandas and equal the frame it came from.
    back = pd.read_pickle(path)
    pd.testing.assert_frame_equal(back, df, check_dtype=False)  # pandas 1.5 loads >f8 as float64
    if expected:
        write_expected(name, df)
    print(f"{name}.pkl: protocol {protocol}, {size} bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    mixed = mixed_frame()
    for protocol in range(0, 6):
        dump(f"mixed_p{protocol}", mixed, protocol)
    for label, df in order_frames().items():
        for protocol in (2, 4, 5):
            dump(f"order_{label}_p{protocol}", df, protocol)
    dump("layout_pandas12_p5", mixed, 5, Pandas12Pickler)
    dump("layout_pandas12_p2", mixed, 2, Pandas12Pickler)
    dump("layout_pandas13_p4", mixed, 4, Pandas13Pickler)
    dump("layout_pandas2_numpy2_p5", mixed, 5, Pandas2Numpy2Pickler)
    dump("layout_pandas2_numpy2_p3", mixed, 3, Pandas2Numpy2Pickler)
    dump("extension_p5", extension_frame(), 5)
    dump("extension_p2", extension_frame(), 2)
    dump("empty_p4", pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=object)}), 4)
    with open(os.path.join(OUT, "versions.txt"), "w") as f:
        f.write(f"python {sys.version.split()[0]}\npandas {pd.__version__}\nnumpy {np.__version__}\n")


if __name__ == "__main__":
    main()
