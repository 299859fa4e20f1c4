"""Train the lesson's iris model for the serving benchmark and save it the way the lesson does (joblib bundle).

The lesson serves a joblib'd scikit-learn model from a Flask app; the ONNX side of the benchmark serves an MLP of
the same size (4 -> 8 -> 3), so this trains MLPClassifier(hidden_layer_sizes=(8,)) on scikit-learn's bundled iris.
Usage: python3 train_iris.py OUTPUT.joblib
"""
import sys

import joblib
from sklearn.datasets import load_iris
from sklearn.neural_network import MLPClassifier


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: train_iris.py OUTPUT.joblib")
    iris = load_iris()
    model = MLPClassifier(hidden_layer_sizes=(8,), max_iter=2000, random_state=0)
    model.fit(iris.data, iris.target)
    bundle = {"model": model, "target_names": [str(name) for name in iris.target_names]}
    joblib.dump(bundle, sys.argv[1])
    print(f"trained: accuracy {model.score(iris.data, iris.target):.3f}, saved {sys.argv[1]}")


if __name__ == "__main__":
    main()
