#!/usr/bin/env python3
"""Checks `needle-eval serve` with the official `openai` Python client.

Completions (text and token-id prompts), streaming (chunks must join to the
non-streamed text), chat (plain and streamed), the prefix cache reported on a
request that extends the previous one, and refusals (unknown model: 404,
negative max_tokens: 400) raised as the client's own exception types. Prints
one line per check; exits 1 on the first mismatch, 2 when `openai` is missing.

    needle-eval serve --port 0 &        # prints: listening on http://127.0.0.1:PORT
    python3 scripts/serve/openai_client_check.py --base-url http://127.0.0.1:PORT/v1
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request

try:
    import openai
except ImportError:
    print("the openai package is missing: pip install openai", file=sys.stderr)
    sys.exit(2)


class Mismatch(Exception):
    pass


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise Mismatch(what)
    print(f"ok   {what}")


def tokenize(server_root: str, text: str, api_key: str) -> list[int]:
    request = urllib.request.Request(
        server_root + "/tokenize",
        data=json.dumps({"prompt": text}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["tokens"]


def run(base_url: str, api_key: str) -> None:
    client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=120)
    server_root = base_url.rstrip("/").removesuffix("/v1")

    models = client.models.list().data
    expect(len(models) == 1, "models.list: one model")
    model = models[0].id
    print(f"     model {model!r}")

    prompt = "The special magic number for the quiet lighthouse is 8312. The special magic number is"
    whole = client.completions.create(model=model, prompt=prompt, max_tokens=12, temperature=0)
    text = whole.choices[0].text
    expect(isinstance(text, str) and whole.choices[0].finish_reason in ("stop", "length"), "completions: text and finish_reason")
    expect(whole.usage.prompt_tokens == len(prompt.encode()) + 1, "completions: prompt_tokens = bytes + BOS")
    expect(whole.usage.total_tokens == whole.usage.prompt_tokens + whole.usage.completion_tokens, "completions: total_tokens")

    again = client.completions.create(model=model, prompt=prompt, max_tokens=12, temperature=0)
    expect(again.choices[0].text == text, "completions: greedy is deterministic")

    pieces = []
    finish = None
    for chunk in client.completions.create(model=model, prompt=prompt, max_tokens=12, temperature=0, stream=True):
        if chunk.choices:
            pieces.append(chunk.choices[0].text or "")
            finish = chunk.choices[0].finish_reason or finish
    expect("".join(pieces) == text, "completions stream: chunks join to the same text")
    expect(finish == whole.choices[0].finish_reason, "completions stream: same finish_reason")

    ids = tokenize(server_root, prompt, api_key)
    by_ids = client.completions.create(model=model, prompt=ids, max_tokens=12, temperature=0)
    expect(by_ids.usage.prompt_tokens == len(ids), "token-id prompt: used as given")
    expect(by_ids.choices[0].text == text, "token-id prompt: same text as the text prompt (ids include BOS)")

    longer = prompt + text + " Repeat the number:"
    follow = client.completions.create(model=model, prompt=longer, max_tokens=4, temperature=0)
    details = follow.usage.prompt_tokens_details
    cached = getattr(details, "cached_tokens", None) if details is not None else None
    expect(isinstance(cached, int) and cached >= 0, f"prefix cache: cached_tokens reported ({cached})")

    messages = [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "What is the number?"}]
    chat = client.chat.completions.create(model=model, messages=messages, max_tokens=10, temperature=0)
    content = chat.choices[0].message.content
    expect(chat.choices[0].message.role == "assistant" and isinstance(content, str), "chat: an assistant message")
    streamed = ""
    for chunk in client.chat.completions.create(model=model, messages=messages, max_tokens=10, temperature=0, stream=True):
        if chunk.choices and chunk.choices[0].delta.content:
            streamed += chunk.choices[0].delta.content
    expect(streamed == content, "chat stream: deltas join to the same content")

    first = client.completions.create(model=model, prompt="Once", max_tokens=8, temperature=0.9, seed=11)
    second = client.completions.create(model=model, prompt="Once", max_tokens=8, temperature=0.9, seed=11)
    expect(first.choices[0].text == second.choices[0].text, "sampling: same seed, same text")

    try:
        client.completions.create(model="no-such-model", prompt="x", max_tokens=1)
        raise Mismatch("unknown model: no error raised")
    except openai.NotFoundError as error:
        expect(error.status_code == 404, "unknown model: NotFoundError 404")
    try:
        client.completions.create(model=model, prompt="x", max_tokens=-1)
        raise Mismatch("negative max_tokens: no error raised")
    except openai.BadRequestError as error:
        expect(error.status_code == 400 and "max_tokens" in str(error), "negative max_tokens: BadRequestError 400")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True, help="the server's /v1 URL, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--api-key", default="none", help="the server's key when it runs with --api-key-env")
    args = parser.parse_args()
    try:
        run(args.base_url, args.api_key)
    except Mismatch as mismatch:
        print(f"FAIL {mismatch}", file=sys.stderr)
        return 1
    print(f"all checks passed (openai {openai.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
