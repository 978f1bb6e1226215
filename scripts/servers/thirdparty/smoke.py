#!/usr/bin/env python3
"""Check the facts needle-eval's HTTP backend relies on against a running server, and show them.

    python smoke.py --base-url http://127.0.0.1:PORT [--model NAME] [--verbose]

Each check sends one small request (a few tokens; the over-long prompt is refused before any
work), so the whole run takes seconds. Prints one line per check, the request and answer with
--verbose, and 'N passed, N failed' last; exits 1 when any check fails. Standard library only.
"""

import argparse
import json
import sys
import urllib.error
import urllib.request

PROMPT = "The capital of France is"


class Client:
    def __init__(self, base, verbose):
        self.base = base.rstrip("/")
        self.verbose = verbose

    def call(self, method, path, body=None, raw=False):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        if self.verbose:
            shown = json.dumps(body) if body is not None else ""
            print(f"    > {method} {path} {shown[:300]}")
            print(f"    < {status} {text[:900]}")
        return status, (text if raw else json.loads(text))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", default=None, help="served model name (default: /v1/models' first id)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    c = Client(args.base_url, args.verbose)
    results = []

    def check(name, test):
        try:
            detail = test()
            results.append(True)
            print(f"ok    {name}" + (f": {detail}" if detail else ""))
        except Exception as error:  # a failed assertion or an unexpected answer
            results.append(False)
            print(f"FAIL  {name}: {type(error).__name__}: {error}")

    state = {}

    def health():
        status, body = c.call("GET", "/health")
        assert status == 200 and body == {"status": "ok"}, (status, body)

    def models():
        status, body = c.call("GET", "/v1/models")
        assert status == 200, status
        entry = body["data"][0]
        state["model"] = args.model or entry["id"]
        assert state["model"] == entry["id"], (state["model"], entry["id"])
        meta = entry["meta"]
        state["n_ctx_train"] = meta["n_ctx_train"]
        return f"id {entry['id']!r}, meta.n_ctx_train {meta['n_ctx_train']}, meta.n_ctx {meta['n_ctx']}, n_vocab {meta['n_vocab']}"

    def props():
        status, body = c.call("GET", "/props")
        assert status == 200, status
        state["n_ctx"] = body["default_generation_settings"]["n_ctx"]
        return f"default_generation_settings.n_ctx {state['n_ctx']} (per slot), total_slots {body['total_slots']}"

    def tokenize():
        status, body = c.call("POST", "/tokenize", {"content": PROMPT, "add_special": False})
        assert status == 200 and all(isinstance(t, int) for t in body["tokens"]), body
        state["ids"] = body["tokens"]
        _, with_special = c.call("POST", "/tokenize", {"content": PROMPT, "add_special": True})
        state["adds_bos"] = with_special["tokens"] != body["tokens"]
        status, back = c.call("POST", "/detokenize", {"tokens": body["tokens"]})
        assert status == 200 and back == {"content": PROMPT}, back
        return f"{state['ids']}; add_special true adds {'a BOS' if state['adds_bos'] else 'nothing'}"

    def completion_ids():
        body = {"model": state["model"], "prompt": state["ids"], "max_tokens": 6, "temperature": 0,
                "seed": 1, "cache_prompt": False}
        status, reply = c.call("POST", "/v1/completions", body)
        assert status == 200, reply
        usage, timings = reply["usage"], reply["timings"]
        assert usage["prompt_tokens"] == len(state["ids"]), ("a token was added", usage)
        assert usage["completion_tokens"] == 6 and reply["choices"][0]["finish_reason"] == "length", reply
        assert timings["prompt_n"] + timings["cache_n"] == usage["prompt_tokens"], timings
        state["text"] = reply["choices"][0]["text"]
        return f"{state['text']!r}, prompt_tokens {usage['prompt_tokens']}, prompt_n {timings['prompt_n']}, cache_n {timings['cache_n']}"

    def completion_text():
        body = {"model": state["model"], "prompt": PROMPT, "max_tokens": 6, "temperature": 0, "seed": 1}
        status, reply = c.call("POST", "/v1/completions", body)
        assert status == 200, reply
        assert reply["choices"][0]["text"] == state["text"], "text and ids prompts answer differently"
        expected = len(state["ids"]) + (1 if state["adds_bos"] else 0)
        assert reply["usage"]["prompt_tokens"] == expected, reply["usage"]
        return f"same answer; timings cache_n {reply['timings']['cache_n']} prompt_n {reply['timings']['prompt_n']}"

    def completion_stop():
        stop = state["text"].strip().split()[0] if state["text"].strip() else "."
        body = {"prompt": state["ids"], "max_tokens": 6, "temperature": 0, "stop": [stop]}
        status, reply = c.call("POST", "/v1/completions", body)
        assert status == 200 and reply["choices"][0]["finish_reason"] == "stop", reply
        assert stop not in reply["choices"][0]["text"], "the stop string is in the text"
        return f"stop {[stop]} -> text {reply['choices'][0]['text']!r}, finish_reason 'stop'"

    def completion_stream():
        body = {"prompt": state["ids"], "max_tokens": 6, "temperature": 0, "stream": True}
        status, text = c.call("POST", "/v1/completions", body, raw=True)
        assert status == 200, text
        events = [line[len("data: "):] for line in text.splitlines() if line.startswith("data: ")]
        assert events and events[-1] == "[DONE]", events[-1:]
        chunks = [json.loads(e) for e in events[:-1]]
        joined = "".join(ch["choices"][0]["text"] for ch in chunks)
        assert joined == state["text"], (joined, state["text"])
        last = chunks[-1]
        assert last["choices"][0]["finish_reason"] == "length" and "usage" in last and "timings" in last, last
        return f"{len(chunks)} chunks then [DONE]; the last has finish_reason, usage and timings"

    def chat():
        body = {"model": state["model"], "messages": [{"role": "user", "content": "What is the capital of France?"}],
                "max_tokens": 8, "temperature": 0, "seed": 1}
        status, reply = c.call("POST", "/v1/chat/completions", body)
        assert status == 200, reply
        message = reply["choices"][0]["message"]
        assert message["role"] == "assistant" and isinstance(message["content"], str), message
        _, applied = c.call("POST", "/apply-template", {"messages": body["messages"]})
        _, ids = c.call("POST", "/tokenize", {"content": applied["prompt"], "add_special": True})
        assert reply["usage"]["prompt_tokens"] == len(ids["tokens"]), (reply["usage"], len(ids["tokens"]))
        return f"{message['content']!r}, prompt_tokens {reply['usage']['prompt_tokens']} (the chat template applied)"

    def too_long():
        n = state["n_ctx"] + 10
        status, reply = c.call("POST", "/v1/completions", {"prompt": [state["ids"][0]] * n, "max_tokens": 1})
        assert status == 400, (status, reply)
        error = reply["error"]
        assert error["type"] == "exceed_context_size_error" and error["n_prompt_tokens"] == n, error
        assert error["n_ctx"] == state["n_ctx"], error
        status, reply = c.call("POST", "/v1/completions", {"prompt": [state["ids"][0]] * state["n_ctx"], "max_tokens": 1})
        assert status == 400, ("a prompt of exactly n_ctx tokens was accepted", status)
        return f"400 {error['type']}: {error['message']!r}; a prompt of exactly n_ctx tokens is refused too"

    def bad_token():
        status, reply = c.call("POST", "/v1/completions", {"prompt": [10 ** 6], "max_tokens": 1})
        assert status == 400, (status, reply)
        return f"400 {reply['error']['message']!r}"

    for name, test in [("GET /health", health), ("GET /v1/models", models), ("GET /props", props),
                       ("POST /tokenize, /detokenize", tokenize),
                       ("POST /v1/completions (token ids)", completion_ids),
                       ("POST /v1/completions (text)", completion_text),
                       ("POST /v1/completions (stop)", completion_stop),
                       ("POST /v1/completions (stream)", completion_stream),
                       ("POST /v1/chat/completions", chat),
                       ("prompt longer than the context", too_long),
                       ("token id outside the vocabulary", bad_token)]:
        check(name, test)
    failed = results.count(False)
    print(f"{results.count(True)} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
