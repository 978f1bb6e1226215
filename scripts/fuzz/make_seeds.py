#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (Fuzz/corpus/TARGET/) from the test fixtures:
small model directories, trimmed tokenizer files, the shipped task specs, request and reply
bodies in the shapes real clients and servers send, shard databases written by needle-eval
itself, and offline prompt and answer lines. Seeds are kept small (libFuzzer mutates small
inputs faster) but whole: most of them load, so the fuzzer starts from the parsers' deep paths.

    scripts/fuzz/make_seeds.py [--binary .build/debug/needle-eval]

Standard library only, plus the needle-eval binary for the shard databases.
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")
RUNTIME_FIXTURES = os.path.join(ROOT, "Tests", "YOCORuntimeTests", "Fixtures")
TOKENIZER_FIXTURES = os.path.join(ROOT, "Tests", "TokenizersTests", "Fixtures")


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def safetensors(tensors, metadata=None):
    """A safetensors file of {name: (dtype, shape, raw bytes)}, tensors laid out in name order."""
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        dtype, shape, raw = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def safetensors_seeds():
    f32 = struct.pack("<4f", 1.0, -2.5, 0.0, 3.25)
    write("FuzzSafetensors", "f32_f16_bf16_i32", safetensors({
        "a": ("F32", [2, 2], f32), "b": ("F16", [3], struct.pack("<3e", 1.0, -0.5, 2.0)),
        "c": ("BF16", [2], b"\x80\x3f\x00\xc0"), "d": ("I32", [2], struct.pack("<2i", 7, -9)),
    }, metadata={"format": "pt"}))
    write("FuzzSafetensors", "empty_and_scalar", safetensors({"e": ("F32", [0, 4], b""), "s": ("F32", [], struct.pack("<f", 1.5))}))
    write("FuzzSafetensors", "other_dtypes", safetensors({"x": ("I8", [2], b"\x01\xff"), "y": ("F64", [1], struct.pack("<d", 2.0)),
                                                         "z": ("BOOL", [1], b"\x01")}))


def model_directory_seeds():
    """config.json, a zero byte, model.safetensors; the weights of a dim-8 model are tiny."""
    for fixture in sorted(os.listdir(RUNTIME_FIXTURES)):
        config_path = os.path.join(RUNTIME_FIXTURES, fixture, "config.json")
        if not os.path.exists(config_path):
            continue
        with open(config_path, "rb") as f:
            config = f.read()
        write("FuzzModelDirectory", f"config_only_{fixture}", config)
    # Whole directories of the smallest fixture model (its weights are about 220 KB): one as it
    # ships, one with its weights renamed so the shape checks run on a near miss.
    with open(os.path.join(RUNTIME_FIXTURES, "yoco_swa", "config.json"), "rb") as f:
        config = f.read()
    with open(os.path.join(RUNTIME_FIXTURES, "yoco_swa", "model.safetensors"), "rb") as f:
        weights = f.read()
    write("FuzzModelDirectory", "yoco_swa_whole", config + b"\0" + weights)
    write("FuzzModelDirectory", "yoco_swa_wrong_tensor", config + b"\0" + safetensors({"tok_embeddings.weight": ("F32", [1], b"\0\0\0\0")}))


def trimmed_tokenizer(path, keep=400):
    """A tokenizer.json with the first `keep` ids of its vocabulary and the merges among them."""
    with open(path, encoding="utf-8") as f:
        tok = json.load(f)
    model = tok.get("model") or {}
    vocab = model.get("vocab")
    if isinstance(vocab, dict):
        kept = {t: i for t, i in vocab.items() if i < keep}
        model["vocab"] = kept
        merges = []
        for m in model.get("merges", []):
            a, b = m.split(" ", 1) if isinstance(m, str) else m
            if a in kept and b in kept and a + b in kept:
                merges.append(m)
        model["merges"] = merges[:200]
    tok["added_tokens"] = [t for t in tok.get("added_tokens", []) if t.get("id", 0) < keep + 64][:8]
    return json.dumps(tok, ensure_ascii=False, separators=(",", ":")).encode()


def tokenizer_seeds():
    write("FuzzTokenizerJSON", "bytes", '{"type": "bytes", "bos_id": 256, "eos_id": 257, "pad_id": 258}')
    for fixture in sorted(os.listdir(TOKENIZER_FIXTURES)):
        path = os.path.join(TOKENIZER_FIXTURES, fixture, "tokenizer.json")
        if os.path.exists(path):
            write("FuzzTokenizerJSON", fixture, trimmed_tokenizer(path))
        ranks = os.path.join(TOKENIZER_FIXTURES, fixture, "ranks.tiktoken")
        if os.path.exists(ranks):
            with open(ranks, "rb") as f:
                lines = f.read().split(b"\n")[:400]
            with open(os.path.join(TOKENIZER_FIXTURES, fixture, "tiktoken.json"), "rb") as f:
                config = f.read()
            write("FuzzTiktoken", fixture, config + b"\0" + b"\n".join(lines) + b"\n")
            write("FuzzTiktoken", fixture + "_by_name", b"\n".join(lines[:300]) + b"\n")


def task_seeds():
    tasks = os.path.join(ROOT, "tasks")
    for name in sorted(os.listdir(tasks)):
        with open(os.path.join(tasks, name), "rb") as f:
            write("FuzzTaskSpec", name, f.read())
    # The files haystack reads the folder the target writes beside the spec.
    write("FuzzTaskSpec", "files_haystack.json", json.dumps({
        "name": "files", "needle": "The code for {key} is {value}.", "question": "What is the code for {key}?",
        "keys": {"kind": "cities"}, "values": {"kind": "number", "digits": 5}, "needles": 2, "queries": 1,
        "haystack": {"kind": "files", "path": "texts", "glob": "*.txt"}, "stop": ".", "lengths": ["1K", 2048],
        "depths": [0, 50, 100], "trials": 2, "seed": 3}, indent=1))


def request_seeds():
    bodies = {
        "completion_text": {"model": "yoco-niah-tiny", "prompt": "The number is", "max_tokens": 8, "temperature": 0, "stop": ["."]},
        "completion_ids": {"prompt": [256, 84, 104, 101], "max_tokens": 4, "stream": True, "stream_options": {"include_usage": True}},
        "completion_list": {"prompt": [[256, 65, 66]], "max_completion_tokens": 2, "seed": 7, "top_p": 0.9, "temperature": 0.7},
        "chat": {"model": "yoco-niah-tiny", "messages": [{"role": "system", "content": "Answer briefly."},
                                                         {"role": "user", "content": [{"type": "text", "text": "What is 2+2?"}]}],
                 "max_tokens": 4, "stop": "\n", "temperature": 0},
        "tokenize_llama": {"content": "Hello world", "add_special": False, "with_pieces": True},
        "tokenize_vllm": {"model": "yoco-niah-tiny", "prompt": "Größe 🙂", "add_special_tokens": True},
        "detokenize": {"tokens": [72, 101, 108, 108, 111, 256]},
        "unsupported": {"prompt": "x", "n": 2, "logprobs": 3, "stop": None},
    }
    for name, body in bodies.items():
        write("FuzzServerRequest", name, json.dumps(body, ensure_ascii=False))
    write("FuzzServerRequest", "numbers", '{"prompt":"a","max_tokens":1.0e1,"temperature":-0.0,"seed":-9223372036854775808}')


def response_seeds():
    completion = {"id": "cmpl-1", "object": "text_completion", "model": "m",
                  "choices": [{"index": 0, "text": " 4821", "finish_reason": "stop"}],
                  "usage": {"prompt_tokens": 1024, "completion_tokens": 3, "total_tokens": 1027,
                            "prompt_tokens_details": {"cached_tokens": 1000}},
                  "stop_type": "word", "timings": {"prompt_n": 24, "cache_n": 1000, "prompt_ms": 12.5, "predicted_ms": 4.0}}
    chat = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "4821"}, "finish_reason": "length"}],
            "usage": {"prompt_tokens": 30, "completion_tokens": 2}}
    stream = "".join(f"data: {json.dumps(e)}\n\n" for e in [
        {"choices": [{"index": 0, "text": " 48"}]}, {"choices": [{"index": 0, "text": "21", "finish_reason": "stop"}]},
        {"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 2}}]) + ": keep-alive\r\n\r\ndata: [DONE]\n\n"
    chat_stream = "event: message\r\nid: 1\r\n" + "".join(f"data: {json.dumps(e)}\r\n\r\n" for e in [
        {"choices": [{"index": 0, "delta": {"role": "assistant"}}]},
        {"choices": [{"index": 0, "delta": {"content": "Größe"}, "finish_reason": None}]}]) + "data: [DONE]"
    models = {"object": "list", "data": [{"id": "m", "object": "model", "max_model_len": 8192, "meta": {"n_ctx_train": 4096}}]}
    props = {"default_generation_settings": {"n_ctx": 2048}}
    replies = {
        "completion": json.dumps(completion), "chat": json.dumps(chat), "stream": stream, "chat_stream": chat_stream,
        "models_props": json.dumps(models) + "\0" + json.dumps(props),
        "tokenize_pieces": json.dumps({"tokens": [{"id": 9906, "piece": "Hello"}, {"id": 220, "piece": [226, 150]}]}),
        "tokenize_ids": json.dumps({"tokens": [1, 2, 3], "count": 3, "max_model_len": 4096}),
        "detokenize": json.dumps({"content": "Hello"}),
        "error": json.dumps({"error": {"message": "context length exceeded", "type": "invalid_request_error", "code": 400}}),
        "retry_after": "120",
    }
    for i, (name, body) in enumerate(replies.items()):
        write("FuzzBackendResponse", name, bytes([i * 7 % 256]) + body.encode())


def shard_seeds(binary):
    if not os.access(binary, os.X_OK):
        sys.exit(f"{binary}: not built; run `swift build` first or pass --binary")
    model = os.path.join(RUNTIME_FIXTURES, "yoco_swa")
    with tempfile.TemporaryDirectory() as scratch:
        for shard in ["1/2", "2/2"]:
            db = os.path.join(scratch, "shard.sqlite")
            subprocess.run([binary, "run", "--db", db, "--model", model, "--lengths", "1K", "--depths", "0,100",
                            "--trials", "1", "--shard", shard, "--task", os.path.join(ROOT, "tasks", "niah_single.json")], check=True, capture_output=True, cwd=scratch)
            # One file, as users hand shards over: checkpoint the WAL into it.
            subprocess.run(["sqlite3", db, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;"], check=True, capture_output=True)
            with open(db, "rb") as f:
                write("FuzzShardMerge", "shard_" + shard.replace("/", "_of_"), f.read())
            os.remove(db)


def offline_seeds():
    folder = os.path.join(ROOT, "Tests", "NeedleEvalTests", "Fixtures", "offline")
    for name in ["answers.jsonl", "prompts.jsonl"]:
        with open(os.path.join(folder, name), "rb") as f:
            lines = f.read().split(b"\n")
        write("FuzzOfflineResults", name, b"\n".join(lines[:3]) + b"\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "needle-eval"))
    args = parser.parse_args()
    shutil.rmtree(CORPUS, ignore_errors=True)
    safetensors_seeds()
    model_directory_seeds()
    tokenizer_seeds()
    task_seeds()
    request_seeds()
    response_seeds()
    shard_seeds(args.binary)
    offline_seeds()
    for target in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, target))
        size = sum(os.path.getsize(os.path.join(CORPUS, target, f)) for f in files)
        print(f"{target}: {len(files)} seeds, {size} bytes")


if __name__ == "__main__":
    main()
