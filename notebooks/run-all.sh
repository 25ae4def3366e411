#!/usr/bin/env bash
# Execute every notebooks/*.ipynb headless against one migsim run; fail if any cell fails.
#
#   notebooks/run-all.sh [RUN_DIR] [--keep DIR]
#
# RUN_DIR: a folder written by `migsim run` (default: $MIGSIM_OUTPUT, else the newest complete run
# under output/). The committed notebooks are never rewritten: the executed copies go to a
# temporary folder that is deleted at the end, or to DIR with --keep (e.g. to publish them as CI
# artifacts). Prints one line per notebook; exit status 1 if any notebook failed, 2 on bad usage.
#
# Needs jupyter nbconvert and a Jupyter kernel named python3 (KERNEL=... to choose another) whose
# Python has pandas and matplotlib: on Debian, the packages jupyter-nbconvert, python3-ipykernel,
# python3-pandas and python3-matplotlib (their kernel runs /usr/bin/python3).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run="${MIGSIM_OUTPUT:-}"
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) [ $# -ge 2 ] || { echo "run-all.sh: --keep needs a folder" >&2; exit 2; }; keep="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run-all.sh: unknown option $1" >&2; exit 2 ;;
    *) run="$1"; shift ;;
  esac
done

if [ -n "$run" ]; then
  if [ ! -f "$run/manifest.json" ]; then
    echo "run-all.sh: $run is not a migsim run folder (no manifest.json)" >&2
    exit 2
  fi
  MIGSIM_OUTPUT="$(cd "$run" && pwd)"   # absolute: the kernels run in notebooks/
  export MIGSIM_OUTPUT
else
  unset MIGSIM_OUTPUT
fi

command -v jupyter >/dev/null || {
  echo "run-all.sh: jupyter not found (Debian: apt-get install jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib)" >&2
  exit 2
}
kernel="${KERNEL:-python3}"
timeout="${NOTEBOOK_TIMEOUT:-1800}"   # seconds per cell

if [ -n "$keep" ]; then
  mkdir -p "$keep"
  outdir="$(cd "$keep" && pwd)"
  if [ "$outdir" = "$here" ]; then
    echo "run-all.sh: --keep must not be the notebooks folder (the committed notebooks stay unexecuted)" >&2
    exit 2
  fi
  logdir="$(mktemp -d)"
  trap 'rm -rf "$logdir"' EXIT
else
  outdir="$(mktemp -d)"
  logdir="$outdir"
  trap 'rm -rf "$outdir"' EXIT
fi

export PYDEVD_DISABLE_FILE_VALIDATION=1   # silence ipykernel's debugger warning about frozen modules
export PYTHONDONTWRITEBYTECODE=1         # no notebooks/__pycache__ from importing migsim_io

echo "run: ${MIGSIM_OUTPUT:-newest complete run under output/}; kernel: $kernel"
failed=0
total_start=$SECONDS
for nb in "$here"/*.ipynb; do
  name="$(basename "$nb")"
  start=$SECONDS
  if jupyter nbconvert --to notebook --execute \
      --ExecutePreprocessor.kernel_name="$kernel" \
      --ExecutePreprocessor.timeout="$timeout" \
      --output-dir "$outdir" --output "$name" "$nb" >"$logdir/${name%.ipynb}.log" 2>&1; then
    printf 'ok    %-36s %4ds\n' "$name" $((SECONDS - start))
  else
    printf 'FAIL  %-36s %4ds\n' "$name" $((SECONDS - start))
    sed 's/^/      | /' "$logdir/${name%.ipynb}.log" | tail -n 40
    failed=1
  fi
done
echo "$( [ $failed -eq 0 ] && echo "all notebooks ran" || echo "some notebooks FAILED" ) in $((SECONDS - total_start))s${keep:+; executed copies in $outdir}"
exit $failed
