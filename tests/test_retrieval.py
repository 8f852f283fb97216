"Retrieval across processes: a filled embedding cache serves a fresh process without loading the embedder."
import os, subprocess, sys, textwrap

def _run(code, cache):
    env = {**os.environ, 'PAPER_REPRO_CACHE': str(cache)}
    r = subprocess.run([sys.executable, '-c', textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout.strip()

def test_cache_serves_new_process(tmp_path):
    texts = "['one apple', 'two pears', 'x + 3 = 5, find x']"
    a = _run(f"""
        from paper_repro.retrieval import embed
        print(embed({texts}).sum().round(4))""", tmp_path)
    b = _run(f"""
        import paper_repro.retrieval as R
        def boom(*a, **k): raise SystemExit('embedder loaded')
        R.load_embedder = boom
        print(R.embed({texts}).sum().round(4))
        import sys; assert 'sentence_transformers' not in sys.modules""", tmp_path)
    assert a == b

def test_knn_kmeans_shapes():
    import numpy as np
    from paper_repro.retrieval import knn, kmeans
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 8)).astype('float32')
    idx, s = knn(x[:3], x, k=4, exclude=[0, 1, 2], return_scores=True)
    assert idx.shape == (3, 4) and not set(idx.ravel()) & {0, 1, 2}
    assert (np.diff(s, axis=1) <= 1e-6).all()
    labels, centers = kmeans(x, 4, seed=1)
    assert labels.shape == (20,) and centers.shape == (4, 8) and labels[0] == 0
    assert (kmeans(x, 4, seed=1)[0] == labels).all()
