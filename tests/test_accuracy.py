"""Gold-scored accuracy on the bundled sample, with the issue thresholds."""
from __future__ import annotations

import pytest

from .conftest import SAMPLE
from .scoring import score


@pytest.fixture(scope="module")
def figures(gold, sample_export):
    f = score(gold, sample_export, SAMPLE)
    print(" ".join(f"{k}={v:.3f}" for k, v in f.items()))
    return f


@pytest.mark.parametrize("name,threshold", [
    ("reports_found", 0.95), ("year_acc", 0.9), ("unit_loose", 0.8), ("unit_type_acc", 0.8),
])
def test_ingestion_accuracy(figures, name, threshold):
    assert figures[name] >= threshold, figures


def test_no_extra_reports(sample_export, gold):
    assert len(sample_export) == len(gold)


EXTRACTION = [("metrics_P", 0.9), ("metrics_R", 0.85), ("placeholders_flagged", 0.9)]
SHORTCOMINGS = [("shortcomings_P", 0.85), ("shortcomings_R", 0.9)]


@pytest.mark.parametrize("name,threshold", EXTRACTION)
def test_extraction_accuracy(figures, name, threshold):
    assert figures[name] >= threshold, figures


@pytest.mark.parametrize("name,threshold", SHORTCOMINGS)
def test_shortcoming_accuracy(figures, name, threshold):
    assert figures[name] >= threshold, figures
