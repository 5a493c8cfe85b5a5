#!/usr/bin/env bash
# A throwaway single-node Slurm for the tests: munge with its own key and socket, slurmctld
# and slurmd with a generated slurm.conf, all state under one directory.
#
#   source tests/slurm/cluster.sh
#   slurm_up DIR        # starts the daemons, exports SLURM_CONF, waits until the node is idle
#   slurm_down          # stops the daemons by their pids (also run from an EXIT trap)
#
# Needs Debian's slurmctld, slurmd, slurm-client and munge (env/install-debian.sh) and root
# (slurmd launches jobs as their user). Ports are picked free at random.

slurm_free_port() {
  local p
  for _ in $(seq 50); do
    p=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo $p; return; fi
  done
  echo "no free port" >&2; return 1
}

# The plugins and policies both test clusters share (this one and tests/cluster's): no
# cgroups, accounting or mail; CPUs as the consumable; failed nodes' jobs requeued.
slurm_conf_policy() {
  cat <<'CONF'
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
JobRequeue=1
KillWait=5
MinJobAge=600
InactiveLimit=0
CONF
}

slurm_up() {
  local dir=$1 host cpus mem ctl_port d_port i
  mkdir -p "$dir"/{munge,state,spool,log}
  dir=$(cd "$dir" && pwd)
  SLURM_TEST_DIR=$dir
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
  ctl_port=$(slurm_free_port); d_port=$(slurm_free_port)
  # munge: own key (mode 0400), own socket, foreground-free daemon with its own pid file.
  chmod 0700 "$dir/munge"
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 0400 "$dir/munge/munge.key"
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
         --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/seed" \
         || { echo "slurm_up: munged failed:"; cat "$dir/log/munged.log"; return 1; }
  cat > "$dir/slurm.conf" <<CONF
ClusterName=aemigaptest
SlurmctldHost=$host
SlurmctldPort=$ctl_port
SlurmdPort=$d_port
SlurmUser=$(id -un)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
$(slurm_conf_policy)
SlurmdTimeout=60
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
  export SLURM_CONF=$dir/slurm.conf
  slurmctld -D -i -f "$SLURM_CONF" > "$dir/log/slurmctld.out" 2>&1 &
  SLURM_CTLD_PID=$!
  slurmd -D -f "$SLURM_CONF" -N "$host" > "$dir/log/slurmd.out" 2>&1 &
  SLURM_D_PID=$!
  for i in $(seq 60); do
    if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)'; then
      echo "slurm up: $host, $cpus CPUs, ${mem} MB, SLURM_CONF=$SLURM_CONF"
      return 0
    fi
    sleep 1
  done
  echo "slurm_up: the node did not become idle in 60 s"
  sinfo 2>&1 || true
  tail -20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" 2>/dev/null || true
  return 1
}

slurm_down() {
  local p
  for p in ${SLURM_D_PID:-} ${SLURM_CTLD_PID:-}; do kill "$p" 2>/dev/null || true; done
  for p in ${SLURM_D_PID:-} ${SLURM_CTLD_PID:-}; do wait "$p" 2>/dev/null || true; done
  if [ -n "${SLURM_TEST_DIR:-}" ] && [ -f "$SLURM_TEST_DIR/munge/munged.pid" ]; then
    kill "$(cat "$SLURM_TEST_DIR/munge/munged.pid")" 2>/dev/null || true
  fi
  SLURM_D_PID= SLURM_CTLD_PID=
}
