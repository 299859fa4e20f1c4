#!/usr/bin/env bash
# The one test command (`npm test`): sets up everything the tests need on a fresh Debian machine, builds, checks
# types and layering, then runs every suite (unit, the ONNX backend suite, web-mode E2E in Chromium, Electron E2E
# where a binary exists) in one node:test run, so one summary closes the output.
set -euo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1   # Electron's binary comes from GitHub; CI cannot reach it.
export NODE_OPTIONS="${NODE_OPTIONS:-} --max-old-space-size=4096"

step() { printf '\n== %s\n' "$*"; }

step "System packages"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/share/libonnx-testdata/data/node/test_abs/model.onnx ] || missing+=(libonnx-testdata)
command -v promtool >/dev/null || missing+=(prometheus)   # promtool checks the serving runtime's /metrics
command -v dockerd >/dev/null || missing+=(docker.io)      # a real Docker Engine for the image/container tests
command -v docker-registry >/dev/null || missing+=(docker-registry)   # a real registry on loopback to push to
command -v htpasswd >/dev/null || missing+=(apache2-utils) # the registry's password file
# Real model files for the safety scanner (and later conversion) tests, written by Debian's own Python packages.
/usr/bin/python3 -c 'import torch' 2>/dev/null || missing+=(python3-torch)
/usr/bin/python3 -c 'import sklearn, joblib' 2>/dev/null || missing+=(python3-sklearn python3-joblib)
/usr/bin/python3 -c 'import onnx' 2>/dev/null || missing+=(python3-onnx)
/usr/bin/python3 -c 'import requests' 2>/dev/null || missing+=(python3-requests)   # the lesson's client, against the runtime
command -v curl >/dev/null || missing+=(curl)
command -v lz4 >/dev/null || missing+=(lz4)               # compressed joblib files are unpacked to be scanned
command -v bzip2 >/dev/null || missing+=(bzip2)
command -v xz >/dev/null || missing+=(xz-utils)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing system packages: ${missing[*]}. Install them (Debian: sudo apt-get install ${missing[*]}) and run again." >&2
    exit 1
  fi
fi
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo missing)"
# ONNX Runtime's StringNormalizer opens the en_US.UTF-8 locale; without it 8 backend-suite models are rejected.
if ! locale -a 2>/dev/null | grep -qi '^en_US.utf-\?8$' && [ "$(id -u)" = 0 ] && command -v locale-gen >/dev/null; then
  sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen && locale-gen >/dev/null 2>&1 || true
fi

step "Docker Engine"
# The Docker tests talk to a real engine; start one when none answers (CI machines boot without it).
if ! docker info >/dev/null 2>&1 && [ -z "${DOCKER_HOST:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v dockerd >/dev/null; then
    mkdir -p test-output
    echo "starting dockerd (log: test-output/dockerd.log)"
    nohup dockerd >test-output/dockerd.log 2>&1 &
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  fi
fi
if docker info >/dev/null 2>&1; then
  echo "docker engine: $(docker version --format '{{.Server.Version}}' 2>/dev/null)"
else
  echo "No Docker Engine answers and none could be started: install Docker and start it, then run again." >&2
  exit 1
fi

step "npm dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  echo "node_modules up to date"
fi

step "Build"
node scripts/build.mjs
export MODELDOCK_BUILT=1   # test files then skip their own build

step "Type check and layer rules"
npx tsc -p tsconfig.json --noEmit
npx tsc -p tsconfig.web.json --noEmit
node scripts/check-layers.mjs

step "Tests"
mkdir -p test-output
node --import tsx --test --test-concurrency=2 --test-reporter=spec \
  tests/unit/*.test.ts tests/backend-suite/*.test.ts tests/serving/*.test.ts tests/docker/*.test.ts tests/e2e/*.test.ts
