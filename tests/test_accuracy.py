"""Gold-scored accuracy on the bundled sample, with the issue thresholds (tests/scoring.py)."""
from __future__ import annotations

import pytest

from .conftest import SAMPLE
from .scoring import THRESHOLDS, score


@pytest.fixture(scope="module")
def figures(gold, sample_export):
    f = score(gold, sample_export, SAMPLE)
    print(" ".join(f"{k}={v:.3f}" for k, v in f.items()))
    return f


@pytest.mark.parametrize("name,threshold", THRESHOLDS)
def test_accuracy(figures, name, threshold):
    assert figures[name] >= threshold, figures


def test_no_extra_reports(sample_export, gold):
    assert len(sample_export) == len(gold)


@pytest.mark.parametrize("name", [name for name, _ in THRESHOLDS])
def test_seeds_stay_perfect(figures, name):
    """The seeds are the product's own sample: a rule learnt on real pages must not cost them
    a single value (issue 11: 'Seeds stay at 1.0 on every field')."""
    assert figures[name] == 1.0, figures
