"""Is sampling reproducible? Calls one Sampler three times on the same prompts and counts rows whose text differs.

    python benchmarks/determinism.py                      # on CUDA: compiled and uncompiled fixed-shape paths
    CUBLAS_WORKSPACE_CONFIG=:4096:8 python benchmarks/determinism.py --deterministic

Per variant it prints: rows differing between call 1 and 2 (call 1 compiles), between call 2 and 3 (both warm),
and whether two eager forward passes of one batch give bit-identical logits (kernel-level determinism).
"""
from __future__ import annotations
import argparse, json, sys
from dataclasses import replace

import torch

try: import paper_repro  # noqa: F401
except ImportError: sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[1]))

def texts(res): return [c.text for cs in res for c in cs]

def differing(a, b): return sum(x != y for x, y in zip(texts(a), texts(b)))

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n-prompts', type=int, default=256)
    ap.add_argument('--k', type=int, default=2)
    ap.add_argument('--max-new-tokens', type=int, default=32)
    ap.add_argument('--batch-size', type=int, default=256)
    ap.add_argument('--deterministic', action='store_true', help='torch.use_deterministic_algorithms(True)')
    a = ap.parse_args(argv)
    if a.deterministic: torch.use_deterministic_algorithms(True)
    sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parent))
    from sampling import math_prompts  # benchmarks/sampling.py: the same prompts as the speed benchmark
    from paper_repro.models import load_model
    from paper_repro.sampling import Sampler, SamplingConfig
    model, tok = load_model()
    prompts = math_prompts(a.n_prompts)
    cuda = torch.cuda.is_available()
    out = {'card': torch.cuda.get_device_name() if cuda else 'cpu', 'deterministic': a.deterministic}
    base = SamplingConfig(k=a.k, temperature=0.8, top_p=0.95, max_new_tokens=a.max_new_tokens, batch_size=a.batch_size,
                          fixed_batch_size=a.batch_size, max_prompt_tokens=128)
    variants = [('compiled', dict(compile=True)), ('eager', dict(compile=False))] if cuda else [('plain', {})]
    for name, kw in variants:
        s = Sampler(model, tok, base, **kw)
        for label, cfg in (('sampled', base), ('greedy', replace(base, temperature=0.0, k=1))):
            r1, r2, r3 = (s.generate(prompts, cfg, progress=False) for _ in range(3))
            out[f'{name}/{label}'] = {'rows': len(texts(r1)), 'differ_1v2': differing(r1, r2), 'differ_2v3': differing(r2, r3)}
        ids = tok([prompts[0]] * 8, return_tensors='pt').to(s.device)
        with torch.no_grad():
            l1, l2 = (s.model(**ids).logits for _ in range(2))
        out[f'{name}/eager_logits_identical'] = bool(torch.equal(l1, l2))
        print(name, json.dumps({k: v for k, v in out.items() if k.startswith(name)}), flush=True)
    print(json.dumps(out))

if __name__ == '__main__':
    sys.exit(main())
