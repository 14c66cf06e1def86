#!/usr/bin/env bash
# The README's first command on the oldest and the newest supported Python (called from .ci/run):
#
#   pip install -e ".[test]" && nnxspec check
#
# in a fresh virtual environment of Python 3.10 with the oldest supported jax (0.4.38, pinned
# through a pip constraints file, so the command itself is the README's) and of Python 3.13 with
# the newest jax pip resolves.  An interpreter that is not installed (not python3.X on PATH, not
# $PYENV_ROOT/versions/3.X.*) is reported as "skipped: Python 3.X not found" and does not fail the
# run.  Each end runs in its own copy of the checkout (an editable install writes into it).
# PYTHON_ENDS overrides the ends: "MINOR:JAX ..." (an empty JAX: the newest), default
# "3.10:0.4.38 3.13:".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nnxspec-ends.XXXXXX"); trap 'rm -rf "$WORK"' EXIT
PYENV_ROOT=${PYENV_ROOT:-$HOME/.pyenv}
start=$(date +%s)
say() { echo "[python-ends $(( $(date +%s) - start ))s] $*"; }
fail=0

find_python() {  # a working interpreter of Python $1 (3.X), or nothing
  local minor=$1 c
  for c in $(ls -d "$PYENV_ROOT"/versions/"$minor".* 2>/dev/null | sort -V -r) "$(command -v "python$minor" || true)"; do
    [ -d "$c" ] && c=$c/bin/python3
    [ -n "$c" ] && [ -x "$c" ] || continue
    if [ "$("$c" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$minor" ]; then
      echo "$c"; return 0
    fi
  done
  return 1
}

one_end() {  # minor, jax constraint ("" for the newest)
  local minor=$1 jax=$2 py dir
  if ! py=$(find_python "$minor"); then say "skipped: Python $minor not found"; return 0; fi
  dir=$WORK/py$minor
  mkdir -p "$dir"
  git -C "$ROOT" ls-files -z --cached --others --exclude-standard | (cd "$ROOT" && xargs -0 cp --parents -t "$dir" 2>/dev/null)
  "$py" -m venv "$dir/.venv" || { say "FAILED: python $minor -m venv"; fail=1; return; }
  : > "$dir/constraints.txt"
  [ -n "$jax" ] && printf 'jax==%s\njaxlib==%s\n' "$jax" "$jax" > "$dir/constraints.txt"
  say "Python $minor ($py), jax ${jax:-newest}: pip install -e \".[test]\" && nnxspec check"
  if (cd "$dir" && . .venv/bin/activate && export PIP_CONSTRAINT="$dir/constraints.txt" &&
      pip install -q -e ".[test]" && nnxspec check) > "$dir/log" 2>&1; then
    say "Python $minor: $(tail -1 "$dir/log") (jax $("$dir/.venv/bin/python" -c 'import jax; print(jax.__version__)'))"
  else
    tail -30 "$dir/log"; say "FAILED: the README's first command on Python $minor"; fail=1
  fi
}

for end in ${PYTHON_ENDS:-3.10:0.4.38 3.13:}; do
  one_end "${end%%:*}" "${end#*:}"
done
say "done (exit $fail)"
exit $fail
