#!/bin/bash
# GPU check for a machine with NVIDIA GPUs and no .NET: starts the Runner, asks GET /gpus and
# prints it beside nvidia-smi's own answer. Package the Runner first, on a machine with the SDK:
#   dotnet publish Lamina.Runner -c Release -r linux-x64 --self-contained -o /tmp/runner-pub
#   rm -rf /tmp/runner-pub/runtimes/linux-x64/native /tmp/runner-pub/Lamina.Engine*   # the engine is not needed here
#   mkdir -p .device && tar cJf .device/runner.tar.xz -C /tmp runner-pub && cp tools/device/check-gpus.sh .device/
# then run `bash .device/check-gpus.sh` there with OUT set to a folder for the answers.
set -u
cd "$(dirname "$0")"
tar xJf runner.tar.xz
# No store is needed for /gpus; the Runner starts without one.
export ConnectionStrings__redis="127.0.0.1:6399,abortConnect=false"
./runner-pub/Lamina.Runner --urls http://127.0.0.1:5099 > "$OUT/runner.log" 2>&1 &
RUNNER=$!
for _ in $(seq 1 60); do
  if curl -s -o "$OUT/gpus.json" http://127.0.0.1:5099/gpus; then break; fi
  sleep 0.5
done
nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,memory.free,utilization.gpu,driver_version,compute_cap --format=csv,noheader,nounits > "$OUT/nvidia-smi.csv"
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1
kill $RUNNER
echo "--- GET /gpus"; cat "$OUT/gpus.json"; echo
echo "--- nvidia-smi"; cat "$OUT/nvidia-smi.csv"
