#!/usr/bin/env python3
"""Gradient boosting and logistic regression on the bank data, on the split
`leadscore calibrate` uses (docs/calibration.md#gradient-boosting).

    scripts/gb-baseline                      # installs python3-sklearn when missing
    python3 benchmarks/calibration/gb_baseline.py [--csv PATH] [--folds 5] [--quick]

The CSV defaults to $LEADSCORE_SHARED_DIR/data/bank-marketing.csv, else
../shared/data/bank-marketing.csv beside the repository (as the tests).

Inputs: exactly the 15 columns calibrate reads through
examples/data/bank-marketing-calibration.map.json (age, job, marital,
education, default, balance, housing, loan, contact, day, month, campaign,
pdays, previous, poutcome), read the way that mapping reads them: "" and
"unknown" are missing, pdays -1 is missing, default/housing/loan are booleans.
`duration` is left out (it is only known after the call: it leaks the
outcome), `y` is the outcome.

Split: lead i (0-based, input order) is held out when i mod 10 < 3, the
default of calibrate. Every choice (the penalty of the logistic regression,
the gradient-boosting grid) is made by cross-validation on the training leads
only, with calibrate's folds (training lead k is in fold k mod 5); the holdout
is only scored. Deterministic: fixed random_state, no shuffling.

Prints one line per model: CV ROC AUC and log-loss on the training leads, and
the holdout ROC AUC and log-loss.
"""

import argparse
import csv
import itertools
import os
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

NUMBERS = ["age", "balance", "day", "campaign", "pdays", "previous"]
BOOLS = ["default", "housing", "loan"]
STRINGS = ["job", "marital", "education", "contact", "month", "poutcome"]
# The order of the mapping's attributes.
COLUMNS = ["age", "job", "marital", "education", "default", "balance", "housing", "loan",
           "contact", "month", "day", "campaign", "pdays", "previous", "poutcome"]
MISSING = {"", "unknown"}
SEED = 0


def read_bank(path):
    """Returns (columns: name -> list of raw texts or None when missing, y)."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        raw = {c: [] for c in COLUMNS}
        y = []
        for row in reader:
            for c in COLUMNS:
                v = row[c]
                if v in MISSING or (c == "pdays" and v == "-1"):
                    v = None
                raw[c].append(v)
            y.append(1 if row["y"] == "yes" else 0)
    return raw, np.array(y, dtype=np.int64)


def bool_value(v):
    return np.nan if v is None else (1.0 if v == "yes" else 0.0)


def ordinal_matrix(raw):
    """Numbers as numbers (NaN when missing), booleans 0/1, strings as category
    codes (sorted values; missing = NaN, which the trees treat as missing).
    Returns (X, categorical mask, names)."""
    cols, cat = [], []
    for c in COLUMNS:
        v = raw[c]
        if c in NUMBERS:
            cols.append([np.nan if x is None else float(x) for x in v])
            cat.append(False)
        elif c in BOOLS:
            cols.append([bool_value(x) for x in v])
            cat.append(False)
        else:
            levels = sorted({x for x in v if x is not None})
            code = {x: float(i) for i, x in enumerate(levels)}
            cols.append([np.nan if x is None else code[x] for x in v])
            cat.append(True)
    return np.array(cols, dtype=np.float64).T, np.array(cat), list(COLUMNS)


def one_hot_matrix(raw, train, number_bins):
    """One column per string value and per boolean (missing is a value of its
    own: a column "c=missing"). Numbers standardised on the training leads (a
    missing number: 0 and a "c missing" column), or, with number_bins, one-hot
    in that many quantile bins of the training leads (plus "missing")."""
    cols, names = [], []
    n = len(raw[COLUMNS[0]])
    for c in COLUMNS:
        v = raw[c]
        if c in NUMBERS:
            miss = np.array([x is None for x in v])
            x = np.array([0.0 if s is None else float(s) for s in v])
            if number_bins:
                edges = np.unique(np.quantile(x[train & ~miss],
                                              np.linspace(0, 1, number_bins + 1)[1:-1]))
                b = np.searchsorted(edges, x, side="right")
                for k in range(len(edges) + 1):
                    cols.append(((b == k) & ~miss).astype(float))
                    names.append(f"{c}.bin{k}")
            else:
                mu, sd = x[train & ~miss].mean(), x[train & ~miss].std() or 1.0
                cols.append(np.where(miss, 0.0, (x - mu) / sd))
                names.append(c)
            if miss[train].any():
                cols.append(miss.astype(float))
                names.append(f"{c}.missing")
        else:
            values = sorted({"missing" if s is None else s for s in v})
            for val in values:
                cols.append(np.array([("missing" if s is None else s) == val for s in v], float))
                names.append(f"{c}={val}")
    X = np.array(cols).T
    assert X.shape[0] == n
    return X, names


def folds_of(n_train, k):
    """calibrate's folds: training lead j (j-th training lead in input order)
    is in fold j mod k."""
    return np.arange(n_train) % k


def cross_validate(make, X, y, fold, k):
    """Out-of-fold probabilities of the model `make()` on the training leads."""
    p = np.zeros(len(y))
    for f in range(k):
        m = make()
        m.fit(X[fold != f], y[fold != f])
        p[fold == f] = m.predict_proba(X[fold == f])[:, 1]
    return p


def report(name, cv_p, y_train, model, X_test, y_test, rows, extra=""):
    p = model.predict_proba(X_test)[:, 1]
    row = (name, roc_auc_score(y_train, cv_p) if cv_p is not None else float("nan"),
           log_loss(y_train, cv_p) if cv_p is not None else float("nan"),
           roc_auc_score(y_test, p), log_loss(y_test, p), extra)
    rows.append(row)
    print(f"{row[0]:<44} CV AUC {row[1]:.4f}  CV log-loss {row[2]:.5f}  "
          f"holdout AUC {row[3]:.4f}  holdout log-loss {row[4]:.5f}  {row[5]}", flush=True)


def logistic(raw, y, train, test, fold, k, number_bins, rows):
    X, _ = one_hot_matrix(raw, train, number_bins)
    Xtr, ytr = X[train], y[train]
    best = None
    for c in [0.01, 0.1, 1.0, 10.0]:
        make = lambda c=c: LogisticRegression(C=c, max_iter=5000, solver="lbfgs")
        p = cross_validate(make, Xtr, ytr, fold, k)
        score = log_loss(ytr, p)
        if best is None or score < best[0]:
            best = (score, c, p)
    m = LogisticRegression(C=best[1], max_iter=5000, solver="lbfgs").fit(Xtr, ytr)
    what = f"numbers in {number_bins} quantile bins" if number_bins else "numbers linear"
    report(f"(a) logistic regression, one-hot, {what}", best[2], ytr, m, X[test], y[test], rows,
           f"C={best[1]} (CV log-loss), {X.shape[1]} columns")


def hgb(categorical, interaction_cst=None, **params):
    return HistGradientBoostingClassifier(
        categorical_features=categorical, interaction_cst=interaction_cst,
        random_state=SEED, **params)


def tuned(name, X, y, train, test, fold, k, categorical, grid, rows, interaction_cst=None):
    """The grid point with the best CV ROC AUC on the training leads, refitted on
    all of them (early stopping on 10% of them, fixed seed)."""
    Xtr, ytr = X[train], y[train]
    results = []
    keys = sorted(grid)
    for values in itertools.product(*(grid[key] for key in keys)):
        params = dict(zip(keys, values))
        make = lambda: hgb(categorical, interaction_cst, max_iter=2000, early_stopping=True,
                           n_iter_no_change=20, **params)
        p = cross_validate(make, Xtr, ytr, fold, k)
        results.append((roc_auc_score(ytr, p), -log_loss(ytr, p), params, p))
    results.sort(key=lambda r: (r[0], r[1]), reverse=True)
    auc, _, params, p = results[0]
    m = hgb(categorical, interaction_cst, max_iter=2000, early_stopping=True,
            n_iter_no_change=20, **params).fit(Xtr, ytr)
    shown = ", ".join(f"{key}={params[key]}" for key in keys)
    report(name, p, ytr, m, X[test], y[test], rows,
           f"{shown}; {m.n_iter_} trees; best of {len(results)} grid points")


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    shared = os.environ.get("LEADSCORE_SHARED_DIR", os.path.join(root, "..", "shared"))
    ap.add_argument("--csv", default=os.path.join(shared, "data", "bank-marketing.csv"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="a smaller grid (for a smoke test)")
    a = ap.parse_args()
    start = time.time()
    raw, y = read_bank(a.csv)
    n = len(y)
    idx = np.arange(n)
    test = idx % 10 < 3
    train = ~test
    k = a.folds
    fold = folds_of(int(train.sum()), k)
    print(f"bank-marketing: {n} leads, {train.sum()} for training ({y[train].sum()} converted), "
          f"{test.sum()} held out ({y[test].sum()} converted); {k}-fold CV on the training "
          f"leads (fold = training index mod {k}); sklearn HistGradientBoostingClassifier, "
          f"random_state {SEED}", flush=True)
    rows = []
    logistic(raw, y, train, test, fold, k, 0, rows)
    logistic(raw, y, train, test, fold, k, 10, rows)

    X, cat, names = ordinal_matrix(raw)
    Xoh, _ = one_hot_matrix(raw, train, 0)
    Xtr, ytr = X[train], y[train]
    # (b) default parameters (early stopping is "auto": on, since n > 10,000).
    p = cross_validate(lambda: hgb(cat), Xtr, ytr, fold, k)
    m = hgb(cat).fit(Xtr, ytr)
    report("(b) gradient boosting, default parameters", p, ytr, m, X[test], y[test], rows,
           f"categorical strings; {m.n_iter_} trees")

    if a.quick:
        grid = {"learning_rate": [0.1], "max_leaf_nodes": [15], "l2_regularization": [0.0],
                "min_samples_leaf": [20]}
    else:
        grid = {"learning_rate": [0.05, 0.1], "max_leaf_nodes": [7, 15, 31],
                "l2_regularization": [0.0, 1.0], "min_samples_leaf": [20]}
    tuned("(c) gradient boosting, tuned, categorical", X, y, train, test, fold, k, cat, grid, rows)
    tuned("(c) gradient boosting, tuned, one-hot", Xoh, y, train, test, fold, k, None, grid,
          rows)
    d = len(names)
    pairs = [{i, j} for i in range(d) for j in range(i + 1, d)]
    tuned("(d) gradient boosting, pairs only (GA2M-like)", X, y, train, test, fold, k, cat, grid,
          rows, pairs)
    singles = [{i} for i in range(d)]
    tuned("(e) gradient boosting, no interaction (GAM)", X, y, train, test, fold, k, cat, grid,
          rows, singles)
    print(f"{time.time() - start:.0f} s", flush=True)
    print("\n| model | CV log-loss (training) | CV ROC AUC (training) | holdout ROC AUC | "
          "holdout log-loss | chosen |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[2]:.5f} | {r[1]:.4f} | **{r[3]:.4f}** | {r[4]:.5f} | {r[5]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
