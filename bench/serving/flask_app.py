"""The lesson's Flask app (Topic 5, the version with error handling), served by gunicorn in the benchmark.

Only change from the lesson: the model path comes from IRIS_MODEL_PATH instead of 'model/iris_rf.joblib'.
Run: IRIS_MODEL_PATH=iris.joblib gunicorn -w 2 -b 127.0.0.1:5000 flask_app:app
"""
import os

import joblib
import numpy as np
from flask import Flask, jsonify, request

app = Flask(__name__)

model_bundle = joblib.load(os.environ.get("IRIS_MODEL_PATH", "model/iris_rf.joblib"))
model = model_bundle["model"]
target_names = model_bundle.get("target_names", None)


@app.route("/")
def index():
    return "Iris Model Server. Use POST /predict with JSON."


@app.route("/predict", methods=["POST"])
def predict():
    try:
        data = request.get_json(force=True)
        if not data or "instances" not in data:
            return jsonify({"error": "Missing instances in request"}), 400

        instances = data["instances"]
        arr = np.array(instances, dtype=float)
        predictions = model.predict(arr)

        response = {
            "predictions": predictions.tolist(),
            "labels": [target_names[int(p)] for p in predictions],
        }
        return jsonify(response), 200

    except Exception as e:
        return jsonify({"error": str(e)}), 500
