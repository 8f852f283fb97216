#!/usr/bin/env bash
# Fail if nbdev-clean or nbdev-export changes any tracked file.
set -euo pipefail
venv=${1:-.venv}
snap() { git ls-files -z | xargs -0 md5sum 2>/dev/null | md5sum; }
before=$(snap)
"$venv/bin/nbdev-clean" >/dev/null
"$venv/bin/nbdev-export" >/dev/null
after=$(snap)
if [ "$before" != "$after" ]; then
  echo "error: nbdev-clean/nbdev-export changed tracked files (notebooks and paper_repro/ drifted):" >&2
  git status --porcelain --untracked-files=no >&2
  exit 1
fi
python3 tools/readme.py --check
"$venv/bin/python" tools/walkthrough_outputs.py --check
untracked=$(git status --porcelain -- paper_repro | grep '^??' || true)
if [ -n "$untracked" ]; then echo "error: nbdev-export wrote untracked modules: $untracked" >&2; exit 1; fi
echo "notebooks and package in sync"
