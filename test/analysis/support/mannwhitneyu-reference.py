"""The reference for Vane's Mann-Whitney U test: scipy.stats.mannwhitneyu on sample pairs read as JSON from stdin.

Input: [{"x": [...], "y": [...], "alternative": "two-sided" | "less" | "greater",
         "method": "auto" | "exact" | "asymptotic", "useContinuity": true | false}, ...]
Output: {"scipy": "<version>", "results": [{"statistic": U, "pvalue": p, "method": "exact" | "asymptotic"}, ...]}
Floats are written with repr, so they read back bit for bit. `method` is what scipy used: for "auto", the choice of
its own `_mwu_choose_method` (scipy 1.10, the version Debian bookworm packages as python3-scipy).
"""
import json
import sys

import numpy as np
import scipy
from scipy.stats import _mannwhitneyu, mannwhitneyu
from scipy.stats._mannwhitneyu import _mwu_choose_method

# scipy 1.10 keeps the exact distribution's memo table (m+1)·(n+1)·(k+1) between calls and only ever grows it to
# the largest of each dimension seen: 8 against 500 and then 500 against 8 would make it 501·501·4001 doubles (8 GB).
# Start a fresh table before a call that would grow it past this many entries (the values do not change, only the
# time spent recomputing them).
MEMO_LIMIT = 40_000_000


def keep_memo_small(m, n):
    state = _mannwhitneyu._mwu_state
    shape = np.maximum(state._fmnks.shape, (m + 1, n + 1, m * n + 1))
    if np.prod(shape, dtype=np.int64) > MEMO_LIMIT:
        _mannwhitneyu._mwu_state = _mannwhitneyu._MWU()


def method_used(case):
    if case["method"] != "auto":
        return case["method"]
    x = np.asarray(case["x"], dtype=float)
    y = np.asarray(case["y"], dtype=float)
    return _mwu_choose_method(len(x), len(y), np.concatenate((x, y)), "auto")


def main():
    results = []
    for case in json.load(sys.stdin):
        keep_memo_small(len(case["x"]), len(case["y"]))
        res = mannwhitneyu(case["x"], case["y"], use_continuity=case["useContinuity"],
                           alternative=case["alternative"], method=case["method"])
        results.append({"statistic": float(res.statistic), "pvalue": float(res.pvalue), "method": method_used(case)})
    json.dump({"scipy": scipy.__version__, "results": results}, sys.stdout)


main()
