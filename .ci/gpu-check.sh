#!/usr/bin/env bash
# nnxspec on a GPU machine: the jit and backend laws against the reference, on cpu and gpu.
#
# For the lent GPU machine (python 3.12, jax with CUDA, hypothesis, pytest; no network, no mypy,
# nnxspec not pip-installed).  Run from anywhere; it works in the repository root it lives in:
#
#     bash .ci/gpu-check.sh                 # JIT and BE laws, ci profile, cpu and gpu
#     LAWS=all bash .ci/gpu-check.sh        # every law (jit/backend laws per backend, the rest on gpu)
#     PROFILE=dev bash .ci/gpu-check.sh     # fewer examples
#
# Writes to $OUT (default ./gpu-report): results.json (the exact nnxspec report shape), log.txt,
# env.txt, and report/ (results.md, records.json, vectors/ of any failure).  Exit status: that of
# `nnxspec check` (0 iff nothing failed unexpectedly), or 3 when jax sees no gpu.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$PWD/gpu-report}"
PROFILE="${PROFILE:-ci}"
LAWS="${LAWS:-JIT- or BE-}"
PY="${PYTHON:-python3}"
mkdir -p "$OUT/report"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1
export XLA_PYTHON_CLIENT_PREALLOCATE=false   # many tiny arrays: do not reserve most of the GPU
export PYTHONDONTWRITEBYTECODE=1

"$PY" - > "$OUT/env.txt" 2>&1 <<'PYEOF'
import platform, jax, jaxlib, numpy, hypothesis, pytest
print("python", platform.python_version())
print("jax", jax.__version__, "jaxlib", jaxlib.__version__, "numpy", numpy.__version__,
      "hypothesis", hypothesis.__version__, "pytest", pytest.__version__)
print("default backend", jax.default_backend())
for d in jax.devices():
    print("device", d, d.platform, getattr(d, "device_kind", "?"))
PYEOF
cat "$OUT/env.txt"
if ! grep -q "^device .* gpu " "$OUT/env.txt"; then
    echo "gpu-check: jax sees no gpu device here (see env.txt)"
    exit 3
fi

select=(-k "$LAWS")
if [ "$LAWS" = "all" ]; then select=(); fi
start=$(date +%s)
"$PY" -m spec.runner check --target reference --profile "$PROFILE" --backends cpu,gpu \
    "${select[@]}" --report "$OUT/report" 2>&1 | tee "$OUT/log.txt"
status=${PIPESTATUS[0]}
echo "gpu-check: nnxspec check exited $status after $(( $(date +%s) - start )) s" | tee -a "$OUT/log.txt"
if [ -f "$OUT/report/results.json" ]; then
    cp "$OUT/report/results.json" "$OUT/results.json"
fi
exit "$status"
