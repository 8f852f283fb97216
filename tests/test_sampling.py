"Sampler contract checks that other modules rely on (evaluation, APT/SAI-DPO probes): small and fast on CPU."
import pytest, torch
from paper_repro.sampling import Completion, Sampler, SamplingConfig, pick_tokens, sample, uniforms

def test_uniforms_pure_and_batch_independent():
    uid = torch.arange(64)
    u = uniforms(7, uid, 5)
    assert torch.equal(u, uniforms(7, uid, 5))
    assert torch.equal(u[10:20], uniforms(7, uid[10:20], 5))  # a row's number does not depend on its batch
    assert not torch.equal(u, uniforms(7, uid, 6)) and not torch.equal(u, uniforms(8, uid, 5))
    assert ((u >= 0) & (u < 1)).all()

def test_pick_tokens_top_p_and_greedy():
    logits = torch.tensor([[0.0, 3.0, 1.0, -2.0]]).expand(4096, 4)
    u = uniforms(0, torch.arange(4096), 0)
    assert set(pick_tokens(logits, 1.0, 0.5, u).tolist()) == {1}
    assert pick_tokens(logits, 0.0, 1.0, None).unique().tolist() == [1]
    assert set(pick_tokens(logits, 1.0, 1.0, u).tolist()) == {0, 1, 2, 3}

@pytest.fixture(scope='module')
def smol():
    from paper_repro.models import load_model
    return load_model()

def test_contract_and_fixed_shape_path_matches_plain(smol):
    model, tok = smol
    prompts = ["What is 2 + 2?", [{'role': 'user', 'content': 'Name a colour.'}]]
    cfg = SamplingConfig(k=2, temperature=1.0, max_new_tokens=6, seed=3, batch_size=3)
    res = sample(model, tok, prompts, cfg, progress=False, dtype=torch.float32)  # fp32: the paths agree bit for bit
    assert [len(r) for r in res] == [2, 2]
    assert all(isinstance(c, Completion) and 1 <= c.n_tokens <= 6 for r in res for c in r)
    fixed = Sampler(model, tok, SamplingConfig(**{**cfg.__dict__, 'fixed_batch_size': 3, 'max_prompt_tokens': 48}),
                    device='cpu', fixed_shapes=True, compile=False, dtype=torch.float32)
    assert [[c.text for c in r] for r in fixed.generate(prompts, progress=False)] == [[c.text for c in r] for r in res]

def test_grouped_attention_matches_hf_sdpa():
    from transformers.integrations.sdpa_attention import sdpa_attention_forward
    from paper_repro.sampling import grouped_attention
    class Attn(torch.nn.Module): num_key_value_groups, is_causal = 3, True
    g = torch.Generator().manual_seed(1)
    for q, mask in ((1, True), (4, True), (6, False)):
        L = 10 if mask else q
        qs, ks, vs = torch.randn(3, 9, q, 8, generator=g), torch.randn(3, 3, L, 8, generator=g), torch.randn(3, 3, L, 8, generator=g)
        m = None
        if mask:
            valid = torch.rand(3, L, generator=g) > 0.3; valid[:, -1] = True
            m = torch.zeros(3, 1, q, L).masked_fill(~valid[:, None, None], torch.finfo(torch.float32).min)
        ref = sdpa_attention_forward(Attn(), qs, ks, vs, m)[0]
        for gd in (False, True): torch.testing.assert_close(grouped_attention(Attn(), qs, ks, vs, m, gqa_decode=gd)[0], ref)

def test_fixed_shape_gpu_attention_and_buckets_match_plain(smol):
    model, tok = smol
    prompts = ["What is 3 + 4?", "Name a fruit."]
    for cfg in (SamplingConfig(k=2, temperature=1.0, max_new_tokens=6, seed=4, batch_size=4),
                SamplingConfig(k=2, temperature=0.7, top_p=0.9, max_new_tokens=6, seed=4, batch_size=4),
                SamplingConfig(max_new_tokens=6)):
        ref = [[c.text for c in r] for r in sample(model, tok, prompts, cfg, progress=False, dtype=torch.float32)]
        s = Sampler(model, tok, SamplingConfig(**{**cfg.__dict__, 'fixed_batch_size': 4, 'max_prompt_tokens': 48}),
                    device='cpu', fixed_shapes=True, compile=False, dtype=torch.float32, attention='gqa')
        s.BUCKET = 4  # 6 tokens cross buckets: the step reads only the filled cache slots
        assert [[c.text for c in r] for r in s.generate(prompts, progress=False)] == ref
    assert model.config._attn_implementation not in ('paper_repro_gqa', 'paper_repro_grouped')
