#!/usr/bin/python3
"""Reference values for tests/eval/metrics_test.cc (MetricsMatchScikitLearn).

Generates 3,000 (score, label) pairs with SplitMix64 (seed 42), the same
generator the test implements, and prints scikit-learn's roc_auc_score and
average_precision_score for two score vectors: one with many ties (scores
k/100, 99 distinct values) and one continuous. The test hard-codes them.

Run with Debian's interpreter:  /usr/bin/python3 tools/eval_metrics_reference.py
Written with scikit-learn 1.2.1; output then:
  sklearn 1.2.1
  positives 875 distinct tied scores 99
  tied 0.6767865546218488 0.5534200486247198
  continuous 0.7120672268907562 0.5987155135423914
"""
import sklearn
from sklearn.metrics import average_precision_score, roc_auc_score

M = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & M

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        return z ^ (z >> 31)


def generate(n, seed):
    """Per row, in this order: label (30 % positives), tied score, continuous score."""
    g = SplitMix64(seed)
    tied, continuous, labels = [], [], []
    for _ in range(n):
        label = 1 if g.next() % 10 < 3 else 0
        low = g.next() % 71
        high = g.next() % 30
        tied.append((low + label * high) / 100.0)
        continuous.append((g.next() >> 11) * 2.0**-53 + 0.25 * label)
        labels.append(label)
    return tied, continuous, labels


def main():
    tied, continuous, labels = generate(3000, 42)
    print("sklearn", sklearn.__version__)
    print("positives", sum(labels), "distinct tied scores", len(set(tied)))
    for name, scores in (("tied", tied), ("continuous", continuous)):
        print(name, repr(roc_auc_score(labels, scores)), repr(average_precision_score(labels, scores)))


if __name__ == "__main__":
    main()
