"APT at the tiny scale with the real pieces: SmolLM2 answers, math-verify judges, MiniLM retrieves, trl trains."
import pytest

@pytest.fixture(scope='module')
def tiny_round():
    from paper_repro.apt import APTSettings, domain_rows, dpo_trainer, apt_round
    from paper_repro.minidata import load_split
    from paper_repro.models import load_model
    from paper_repro.preference import DPOSettings
    from paper_repro.sampling import Sampler
    import dataclasses
    a = APTSettings()
    cfg = dataclasses.replace(a, mine=dataclasses.replace(a.mine, max_new_tokens=64), similar=dataclasses.replace(a.similar, k=2, max_new_tokens=64),
                              dpo=DPOSettings(epochs=1, per_device_batch_size=4, max_length=256))
    rows = domain_rows(load_split('tiny', 'math', 'train'), cfg.domain)
    model, tok = load_model()
    return rows, apt_round(Sampler(model, tok), rows, cfg, dpo_trainer(model, tok, cfg.dpo))

def test_tiny_mining_finds_bad_and_similar_cases(tiny_round):
    rows, out = tiny_round
    st = out['stats']
    assert st['n_items'] == len(rows) and st['n_bad'] >= 1, st
    assert st['n_similar_candidates'] >= 1 and not set(st['similar_ids']) & set(st['bad_ids']), st
    assert st['n_pairs'] == st['n_pairs_bad'] + st['n_pairs_similar'] >= 1
    assert st['n_similar'] + st['n_similar_skipped'] == st['n_similar_candidates']

def test_tiny_pairs_are_reference_vs_own_wrong_answer(tiny_round):
    rows, out = tiny_round
    by_id = {r['id']: r for r in rows}
    for p in out['pairs']:
        assert p.chosen == by_id[p.meta['id']]['solution'] and not p.meta['correct']
        src = out['mined'] if p.meta['kind'] == 'bad' else out['similar_samples']
        assert p.rejected in [s['text'] for s in src[p.meta['id']]]

def test_tiny_round_trains(tiny_round):
    _, out = tiny_round
    assert out['stats']['train']['steps'] >= 1 and out['stats']['train']['n_pairs'] == out['stats']['n_pairs']
