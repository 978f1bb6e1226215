"""Train the shipped byte-level YOCO needle retriever (architecture: docs/ARCHITECTURE.md; the shipped
recipe: training/reproduce_shipped.sh, data from data.py).
New training takes its prompts from needle-eval itself (toolkit_source.py), so that they cannot drift
from what the toolkit evaluates:
  python3 training/train.py --name next --init-from models/yoco-niah-tiny \
      --toolkit-mix multi_needle:0.6,niah_multiquery:0.25,niah_single:0.15 --toolkit-haystack DIR ...
Example: python3 training/train.py --name tiny --hours 1.5
Resumable: python3 training/train.py --name tiny --resume"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from yoco import Config, build, init_weights   # noqa: E402
import data as D                                 # noqa: E402
import evaluate as E                             # noqa: E402
import keymining                                  # noqa: E402
import toolkit_source                            # noqa: E402

RUNS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--name", required=True, help="run folder training/runs/NAME")
    p.add_argument("--resume", action="store_true", help="continue from training/runs/NAME/ckpt.pt")
    p.add_argument("--hours", type=float, help="wall-clock budget; the curriculum is sized to it")
    p.add_argument("--max-steps", type=int, help="step budget (instead of --hours)")
    p.add_argument("--extend-hours", type=float,
                   help="with --resume: add a stage at the last length sized to this many more hours "
                        "(the cosine schedule is stretched to the new total)")
    p.add_argument("--stop-at", type=int, default=None,
                   help="end the run at this step (checkpoint written), the schedule still that of the whole plan")
    p.add_argument("--plan", help="explicit curriculum LEN:STEPS,... (e.g. 256:3000,512:1400); overrides --hours")
    p.add_argument("--lengths", default="256,512,1024,2048", help="curriculum sequence lengths")
    p.add_argument("--fractions", default="0.15,0.25,0.30,0.30", help="share of the budget per length")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--lm-weight", type=float, default=0.05, help="weight of the LM loss on all tokens")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--device", default="auto", help="auto | cpu | cuda")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--ckpt-minutes", type=float, default=5.0)
    p.add_argument("--eval-minutes", type=float, default=10.0)
    p.add_argument("--log-every", type=int, default=50)
    p.add_argument("--bf16", action="store_true", help="bf16 autocast for matmuls (weights stay f32)")
    p.add_argument("--allow-standin-corpus", action="store_true", help="smoke tests only")
    p.add_argument("--init-std", type=float, default=0.02, help="std of linear weights at init")
    p.add_argument("--manuals", action="store_true",
                   help="add the GNU info manuals (/usr/share/info) as a haystack style, 25%% of prose tasks")
    p.add_argument("--only-task", default=None, help="train on one task family only (niah_single)")
    p.add_argument("--mix", default=None,
                   help="task families and weights, no copy sequences, e.g. niah_single:0.4,multi_needle:0.4,niah_multiquery:0.2")
    p.add_argument("--needle-bias", type=float, default=0.0,
                   help="multi-needle sequences draw n in 2..8 needles with weight n**P (default 0: uniform)")
    p.add_argument("--confusable-keys", type=float, default=0.0,
                   help="share of sequences with several city keys whose keys the model confuses: "
                        "neighbours in its global-key space, measured at the start and every evaluation "
                        "(keymining.key_neighbours)")
    p.add_argument("--number-dense", type=float, default=0.0,
                   help="share of sequences whose haystack has 5-30%% of its words turned into numerals "
                        "(like version numbers and dates; data.numberize)")
    p.add_argument("--paragraphs", type=float, default=0.0,
                   help="share of sequences whose haystack has paragraph breaks (newlines after 3-30%% of "
                        "sentence ends) that needles may follow, as in needle-eval's files haystacks "
                        "(data.paragraphs)")
    p.add_argument("--max-queries", type=int, default=4,
                   help="multi-needle sequences ask 1..min(n, Q) of their n needles in turn (default 4)")
    p.add_argument("--dilute", type=float, default=1.0,
                   help="simulate haystacks up to this many times longer: each sequence draws r log-uniform "
                        "in [1, DILUTE] and its filler keys get +ln r in the global attention (see get_batch)")
    p.add_argument("--mine-keys", action="store_true",
                   help="at the start and every evaluation, measure each city key's answer loss and draw "
                        "the keys the model fails on more often (keymining.py)")
    p.add_argument("--toolkit-mix", default=None,
                   help="take the training prompts from `needle-eval generate` (toolkit_source.py) instead of "
                        "data.py: tasks and weights, a task being a name in tasks/ or a spec file, e.g. "
                        "multi_needle:0.6,niah_multiquery:0.25,niah_single:0.15")
    p.add_argument("--toolkit-haystack", default=None,
                   help="with --toolkit-mix: a folder of training text (its *.txt) or a glob ('DIR/*.md') that "
                        "replaces the built-in prose as a files haystack in --toolkit-haystack-share of the "
                        "calls, each starting at a random paragraph; several joined by ',' (a file two "
                        "patterns match is drawn twice as often)")
    p.add_argument("--toolkit-haystack-share", type=float, default=0.5)
    p.add_argument("--needle-eval", default=None,
                   help="the needle-eval binary (default $NEEDLE_EVAL, else .build/release/needle-eval)")
    p.add_argument("--config", default=None, help="JSON with model config overrides")
    p.add_argument("--init-from", default=None,
                   help="start a new run from these weights (a run's ckpt.pt / model_stepN.pt, or a model "
                        "directory with model.safetensors); the optimizer and schedule start fresh")
    args = p.parse_args()
    if args.max_queries < 1:
        p.error(f"--max-queries {args.max_queries}: must be at least 1 (a sequence asks 1..min(n, Q) needles)")
    if args.toolkit_mix:   # options of data.py's generator have no meaning for the toolkit's prompts
        clash = [f for f, v in (("--only-task", args.only_task), ("--mix", args.mix), ("--manuals", args.manuals),
                                ("--number-dense", args.number_dense), ("--paragraphs", args.paragraphs),
                                ("--mine-keys", args.mine_keys)) if v]
        if clash:
            p.error(f"--toolkit-mix takes its prompts from needle-eval; {', '.join(clash)} only work with data.py")
    elif args.toolkit_haystack:
        p.error("--toolkit-haystack needs --toolkit-mix")
    return args


def model_config(args):
    cfg = Config(dim=128, n_layers=4, hidden_dim=384, n_self_heads=4, n_attn_heads=4, n_attn_kv_heads=2,
                 vocab_size=264, rope_theta=1e8, norm_eps=1e-5, sliding_window=128,
                 architecture="yoco", cross_attention_rope=False)
    if args.config:
        with open(args.config) as f:
            cfg = Config.from_dict({**cfg.__dict__, **json.load(f)})
    return cfg.validate()


def get_batch(mix, rng, length, batch, device, dilute=1.0):
    """-> toks, ans (B, T), key_bias (B, T) or None. Sequences of different lengths (--toolkit-mix: a
    prompt of `length` tokens, then its answers) are padded at the end with PAD, which loss_fn skips.
    Why key_bias: the global attention has no positions (NoPE), so a haystack r times longer made of
    the same kind of filler is, for every query, the same as adding ln r to each filler key's logit.
    With dilute > 1 each sequence draws r log-uniform in [1, dilute]: a 1K-token sequence then trains
    the needle-vs-filler margin that a 1M-token prompt needs, at 1K-token cost. The runtime has no bias."""
    toks, ans, filler = zip(*(mix.sample(rng, length) for _ in range(batch)))
    width = max(len(t) for t in toks)
    if any(len(t) != width for t in toks):
        toks, ans, filler = ([list(r) + [v] * (width - len(r)) for r in rows]
                             for rows, v in ((toks, D.PAD), (ans, 0), (filler, 0)))
    bias = None
    if dilute > 1.0:
        log_r = torch.tensor([rng.uniform(0.0, math.log(dilute)) for _ in range(batch)])
        bias = (torch.tensor(filler, dtype=torch.float32) * log_r[:, None]).to(device)
    return (torch.tensor(toks, device=device), torch.tensor(ans, device=device, dtype=torch.bool), bias)


def loss_fn(model, toks, ans, lm_weight, bf16=False, key_bias=None):
    """Answer-token CE + lm_weight * CE on every next token but PAD (batch padding). toks, ans (B, T)."""
    with torch.autocast(toks.device.type, dtype=torch.bfloat16, enabled=bf16):
        logits = model(toks[:, :-1], None if key_bias is None else key_bias[:, :-1])   # (B, T-1, V)
    ce = F.cross_entropy(logits.flatten(0, 1).float(), toks[:, 1:].flatten(), reduction="none")
    mask = ans[:, 1:].flatten()
    ans_loss = ce[mask].mean()
    lm_loss = ce[toks[:, 1:].flatten() != D.PAD].mean()
    return ans_loss + lm_weight * lm_loss, ans_loss.detach(), lm_loss.detach()


def lr_at(step, total, args):
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    t = min(1.0, (step - args.warmup) / max(1, total - args.warmup))
    return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t)))


def make_plan(args, model, opt, mix, device):
    """-> list of [length, steps]. With --hours, time a few steps per length to size each stage."""
    lengths = [int(x) for x in args.lengths.split(",")]
    fracs = [float(x) for x in args.fractions.split(",")]
    assert len(lengths) == len(fracs)
    if args.plan:
        return [[int(a), int(b)] for a, b in (x.split(":") for x in args.plan.split(","))]
    if args.max_steps:
        return [[L, max(1, round(f * args.max_steps / sum(fracs)))] for L, f in zip(lengths, fracs)]
    budget = args.hours * 3600 * 0.95 - 60          # leave room for evaluations and checkpoints
    plan = []
    for L, f in zip(lengths, fracs):
        sec = calibrate(args, model, opt, mix, device, L)
        plan.append([L, max(1, int(f / sum(fracs) * budget / sec))])
        log(f"calibrate length {L}: {sec:.3f} s/step -> {plan[-1][1]} steps")
    return plan


def calibrate(args, model, opt, mix, device, L):
    """Seconds per training step at length L (median of 4 timed steps after one warm-up step)."""
    rng = random.Random(args.seed + 999)
    times = []
    for i in range(5):
        toks, ans, bias = get_batch(mix, rng, L, args.batch, device, args.dilute)
        t0 = time.time()
        loss, _, _ = loss_fn(model, toks, ans, args.lm_weight, args.bf16, bias)
        loss.backward()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.time() - t0)
        opt.zero_grad(set_to_none=True)
    return sorted(times[1:])[len(times[1:]) // 2] * 1.05   # optimizer step and data on top


def stage_at(plan, step):
    for L, n in plan:
        if step < n:
            return L
        step -= n
    return plan[-1][0]


def load_init(path, device):
    """-> (state_dict, Config) from a training checkpoint or an exported model directory."""
    if os.path.isdir(path):
        from safetensors.torch import load_file
        with open(os.path.join(path, "config.json")) as f:
            cfg = Config.from_dict(json.load(f))
        return load_file(os.path.join(path, "model.safetensors"), device=str(device)), cfg
    ck = torch.load(path, map_location=device, weights_only=False)
    return ck["model"], Config.from_dict(ck["config"])


LOG_FILES = []   # the run folder's train.log once it exists: a run's args and losses stay with its weights


def log(msg):
    line = time.strftime("%H:%M:%S ") + msg
    print(line, flush=True)
    for f in LOG_FILES:
        f.write(line + "\n")
        f.flush()


def save_ckpt(path, model, opt, step, plan, rng, args, elapsed):
    tmp = path + ".tmp"
    torch.save(dict(model=model.state_dict(), opt=opt.state_dict(), step=step, plan=plan,
                    data_rng=rng.getstate(), torch_rng=torch.get_rng_state(), args=vars(args),
                    config=model.cfg.__dict__, elapsed=elapsed), tmp)
    os.replace(tmp, path)


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          ("cpu" if args.device == "auto" else args.device))
    run_dir = os.path.join(RUNS, args.name)
    os.makedirs(run_dir, exist_ok=True)
    ckpt_path = os.path.join(run_dir, "ckpt.pt")
    metrics = open(os.path.join(run_dir, "metrics.jsonl"), "a")
    LOG_FILES.append(open(os.path.join(run_dir, "train.log"), "a"))

    ck = torch.load(ckpt_path, map_location=device, weights_only=False) if args.resume else None
    if ck:   # the run's own hyper-parameters win over command-line defaults
        keep = {"name", "resume", "extend_hours", "device", "threads", "ckpt_minutes", "eval_minutes", "stop_at",
                "needle_eval"}
        for k, v in ck["args"].items():
            if k not in keep:
                setattr(args, k, v)
    # built after the override above, so a resumed run keeps sampling its own task mix
    weights = {k: float(v) for k, v in (x.split(":") for x in args.mix.split(","))} if getattr(args, "mix", None) else None
    toolkit = getattr(args, "toolkit_mix", None)
    if toolkit:
        tasks = {k: float(v) for k, v in (x.rsplit(":", 1) for x in toolkit.split(","))}
        hay = args.toolkit_haystack and toolkit_source.FileHaystack.from_pattern(args.toolkit_haystack)
        mix = toolkit_source.ToolkitSource(tasks, binary=args.needle_eval, haystack=hay or None,
                                           haystack_share=args.toolkit_haystack_share, max_queries=args.max_queries,
                                           needle_bias=args.needle_bias, confusable=args.confusable_keys)
    else:
        mix = D.Mixture(require_real_corpus=not args.allow_standin_corpus, only=args.only_task, mix=weights,
                        manuals=args.manuals, needle_bias=args.needle_bias, confusable=args.confusable_keys,
                        max_queries=args.max_queries, number_dense=args.number_dense,
                        paragraph_share=args.paragraphs)
    init = None if ck or not args.init_from else load_init(args.init_from, device)
    cfg = Config.from_dict(ck["config"]) if ck else (init[1] if init else model_config(args))
    if args.dilute > 1.0 and cfg.cross_attention_rope:   # with RoPE, where a key sits changes its logit
        sys.exit("train.py: --dilute needs cross_attention_rope false (NoPE global attention): a bias of ln r "
                 "equals r copies of a key only when the key has no position")
    torch.manual_seed(args.seed)
    model = init_weights(build(cfg), std=args.init_std).to(device)
    if init:
        model.load_state_dict(init[0])
        log(f"initialised from {args.init_from}")
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.01,
                            fused=device.type == "cuda")
    rng = random.Random(args.seed)
    if ck:
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, plan, elapsed = ck["step"], ck["plan"], ck["elapsed"]
        rng.setstate(ck["data_rng"])
        torch.set_rng_state(ck["torch_rng"])
        log(f"resumed {ckpt_path} at step {step}, plan {plan}")
        if args.extend_hours:
            L = plan[-1][0]
            sec = calibrate(args, model, opt, mix, device, L)
            plan.append([L, int(args.extend_hours * 3600 * 0.95 / sec)])
            log(f"extended plan: {plan}")
    else:
        step, elapsed = 0, 0.0
        plan = make_plan(args, model, opt, mix, device)
        with open(os.path.join(run_dir, "config.json"), "w") as f:
            f.write(cfg.to_json())
    total = sum(n for _, n in plan)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"device {device}, threads {args.threads}, params {n_params}, plan {plan}, total steps {total}")
    log("args " + json.dumps(vars(args)))
    if toolkit:   # the same cells, prompts from needle-eval
        evaluator = E.TrainEval(None, None, seed=4321, cases=toolkit_source.eval_examples(
            E.TrainEval.CASES, 4321, os.path.join(D.CORPUS, "heldout"), args.needle_eval))
    else:
        evaluator = E.TrainEval(mix.vocab, mix.specs, seed=4321)

    def mine_keys():
        losses = keymining.key_losses(model, mix, device)
        mix.vocab.weights = keymining.key_weights(losses)
        log(f"key mining: {len(keymining.dead_keys(losses))} of {len(losses)} keys not learned "
            f"(answer CE > {keymining.DEAD}): {keymining.dead_keys(losses)}")

    def mine_neighbours():
        neighbours = keymining.key_neighbours(model, mix, device)
        if toolkit:
            mix.neighbours = neighbours
        else:
            mix.vocab.neighbours = neighbours
        log("confusable keys: " + keymining.describe_neighbours(neighbours))
    if args.mine_keys:
        mine_keys()
    if args.confusable_keys:
        mine_neighbours()

    t_start, t_ckpt, t_eval = time.time() - elapsed, time.time(), time.time()
    tok_window, t_window = 0, time.time()
    sum_loss = sum_ans = sum_lm = 0.0
    end = min(total, args.stop_at) if args.stop_at else total
    while step < end:
        L = stage_at(plan, step)
        toks, ans, bias = get_batch(mix, rng, L, args.batch, device, args.dilute)
        lr = lr_at(step, total, args)
        for g in opt.param_groups:
            g["lr"] = lr
        loss, ans_loss, lm_loss = loss_fn(model, toks, ans, args.lm_weight, args.bf16, bias)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        tok_window += toks.numel()
        sum_loss, sum_ans, sum_lm = sum_loss + loss.item(), sum_ans + ans_loss.item(), sum_lm + lm_loss.item()
        if step % args.log_every == 0 or step == end:
            n = args.log_every if step % args.log_every == 0 else step % args.log_every
            tps = tok_window / (time.time() - t_window)
            rec = dict(step=step, length=L, loss=sum_loss / n, ans_loss=sum_ans / n, lm_loss=sum_lm / n,
                       lr=lr, tok_per_s=tps, elapsed_s=time.time() - t_start)
            log(f"step {step}/{total} len {L} loss {rec['loss']:.4f} ans {rec['ans_loss']:.4f} "
                f"lm {rec['lm_loss']:.4f} lr {lr:.2e} {tps:.0f} tok/s elapsed {rec['elapsed_s'] / 60:.1f} min")
            metrics.write(json.dumps(rec) + "\n")
            metrics.flush()
            sum_loss = sum_ans = sum_lm = 0.0
            tok_window, t_window = 0, time.time()
        if time.time() - t_eval > args.eval_minutes * 60 or step == end:
            model.eval()
            acc = evaluator.run(model)
            model.train()
            log(f"eval step {step}: " + " ".join(f"{k} {v:.2f}" for k, v in acc.items()))
            if args.mine_keys:
                mine_keys()
            if args.confusable_keys:
                mine_neighbours()
            metrics.write(json.dumps(dict(step=step, eval=acc, elapsed_s=time.time() - t_start)) + "\n")
            metrics.flush()
            torch.save(dict(model=model.state_dict(), config=cfg.__dict__, step=step, eval=acc),
                       os.path.join(run_dir, f"model_step{step}.pt"))
            t_eval = time.time()
            t_window = time.time()
        if time.time() - t_ckpt > args.ckpt_minutes * 60 or step == end:
            save_ckpt(ckpt_path, model, opt, step, plan, rng, args, time.time() - t_start)
            t_ckpt = time.time()
            t_window = time.time()
    log(f"done: {step} steps in {(time.time() - t_start) / 60:.1f} min")


if __name__ == "__main__":
    main()
