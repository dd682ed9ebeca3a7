#!/usr/bin/python3
"""The original tool's method, side by side with botrecon's trainer.

Trains scikit-learn's RandomForestClassifier (100 trees, defaults) on the
same features botrecon's rforest uses -- ordinal-encoded proto/state, numeric
ports, dur, totbytes, srcbytes, bits/s (0 when dur is 0), missing = -1 -- and
prints flow-level PR-AUC on a held-out window and mean scores per host on a
scoring file. Needs Debian's python3-sklearn and python3-pandas.

  /usr/bin/python3 tools/sklearn_reference.py --train FILE[:FROM:TO] ... \
      [--eval FILE[:FROM:TO]] [--score test.csv] [--trees 100] [--seed 1]
"""
import argparse
import sys
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

ALIASES = {
    "srcaddr": ["srcaddr", "srcaddress", "sourceaddr", "sourceaddress", "host"],
    "proto": ["proto", "protocol"],
    "dport": ["dport", "destinationport", "dstport"],
    "sport": ["sport", "sourceport", "srcport"],
    "state": ["state", "st"],
    "dur": ["dur", "duration"],
    "totbytes": ["totbytes", "totalbytes", "tbytes"],
    "srcbytes": ["srcbytes", "sourcebytes"],
}


EXCLUDE = set()


def flow_keys(df):
    """Same identity as botrecon's FlowKey: addresses, proto, ports, dur (us), bytes."""
    def us(v):
        return (np.round(v * 1e6)).astype("int64").astype(str)
    sport = pd.Series([port(v) for v in df["sport"]], index=df.index)
    dport = pd.Series([port(v) for v in df["dport"]], index=df.index)
    num = lambda c: pd.to_numeric(df[c], errors="coerce").fillna(-1)
    return (df["srcaddr"].astype(str).str.strip() + "|" + df["dstaddr"].astype(str).str.strip() + "|" +
            df["proto"].astype(str).str.strip().str.lower() + "|" + us(sport) + "|" + us(dport) + "|" +
            us(num("dur")) + "|" + us(num("totbytes")) + "|" + us(num("srcbytes")))


def load(spec, exclude=False):
    path, _, window = spec.partition(":")
    df = pd.read_csv(path, low_memory=False)
    df.columns = [c.lower().replace(" ", "") for c in df.columns]
    if exclude and EXCLUDE:
        tmp = pd.DataFrame({k: df[next(a for a in v if a in df.columns)] for k, v in ALIASES.items()})
        tmp["dstaddr"] = df["dstaddr"]
        df = df[~flow_keys(tmp).isin(EXCLUDE)].reset_index(drop=True)
    out = pd.DataFrame()
    for name, aliases in ALIASES.items():
        col = next(a for a in aliases if a in df.columns)
        out[name] = df[col]
    if window:
        lo, hi = (float(x) if x else None for x in window.split(":"))
        t = pd.to_datetime(df["starttime"], format="%Y/%m/%d %H:%M:%S.%f")
        minutes = (t - t.iloc[0]).dt.total_seconds() / 60
        keep = np.ones(len(df), bool)
        if lo is not None:
            keep &= minutes >= lo
        if hi is not None:
            keep &= minutes < hi
        out, df = out[keep], df[keep]
    label = df["label"].astype(str).str.contains("From-Botnet").astype(int) if "label" in df.columns else None
    return out.reset_index(drop=True), None if label is None else label.reset_index(drop=True)


def port(v):
    if isinstance(v, str):
        v = v.strip()
        if v == "" or v.lower() == "nan":
            return -1.0
        return float(int(v, 16)) if v.lower().startswith("0x") else float(v)
    return -1.0 if pd.isna(v) else float(v)


def encode(df, vocab):
    x = np.empty((len(df), 8))
    proto = df["proto"].astype(str).str.strip().str.lower()
    state = df["state"].fillna("").astype(str).str.strip()
    x[:, 0] = [vocab["proto"].get(p, -1) for p in proto]
    for i, c in ((1, "dport"), (2, "sport")):
        values = [port(v) for v in df[c]]
        codes = vocab.get(c)
        x[:, i] = values if codes is None else [codes.get(v, -1) for v in values]
    x[:, 3] = [vocab["state"].get(s, -1) for s in state]
    for i, c in ((4, "dur"), (5, "totbytes"), (6, "srcbytes")):
        x[:, i] = pd.to_numeric(df[c], errors="coerce").fillna(-1).to_numpy()
    dur, tot = x[:, 4], x[:, 5]
    with np.errstate(divide="ignore", invalid="ignore"):
        x[:, 7] = np.where((dur > 0) & (tot >= 0), tot * 8 / dur, 0.0)
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", nargs="+", required=True)
    ap.add_argument("--eval")
    ap.add_argument("--score")
    ap.add_argument("--trees", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--ordinal-ports", action="store_true",
                    help="encode ports as ordinal codes of the training ports (unseen = -1), as baseline.md's stand-in")
    ap.add_argument("--exclude", help="leave out training flows that also occur in this file")
    args = ap.parse_args()
    if args.exclude:
        ex = pd.read_csv(args.exclude, low_memory=False)
        ex.columns = [c.lower().replace(" ", "") for c in ex.columns]
        tmp = pd.DataFrame({k: ex[next(a for a in v if a in ex.columns)] for k, v in ALIASES.items()})
        tmp["dstaddr"] = ex["dstaddr"]
        EXCLUDE.update(flow_keys(tmp))
    parts = [load(s, exclude=True) for s in args.train]
    train = pd.concat([p[0] for p in parts], ignore_index=True)
    y = pd.concat([p[1] for p in parts], ignore_index=True).to_numpy()
    vocab = {
        "proto": {v: i for i, v in enumerate(sorted(set(train["proto"].astype(str).str.strip().str.lower()) - {""}))},
        "state": {v: i for i, v in enumerate(sorted(set(train["state"].fillna("").astype(str).str.strip()) - {""}))},
    }
    if args.ordinal_ports:
        for c in ("dport", "sport"):
            seen = sorted(set(port(v) for v in train[c]) - {-1.0})
            vocab[c] = {v: i for i, v in enumerate(seen)}
    x = encode(train, vocab)
    start = time.time()
    clf = RandomForestClassifier(n_estimators=args.trees, random_state=args.seed, n_jobs=args.jobs)
    clf.fit(x, y)
    print(f"sklearn: trained {args.trees} trees on {len(y)} rows ({y.sum()} botnet) in {time.time() - start:.1f}s",
          file=sys.stderr)
    if args.eval:
        ev, ey = load(args.eval)
        p = clf.predict_proba(encode(ev, vocab))[:, 1]
        print(f"eval {args.eval}: rows={len(ey)} botnet={ey.sum()} PR-AUC={average_precision_score(ey, p):.6f} "
              f"ROC-AUC={roc_auc_score(ey, p):.6f} F1={f1_score(ey, p >= 0.5):.6f}")
        hosts = pd.DataFrame({"h": ev["srcaddr"], "s": p}).groupby("h")["s"].agg(["mean", "count"])
        flagged = hosts[(hosts["mean"] >= 0.5)].sort_values("mean", ascending=False)
        print("flagged hosts in eval:", flagged.to_dict("index"))
    if args.score:
        sc, _ = load(args.score)
        p = clf.predict_proba(encode(sc, vocab))[:, 1]
        hosts = pd.DataFrame({"h": sc["srcaddr"], "s": p}).groupby("h")["s"].agg(["mean", "count"])
        print(hosts.sort_values("mean", ascending=False).head(15))


if __name__ == "__main__":
    main()
