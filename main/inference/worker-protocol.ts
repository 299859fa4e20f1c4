import type { Dim, ElementType } from '../../shared/schemas/tensor';
import type { HostTensor } from './host-tensor';

/**
 * Messages between the engine (InferenceService) and the inference worker process. They cross a Node IPC channel
 * with serialization 'advanced' (structured clone), so typed arrays and bigints travel as they are.
 */

/** One graph input or output as ONNX Runtime reports it. Unnamed unknown dimensions are null. */
export interface IoMeta {
  name: string;
  isTensor: boolean;
  elementType: ElementType | null;
  dims: Dim[];
}

export interface ModelIo {
  inputs: IoMeta[];
  outputs: IoMeta[];
}

export interface SessionSettings {
  /** ONNX Runtime intra-op threads; 0 or absent lets ONNX Runtime choose. */
  intraOpNumThreads?: number;
}

export interface RunSpec {
  feeds: HostTensor[];
  /** Measured runs; outputs of the first are returned. */
  repeat: number;
  /** Untimed runs before measuring (benchmarks). */
  warmup: number;
  /** False for benchmarks: outputs are dropped in the worker instead of crossing back. */
  keepOutputs: boolean;
  /** Send progress events (throttled) while looping. */
  progress: boolean;
}

export type WorkerRequest =
  | { id: number; type: 'describe'; modelPath: string; settings: SessionSettings }
  | { id: number; type: 'run'; modelPath: string; settings: SessionSettings; run: RunSpec }
  | { id: number; type: 'release'; modelPath: string | null }
  | { id: number; type: 'cancel'; target: number }
  /** Only honoured when the worker runs with MODELDOCK_TEST_HOOKS=1: lets tests crash it for real. */
  | { id: number; type: 'test-crash'; how: 'abort' | 'exit' };

export interface DescribeResult {
  io: ModelIo;
  /** Milliseconds spent creating the session, or null when it was already loaded. */
  sessionCreateMs: number | null;
}

export interface RunResult extends DescribeResult {
  outputs: HostTensor[];
  /** Measured run times in milliseconds, timed in the worker around session.run. */
  timingsMs: number[];
  warmupMs: number[];
  /** True when a cancel arrived between runs; the timings so far are returned. */
  cancelled: boolean;
}

/** A failure inside the worker: the stage tells the engine how to explain it. */
export interface WorkerFailure {
  stage: 'load' | 'run' | 'request';
  message: string;
}

export type WorkerResponse =
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; error: WorkerFailure }
  | { id: number; type: 'progress'; phase: 'warmup' | 'measure'; done: number; total: number };
