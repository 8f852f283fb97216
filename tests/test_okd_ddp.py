"""OKD's joint student + online-module step on 2 CPU processes (torch.distributed, gloo, DDP).

Each rank trains on its own rows; DDP averages the gradients of the student and of the online modules (each its own
DDP wrapper: the two losses are backpropagated separately and touch disjoint parameters). After the steps: the
frozen teacher backbone is unchanged, the modules and the student changed, and both ranks hold identical weights.
"""
import os, socket, sys

import pytest

import torch   # a dependency: a missing torch must fail, not skip
import torch.distributed as dist
import torch.multiprocessing as mp


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _digest(params):
    return torch.cat([p.detach().reshape(-1).double() for p in params])


def _worker(rank, world, port, q):
    try:
        os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
        torch.set_num_threads(1)
        dist.init_process_group('gloo', rank=rank, world_size=world)
        from torch.nn.parallel import DistributedDataParallel as DDP
        from paper_repro.models import load_tokenizer
        from paper_repro.evaluation import tiny_random_model
        from paper_repro.minidata import instruct_rows
        from paper_repro.okd import KDConfig, backbone_state, module_params, prune_layers, setup_kd, kd_step

        tok = load_tokenizer()
        teacher = tiny_random_model(tok, seed=0)            # same weights on both ranks
        student = prune_layers(teacher, [1])
        before = {n: p.detach().clone() for n, p in teacher.named_parameters()}
        s_before = _digest(student.parameters())
        state = setup_kd(student, teacher, tok, KDConfig(mode='okd', learning_rate=1e-3, module_learning_rate=1e-3, max_length=64))
        backbone0 = {n: p.detach().clone() for n, p in backbone_state(state.teacher).items()}
        state.student, state.teacher = DDP(state.student), DDP(state.teacher)
        rows = instruct_rows('dolly', 8, tag='train')
        mine = rows[rank::world]                            # each rank its own shard
        for i in range(2):
            m = kd_step(state, mine[2 * i:2 * i + 2])
        te = state.teacher.module
        bb_same = all(torch.equal(backbone0[n], p) for n, p in backbone_state(te).items())
        mods = module_params(te)
        mods_changed = any(p.abs().sum() > 0 for n, p in te.named_parameters() if 'lora_B' in n)
        s_changed = not torch.equal(s_before, _digest(state.student.module.parameters()))
        d_s, d_m = _digest(state.student.module.parameters()), _digest(mods)
        gs, gm = [torch.zeros_like(d_s) for _ in range(world)], [torch.zeros_like(d_m) for _ in range(world)]
        dist.all_gather(gs, d_s); dist.all_gather(gm, d_m)
        q.put((rank, dict(backbone_same=bb_same, modules_changed=bool(mods_changed), student_changed=s_changed,
                          ranks_identical=all(torch.equal(gs[0], g) for g in gs) and all(torch.equal(gm[0], g) for g in gm),
                          finite=all(v == v and abs(v) < float('inf') for k, v in m.items() if k.startswith('loss')),
                          n_tokens=m['n_tokens'])))
        dist.destroy_process_group()
    except Exception as e:  # report, do not hang the parent
        import traceback
        q.put((rank, {'error': f"{type(e).__name__}: {e}\n{traceback.format_exc()}"}))


def test_okd_joint_step_two_processes():
    if not dist.is_available() or not dist.is_gloo_available():
        pytest.skip('torch.distributed with the gloo backend is not available in this build')
    ctx = mp.get_context('spawn')
    q, port, world = ctx.Queue(), _free_port(), 2
    procs = [ctx.Process(target=_worker, args=(r, world, port, q)) for r in range(world)]
    for p in procs: p.start()
    try:
        res = dict(q.get(timeout=600) for _ in range(world))
    finally:
        for p in procs: p.join(timeout=60)
    for r, v in res.items():
        assert 'error' not in v, v.get('error')
        assert v['backbone_same'], f"rank {r}: the frozen backbone changed"
        assert v['modules_changed'], f"rank {r}: the online modules did not change"
        assert v['student_changed'], f"rank {r}: the student did not change"
        assert v['ranks_identical'], f"rank {r}: ranks diverged"
        assert v['finite'], f"rank {r}: a non-finite loss"
