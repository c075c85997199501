#!/bin/bash
# A sharded phase diagram as a Slurm job array on a single-node cluster
# this test starts itself (munged, slurmctld and slurmd for localhost only,
# configured in a temporary folder, stopped by PID at the end), then merge:
# byte-identical to the same diagram run in one piece. The job script, the
# submit line and the unsharded command are the README's (marked
# "test: phase.sbatch", "test: slurm" and "test: phase-one"). Skips (77)
# without slurm-wlm and munge, or when not root (slurmd runs jobs as
# their user).
#   tests/exp/test_slurm.sh RICHLAZY SOURCE_ROOT SCRATCH
set -u
richlazy="$1" src="$2" scratch="$3"
for p in munged slurmctld slurmd sbatch sinfo scancel; do
    if ! command -v "$p" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$p" ]; then
        echo "slurm: skipped: $p is not installed (scripts/deps --test installs slurm-wlm and munge)"
        exit 77
    fi
done
if [ "$(id -u)" -ne 0 ]; then
    echo "slurm: skipped: starting a Slurm node (slurmd) needs root"
    exit 77
fi
PATH="$PATH:/usr/sbin:/sbin"
example() { sh "$src/tests/exp/readme_example.sh" "$src/README.md" "$1"; }
one=$(example phase-one)
job=$(example phase.sbatch)
submit=$(example slurm)
if [ -z "$one" ] || [ -z "$job" ] || [ -z "$submit" ]; then
    echo "slurm: FAIL: README.md lacks the examples 'test: phase-one', 'test: phase.sbatch' and 'test: slurm'" >&2
    exit 1
fi

dir="$scratch/slurm-test"
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/work" "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
chmod 700 "$dir/munge"
ln -s "$richlazy" "$dir/bin/richlazy"
PATH="$dir/bin:$PATH"
export PATH

pids=""
stop() {
    # cancel what is left of our jobs, then stop our daemons, newest first
    [ -n "$pids" ] && [ -n "${SLURM_CONF:-}" ] &&
        timeout 10 scancel --quiet --user "$(id -un)" 2>/dev/null
    for p in $pids; do kill "$p" 2>/dev/null; done
    for p in $pids; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null
    done
    pids=""
}
trap stop EXIT
trap 'exit 1' INT TERM
logs() {
    for f in "$dir"/log/* "$dir"/munge/*.log; do
        [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }
    done >&2
}

# a free TCP port for slurmctld and the next for slurmd
port_free() { ! grep -qi ":$(printf '%04X' "$1") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
port=$((20000 + ($$ % 4000) * 2))
while ! port_free "$port" || ! port_free $((port + 1)); do port=$((port + 2)); done

# munge: its own key and socket
key="$dir/munge/munge.key"
if command -v mungekey >/dev/null 2>&1 || [ -x /usr/sbin/mungekey ]; then
    mungekey -c -k "$key" || exit 1
else
    dd if=/dev/urandom of="$key" bs=1024 count=1 2>/dev/null || exit 1
fi
chmod 600 "$key"
munged -F -f --key-file="$key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
    --seed-file="$dir/munge/munged.seed" >"$dir/log/munged.out" 2>&1 &
pids="$! $pids"

host=$(uname -n | cut -d. -f1)
cat >"$dir/slurm.conf" <<CONF
ClusterName=richlazytest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
NodeName=rltest NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=rltest Nodes=rltest Default=YES MaxTime=INFINITE State=UP
CONF
SLURM_CONF="$dir/slurm.conf"
export SLURM_CONF
for _ in $(seq 50); do [ -S "$dir/munge/munge.socket" ] && break; sleep 0.1; done
slurmctld -D -i >"$dir/log/slurmctld.out" 2>&1 &
pids="$! $pids"
slurmd -D -N rltest >"$dir/log/slurmd.out" 2>&1 &
pids="$! $pids"
state=""
for _ in $(seq 60); do
    state=$(sinfo -h -N -o %T 2>/dev/null)
    [ "$state" = "idle" ] && break
    sleep 0.5
done
if [ "$state" != "idle" ]; then
    echo "slurm: FAIL: the test cluster did not come up (node state '$state')" >&2
    logs
    exit 1
fi
echo "slurm: a one-node cluster on 127.0.0.1:$port, $(sinfo -V)"

cd "$dir/work" || exit 1
printf '%s\n' "$job" >phase.sbatch
start=$(date +%s.%N)
echo "\$ $submit"
if ! timeout 300 sh -c "$submit" </dev/null; then
    echo "slurm: FAIL: the job array or the merge failed" >&2
    cat slurm-*.out >&2 2>/dev/null
    logs
    exit 1
fi
end=$(date +%s.%N)
echo "\$ $one"
sh -c "$one" </dev/null >/dev/null || { echo "slurm: FAIL: the unsharded run" >&2; exit 1; }
stop

# the folders: each command's last word (merge's folder, --out's value)
out_sharded=${submit##* }
out_one=${one##* }
bad=0
n=0
for f in "$out_one"/*; do
    name=$(basename "$f")
    if cmp "$f" "$out_sharded/$name"; then
        n=$((n + 1))
    else
        echo "slurm: FAIL: $out_sharded/$name differs from $out_one/$name" >&2
        bad=1
    fi
done
[ "$n" -gt 0 ] || { echo "slurm: FAIL: $out_one holds no files" >&2; bad=1; }
tasks=$(ls slurm-*_*.out 2>/dev/null | wc -l)
[ "$tasks" -eq 4 ] || { echo "slurm: FAIL: $tasks array tasks ran, not 4" >&2; bad=1; }
awk -v n="$n" -v t="$tasks" -v a="$start" -v b="$end" 'BEGIN {
    printf "slurm: %d array tasks; %d files byte-identical; job array and merge took %.1f s\n", t, n, b - a }'
cd / && [ "$bad" -eq 0 ] && rm -rf "$dir"
exit "$bad"
