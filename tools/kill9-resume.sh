#!/usr/bin/env bash
# Kills a tiny `pangym train` run with SIGKILL at KILLS random moments (default 20), each time continuing it as a user
# would: `--resume` when the folder holds a checkpoint, otherwise the same command again. After the kills of a round the
# run is continued until it finishes; a round that finishes before the kills are used up is followed by a new one. Every
# finished round's metrics.jsonl losses must equal, line for line, those of an uninterrupted run of the same command.
#
# Usage: tools/kill9-resume.sh [kills] [seed]      (after `dotnet build PanGym.sln -c Release`; needs python3)
set -euo pipefail

KILLS=${1:-20}
SEED=${2:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLI="$ROOT/src/PanGym.Cli/bin/Release/net10.0/PanGym.Cli.dll"
[ -f "$CLI" ] || { echo "build first: dotnet build PanGym.sln -c Release" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pangym-kill9-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
RANDOM=$SEED

train_args() { # train_args <out>: the run under test, every setting fixed so that it is deterministic
  ARGS=(train --env ShapesWorld-v0 --episodes 12 --steps-per-episode 8 --preset tiny --batch-size 2 --window 2
    --steps 150 --log-every 5 --checkpoint-every 10 --threads 1 --seed 0 --out "$1")
}

continue_args() { # continue_args <out>: what a user runs after a crash: resume when a checkpoint survived, else start again
  if [ -d "$1/checkpoint" ] || [ -d "$1/checkpoint.old" ]; then ARGS=(train --resume --out "$1"); else train_args "$1"; fi
}

losses() { # kind, step and the loss terms of every metrics line: what an interrupted run must reproduce exactly
  python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    print(m["kind"], m["step"], repr(m["loss"]), repr(m["flow"]), repr(m["latent"]), repr(m.get("reconstruction")), repr(m.get("painted")))
PY
}

echo "reference: one uninterrupted run"
start=$(date +%s.%N)
train_args "$WORK/reference"
dotnet "$CLI" "${ARGS[@]}" > "$WORK/reference.log" 2>&1
reference_seconds=$(python3 -c "import time; print(round(time.time() - $start, 1))")
losses "$WORK/reference/metrics.jsonl" > "$WORK/reference.losses"
echo "  finished in ${reference_seconds}s, $(wc -l < "$WORK/reference.losses") metric lines"
max_ms=$(python3 -c "print(int($reference_seconds * 1000 * 0.6))")

kills=0 rounds=0 failures=0 resumes=0 reruns=0
while [ "$kills" -lt "$KILLS" ]; do
  rounds=$((rounds + 1))
  out="$WORK/round$rounds"
  first=1 finished=0
  while [ "$kills" -lt "$KILLS" ]; do
    if [ "$first" = 1 ]; then train_args "$out"; first=0
    else
      if [ -d "$out/checkpoint" ] || [ -d "$out/checkpoint.old" ]; then resumes=$((resumes + 1)); else reruns=$((reruns + 1)); fi
      continue_args "$out"
    fi
    dotnet "$CLI" "${ARGS[@]}" > "$WORK/life.log" 2>&1 &
    pid=$!
    delay_ms=$((300 + (RANDOM * 32768 + RANDOM) % max_ms))
    sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))"
    if kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      kills=$((kills + 1))
      step=$(grep -o '"step": *[0-9]*' "$out/checkpoint/trainer.json" 2>/dev/null | head -1 | grep -o '[0-9]*$' || true)
      echo "  kill $kills (round $rounds) after ${delay_ms} ms; checkpoint step now: ${step:-none}"
    else
      code=0; wait "$pid" || code=$?
      if [ "$code" -ne 0 ]; then echo "  round $rounds: a continued run failed (exit $code):"; tail -3 "$WORK/life.log"; failures=$((failures + 1)); fi
      finished=1
      break
    fi
  done
  if [ "$finished" = 0 ]; then
    continue_args "$out"
    code=0; dotnet "$CLI" "${ARGS[@]}" > "$WORK/finish.log" 2>&1 || code=$?
    if [ "$code" -ne 0 ]; then echo "  round $rounds: finishing failed (exit $code):"; tail -3 "$WORK/finish.log"; failures=$((failures + 1)); fi
  fi
  if losses "$out/metrics.jsonl" | cmp -s - "$WORK/reference.losses"; then
    echo "  round $rounds finished: metrics.jsonl losses equal the uninterrupted run's"
  else
    echo "  round $rounds finished: metrics.jsonl losses DIFFER from the uninterrupted run's:"
    diff <(losses "$out/metrics.jsonl") "$WORK/reference.losses" | head -5 || true
    failures=$((failures + 1))
  fi
done

echo "summary: $kills kills over $rounds round(s), $resumes resumes and $reruns reruns after a kill, $failures failure(s)"
[ "$failures" -eq 0 ]
