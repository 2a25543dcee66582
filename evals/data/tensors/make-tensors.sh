#!/usr/bin/env bash
# Real neural-network weights as safetensors (float32 and bfloat16) for evaluating a lossless
# tensor compressor, plus their sizes under zstd -19, xz -9e and brotli q11.
#
#   make-tensors.sh OUT_DIR
#
# Needs python3 (3.11+) and PyPI; writes into OUT_DIR: <model>-f32.safetensors and
# <model>-bf16.safetensors for silero-vad-16k, ppocrv4-det, ppocrv4-rec (from pinned PyPI
# wheels, see make_tensors.py for sources and licences), ncodec-image-1 and ncodec-speech-1
# (from the repository's models/weights), then stats.md / stats.tsv and SHA256SUMS.
#
# Environment: VENV (default /tmp/venv-tensors) is created if missing; NCODEC_ROOT (default:
# the git work tree holding this script) is where models/weights is read from.
set -euo pipefail

out=${1:?usage: make-tensors.sh OUT_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${NCODEC_ROOT:-$(git -C "$here" rev-parse --show-toplevel)}
venv=${VENV:-/tmp/venv-tensors}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check \
    numpy==2.4.6 ml_dtypes==0.7.0 protobuf==7.36.2 typing_extensions==4.16.0 onnx==1.23.2 \
    safetensors==0.8.0 xxhash==4.1.0 zstandard==0.25.0 brotli==1.2.1

# The model wheels are only unpacked, never installed (rapidocr pulls in onnxruntime, opencv).
wheels=$(mktemp -d)
trap 'rm -rf "$wheels"' EXIT
"$venv/bin/pip" download -q --disable-pip-version-check --no-deps --only-binary=:all: \
    --ignore-requires-python -d "$wheels" silero-vad==6.2.3 rapidocr-onnxruntime==1.4.4
(cd "$wheels" && sha256sum -c --quiet - <<'EOF'
7b7f5436cfcb02fae583a05b512ea96467fd449fe54cb49a5e4f06c51a1e43b8  silero_vad-6.2.3-py3-none-any.whl
971d7d5f223a7a808662229df1ef69893809d8457d834e6373d3854bc1782cbf  rapidocr_onnxruntime-1.4.4-py3-none-any.whl
EOF
)

"$venv/bin/python" "$here/make_tensors.py" extract "$wheels" "$root" "$out"
"$venv/bin/python" "$here/make_tensors.py" measure "$out"
(cd "$out" && sha256sum -- *.safetensors > SHA256SUMS)
cat "$out/stats.md"
