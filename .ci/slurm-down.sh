#!/bin/bash
# Stops the one-node Slurm of .ci/slurm-up.sh: each daemon by the PID in its pid file, never by
# name (other processes on the machine may share the names). The stale pid files are removed too:
# a leftover /run/slurmctld.pid makes the package's prerm fail on purge.
for f in /run/slurmd.pid /run/slurmctld.pid /run/munge/munged.pid; do
  [ -s "$f" ] || continue
  p=$(cat "$f")
  kill "$p" 2>/dev/null || true
  timeout 15 bash -c "while kill -0 $p 2>/dev/null; do sleep 0.2; done" || kill -9 "$p" 2>/dev/null || true
  rm -f "$f"
done
