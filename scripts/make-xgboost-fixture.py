#!/usr/bin/env python3
"""Writes the XGBoost parity fixture used by Tests/FraudModelTests.

The Swift tests never run Python: they read what this script wrote once.

    python3 -m venv /tmp/xgb && /tmp/xgb/bin/pip install xgboost==3.2.0 numpy
    /tmp/xgb/bin/python scripts/make-xgboost-fixture.py Tests/FraudModelTests/Fixtures

Outputs, in the given folder:
  xgboost-model.json        the booster, from Booster.save_model (binary:logistic)
  xgboost-predictions.csv   one row per input: the 8 features (`nan` when missing) and
                            XGBoost's predicted probability, every value printed with repr()
                            so it reads back bit-exact.
"""
import os
import sys

import numpy as np
import xgboost as xgb

ROWS, FEATURES, TREES, DEPTH = 500, 8, 30, 4


def make_data(rng):
    x = rng.normal(size=(ROWS, FEATURES))
    x[:, 3] = rng.integers(0, 5, size=ROWS)  # a small-integer feature: many ties at split points
    x[:, 7] = np.round(x[:, 7], 1)
    margin = 1.5 * x[:, 0] - x[:, 1] * x[:, 2] + (x[:, 3] >= 3) - 0.8 * np.abs(x[:, 4]) + 0.3 * rng.normal(size=ROWS)
    y = (margin > 0.5).astype(np.float64)
    missing = rng.random(size=x.shape) < 0.08  # about 8 % missing, on every feature
    x[missing] = np.nan
    return x, y


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/FraudModelTests/Fixtures"
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20240501)
    x, y = make_data(rng)
    names = [f"f{i}" for i in range(FEATURES)]
    train = xgb.DMatrix(x, label=y, missing=np.nan, feature_names=names)
    params = {
        "objective": "binary:logistic",
        "max_depth": DEPTH,
        "eta": 0.3,
        "subsample": 0.8,
        "colsample_bytree": 0.9,
        "tree_method": "hist",
        "seed": 7,
        "nthread": 1,
    }
    booster = xgb.train(params, train, num_boost_round=TREES)
    booster.save_model(os.path.join(out, "xgboost-model.json"))
    predictions = booster.predict(xgb.DMatrix(x, missing=np.nan, feature_names=names))
    with open(os.path.join(out, "xgboost-predictions.csv"), "w") as f:
        f.write(",".join(names + ["prediction"]) + "\n")
        for row, p in zip(x, predictions):
            f.write(",".join([repr(float(v)) for v in row] + [repr(float(p))]) + "\n")
    print(f"xgboost {xgb.__version__}: {len(predictions)} predictions written to {out}")


if __name__ == "__main__":
    main()
