"preference: prompts match the sampler's, repeated rounds leave no trace, plain/LoRA rounds return plain models."
import copy, gc
import pytest, torch

from paper_repro.preference import DPOSettings, PreferencePair, SFTSettings, dpo_dataset, dpo_round, sft_round
from paper_repro.sampling import to_messages

PAIRS = [PreferencePair('What is 2 + 3?', '2 + 3 = 5\n#### 5', '2 + 3 = 6\n#### 6'),
         PreferencePair('What is 4 * 3?', '4 * 3 = 12\n#### 12', '4 * 3 = 7\n#### 7')]

@pytest.fixture(scope='module')
def smol():
    from paper_repro.models import load_model
    return load_model()

def test_to_messages():
    assert to_messages('hi') == [{'role': 'user', 'content': 'hi'}]
    assert to_messages('hi', 'be brief')[0] == {'role': 'system', 'content': 'be brief'}
    msgs = [{'role': 'system', 'content': 's'}, {'role': 'user', 'content': 'u'}]
    assert to_messages(msgs, 'other') == msgs

def test_dataset_formats():
    ds = dpo_dataset(PAIRS, DPOSettings())
    assert ds[0]['prompt'] == [{'role': 'user', 'content': 'What is 2 + 3?'}]
    assert ds[0]['chosen'] == [{'role': 'assistant', 'content': '2 + 3 = 5\n#### 5'}]
    plain = dpo_dataset([PreferencePair('Q: 1+1=', ' 2', ' 3')], DPOSettings(use_chat_template=False))
    assert plain[0] == {'prompt': 'Q: 1+1=', 'chosen': ' 2', 'rejected': ' 3'}

@pytest.mark.parametrize('system_prompt', [None, 'You solve math problems.'])
def test_trl_prompt_equals_sampler_prompt(smol, system_prompt):
    "The prompt tokens DPO trains on are exactly the tokens the sampler generated from."
    from trl import DPOConfig, DPOTrainer
    from paper_repro.sampling import SamplingConfig, encode_prompts
    model, tok = smol
    cfg = DPOSettings(system_prompt=system_prompt)
    args = DPOConfig(output_dir='/tmp/paper_repro_test_dpo', report_to='none', bf16=False, use_cpu=True,
                     gradient_checkpointing=False)
    tr = DPOTrainer(model=copy.deepcopy(model), ref_model=copy.deepcopy(model), args=args,
                    train_dataset=dpo_dataset(PAIRS, cfg), processing_class=tok)
    want = encode_prompts(tok, [p.prompt for p in PAIRS], SamplingConfig(system_prompt=system_prompt))
    assert [r['prompt_ids'] for r in tr.train_dataset] == want
    chosen = tok.decode(tr.train_dataset[0]['chosen_ids'])
    assert chosen.startswith('2 + 3 = 5') and chosen.rstrip().endswith(tok.eos_token)  # EOS (<|im_end|>) trained
    del tr; gc.collect()

def _live_models():
    from transformers import PreTrainedModel
    gc.collect()
    return sum(isinstance(o, PreTrainedModel) for o in gc.get_objects())

def test_repeated_rounds_leave_nothing_behind(smol):
    model, tok = smol
    model = copy.deepcopy(model)
    cfg = DPOSettings(learning_rate=1e-5, epochs=1, per_device_batch_size=2, max_length=64)
    model, _ = dpo_round(model, tok, PAIRS, cfg, '/tmp/paper_repro_test_dpo/r0')
    n0 = _live_models()
    for r in range(1, 3):
        out, st = dpo_round(model, tok, PAIRS, cfg, f'/tmp/paper_repro_test_dpo/r{r}', seed=r)
        assert out is model and st['steps'] == 1
        assert abs(st['loss_first'] - 0.6931) < 1e-3  # reference = round-start policy
        assert 'forward' not in model.__dict__ and not model.training
        assert _live_models() == n0  # no reference copy or peft wrapper survives a round

def test_lora_and_sft_return_plain_models(smol):
    from paper_repro.models import LoraSettings
    model, tok = smol
    model = copy.deepcopy(model)
    names = [n for n, _ in model.named_parameters()]
    w0 = model.model.layers[0].self_attn.q_proj.weight.detach().clone()
    cfg = DPOSettings(learning_rate=1e-3, epochs=1, per_device_batch_size=2, max_length=64,
                      lora=LoraSettings(r=4, alpha=8, dropout=0.0, target_modules=['q_proj', 'v_proj']))
    out, st = dpo_round(model, tok, PAIRS, cfg, '/tmp/paper_repro_test_dpo/lora')
    assert out is model and type(out).__name__ == 'LlamaForCausalLM'
    assert [n for n, _ in out.named_parameters()] == names
    assert not torch.equal(out.model.layers[0].self_attn.q_proj.weight, w0)  # LoRA delta merged in
    assert all(p.requires_grad for p in out.parameters())
    ex = [{'prompt': p.prompt, 'completion': p.chosen} for p in PAIRS]
    out2, st2 = sft_round(out, tok, ex, SFTSettings(epochs=1, per_device_batch_size=2, max_length=64),
                          '/tmp/paper_repro_test_dpo/sft')
    assert out2 is model and st2['steps'] == 1 and st2['train_loss'] > 0
    assert 'forward' not in out2.__dict__
