/**
 * What the bundled ONNX Runtime (onnxruntime-node 1.30) accepts. Measured by loading probe models in it: opset 27
 * fails with "Current official support for domain ai.onnx is till opset 26", ai.onnx.ml 6 with "till opset 5",
 * IR 14 with "max supported IR version: 13". tests/unit/model-validate.test.ts re-probes these, so an ONNX Runtime
 * upgrade that moves them fails a test instead of silently misreporting.
 */
export const ORT_MAX_OPSET: Record<string, number> = { '': 26, 'ai.onnx.ml': 5 };
export const ORT_MIN_DEFAULT_OPSET = 7;
export const ORT_MAX_IR_VERSION = 13;
export const ORT_MIN_IR_VERSION = 3;
