#!/usr/bin/env bash
# A throwaway multi-node Slurm cluster on one machine, for the tests: each node is a network +
# UTS + mount namespace with its own hostname (node1..nodeN), address (10.201.0.i/24 on a
# veth), /etc/hosts, /tmp and /dev/shm, and its own slurmd; the head namespace ("head",
# 10.201.0.254) holds the bridge between them, slurmctld and munged, and is where jobs are
# submitted from. Nothing is connected to the machine's own network: traffic stays between
# the namespaces made here. The working directory is shared, as a cluster file system would be.
#
#   source tests/cluster/netns_cluster.sh
#   ncl_up DIR [N]       # makes the namespaces, starts the daemons, waits until N nodes are idle
#   ncl_on NODE CMD...   # runs CMD on a node (node1..N) or on the head ("head")
#   ncl_head CMD...      # ncl_on head: sbatch, squeue, scontrol, the jobs/*.sh submitters
#   ncl_lose NODE        # the node loses power: link down, every process in it killed (-9)
#   ncl_revive NODE      # the node boots again: a fresh namespace and slurmd
#   ncl_down             # kills everything in the namespaces and deletes them (EXIT trap)
#   tests/cluster/netns_cluster.sh on NODE CMD...   # ncl_on as a command (for `timeout`), with
#                                                   # NCL_PREFIX and NCL_DIR from ncl_up
#
# Needs root, iproute2 (ip netns), util-linux (unshare), slurmctld, slurmd, slurm-client and
# munge. ncl_can_make_namespaces says, without side effects, whether this machine allows it.

NCL_NET=10.201.0
# slurm_conf_policy: the plugin and policy lines of slurm.conf, shared with the one-node cluster
source "$(dirname "${BASH_SOURCE[0]}")/../slurm/cluster.sh"

ncl_can_make_namespaces() {
  [ "$(id -u)" = 0 ] || { echo "needs root (network namespaces, and slurmd starts jobs as their user)"; return 1; }
  local t=aemncl-probe-$$
  ip netns add "$t" 2>/dev/null || { echo "cannot make a network namespace here (ip netns add failed)"; return 1; }
  if ! ip -n "$t" link add probe0 type veth peer name probe1 2>/dev/null; then
    ip netns del "$t"; echo "cannot make a veth pair in a network namespace here"; return 1
  fi
  if ! nsenter --net="/run/netns/$t" unshare --uts --mount true 2>/dev/null; then
    ip netns del "$t"; echo "cannot make UTS/mount namespaces here (unshare failed)"; return 1
  fi
  ip netns del "$t"
  for c in slurmctld slurmd sbatch munged; do
    command -v "$c" > /dev/null || { echo "no $c (env/install-debian.sh installs Slurm and munge)"; return 1; }
  done
}

# ncl_on NODE CMD...: in the node's network namespace, with a fresh UTS and mount namespace
# (hostname NODE; /etc/hosts, /tmp and /dev/shm of its own; mounts do not leak out).
ncl_on() {
  local node=$1
  shift
  # nsenter, not `ip netns exec`: the latter mounts a fresh /sys, without the cgroup file
  # systems slurmd needs.
  nsenter --net="/run/netns/$NCL_PREFIX-$node" unshare --uts --mount --propagation private \
    bash -c 'hostname "$1" && mount --bind "$2/hosts" /etc/hosts && mount --bind "$2/nodes/$1/tmp" /tmp &&
             mount -t tmpfs -o size=1g tmpfs /dev/shm && shift 2 && exec "$@"' ncl "$node" "$NCL_DIR" "$@"
}
ncl_head() { ncl_on head "$@"; }

_ncl_node_net() {  # _ncl_node_net I: namespace node<I>, its veth into the head's bridge
  local i=$1 ns=$NCL_PREFIX-node$1
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip -n "$NCL_PREFIX-head" link add "v$i" type veth peer name eth0 netns "$ns"
  ip -n "$NCL_PREFIX-head" link set "v$i" master br0 up
  ip -n "$ns" addr add "$NCL_NET.$i/24" dev eth0
  ip -n "$ns" link set eth0 up
  mkdir -p "$NCL_DIR/nodes/node$i/tmp" "$NCL_DIR/spool/node$i"
  chmod 1777 "$NCL_DIR/nodes/node$i/tmp"
}

_ncl_slurmd() {  # _ncl_slurmd I: starts node<I>'s slurmd in the background
  ncl_on "node$1" slurmd -D -f "$SLURM_CONF" -N "node$1" > "$NCL_DIR/log/slurmd-node$1.out" 2>&1 &
}

# ncl_wait_idle N [SECONDS]: until N nodes are idle (or mixed: jobs running)
ncl_wait_idle() {
  local n=$1 secs=${2:-60} up
  for _ in $(seq "$secs"); do
    up=$(ncl_head sinfo -h -N -o '%N %T' 2>/dev/null | grep -cE ' (idle|mixed|allocated)$' || true)
    [ "$up" -ge "$n" ] && return 0
    sleep 1
  done
  echo "ncl: $up of $n nodes up after $secs s:"
  ncl_head sinfo -N 2>&1 || true
  tail -5 "$NCL_DIR"/log/*.log 2>/dev/null || true
  return 1
}

_ncl_reap_stale() {  # namespaces left by a run that was killed (its shell, aemncl<pid>, is gone)
  local ns pid
  for ns in $(ip netns list | awk '{print $1}' | grep '^aemncl[0-9]*-'); do
    pid=${ns#aemncl}; pid=${pid%%-*}
    if ! kill -0 "$pid" 2>/dev/null; then _ncl_kill_ns "$ns"; ip netns del "$ns" 2>/dev/null || true; fi
  done
}

ncl_up() {
  local dir=$1 n=${2:-3} i mem
  case $(realpath -m "$dir") in
    /tmp|/tmp/*|/dev/shm/*) echo "ncl_up: $dir is under /tmp or /dev/shm, which every node has of its own; use another directory"; return 1 ;;
  esac
  mkdir -p "$dir"/{munge,state,spool,log,nodes/head/tmp}
  chmod 1777 "$dir/nodes/head/tmp"
  export NCL_DIR NCL_PREFIX
  NCL_DIR=$(cd "$dir" && pwd)
  NCL_N=$n
  NCL_PREFIX=aemncl$$
  _ncl_reap_stale
  ip netns add "$NCL_PREFIX-head"
  ip -n "$NCL_PREFIX-head" link set lo up
  ip -n "$NCL_PREFIX-head" link add br0 type bridge
  ip -n "$NCL_PREFIX-head" addr add "$NCL_NET.254/24" dev br0
  ip -n "$NCL_PREFIX-head" link set br0 up
  { echo "127.0.0.1 localhost"; echo "$NCL_NET.254 head"; for i in $(seq "$n"); do echo "$NCL_NET.$i node$i"; done; } > "$NCL_DIR/hosts"
  for i in $(seq "$n"); do _ncl_node_net "$i"; done

  chmod 0700 "$NCL_DIR/munge"
  dd if=/dev/urandom of="$NCL_DIR/munge/munge.key" bs=1024 count=1 status=none
  chmod 0400 "$NCL_DIR/munge/munge.key"
  ncl_head munged --force --key-file="$NCL_DIR/munge/munge.key" --socket="$NCL_DIR/munge/munge.socket" \
    --pid-file="$NCL_DIR/munge/munged.pid" --log-file="$NCL_DIR/log/munged.log" --seed-file="$NCL_DIR/munge/seed" ||
    { echo "ncl_up: munged failed:"; cat "$NCL_DIR/log/munged.log"; return 1; }

  # Each node claims 2 CPUs (the machine's cores, shared) and a slice of the memory.
  mem=$(( ($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 2048) / n ))
  cat > "$NCL_DIR/slurm.conf" <<CONF
ClusterName=aemigapncl
SlurmctldHost=head($NCL_NET.254)
SlurmUser=$(id -un)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$NCL_DIR/munge/munge.socket
StateSaveLocation=$NCL_DIR/state
SlurmdSpoolDir=$NCL_DIR/spool/%n
SlurmctldPidFile=$NCL_DIR/slurmctld.pid
SlurmdPidFile=$NCL_DIR/spool/slurmd-%n.pid
SlurmctldLogFile=$NCL_DIR/log/slurmctld.log
SlurmdLogFile=$NCL_DIR/log/slurmd-%n.log
SlurmdParameters=config_overrides
$(slurm_conf_policy)
# A node that stops answering is DOWN after 20 s (NCL_SLURMD_TIMEOUT; a real cluster: minutes) and its jobs are
# killed, and requeued where they allow it.
SlurmdTimeout=${NCL_SLURMD_TIMEOUT:-20}
CONF
  for i in $(seq "$n"); do
    echo "NodeName=node$i NodeAddr=$NCL_NET.$i CPUs=2 RealMemory=$mem State=UNKNOWN" >> "$NCL_DIR/slurm.conf"
  done
  echo "PartitionName=test Nodes=node[1-$n] Default=YES MaxTime=INFINITE State=UP" >> "$NCL_DIR/slurm.conf"
  export SLURM_CONF=$NCL_DIR/slurm.conf
  ncl_head slurmctld -D -i -f "$SLURM_CONF" > "$NCL_DIR/log/slurmctld.out" 2>&1 &
  for i in $(seq "$n"); do _ncl_slurmd "$i"; done
  ncl_wait_idle "$n" 60 || return 1
  echo "ncl up: $n nodes (node1..node$n on $NCL_NET.0/24) + head, SLURM_CONF=$SLURM_CONF"
}

_ncl_kill_ns() {  # every process of a namespace, -9
  local pids
  pids=$(ip netns pids "$1" 2>/dev/null) || return 0
  [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
}

ncl_lose() {
  local ns=$NCL_PREFIX-$1
  ip -n "$ns" link set eth0 down  # first: nothing it sends as it dies (RST, FIN) reaches the others
  _ncl_kill_ns "$ns"
  for _ in $(seq 50); do [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break; sleep 0.1; done
  ip netns del "$ns"
}

ncl_revive() {
  local i=${1#node}
  ip -n "$NCL_PREFIX-head" link del "v$i" 2>/dev/null || true
  _ncl_node_net "$i"
  _ncl_slurmd "$i"
}

ncl_down() {
  local ns
  [ -n "${NCL_PREFIX:-}" ] || return 0
  for ns in $(ip netns list | awk '{print $1}' | grep "^$NCL_PREFIX-"); do _ncl_kill_ns "$ns"; done
  sleep 0.2
  for ns in $(ip netns list | awk '{print $1}' | grep "^$NCL_PREFIX-"); do
    _ncl_kill_ns "$ns"
    ip netns del "$ns" 2>/dev/null || true
  done
  NCL_PREFIX=
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case ${1:-} in
    on) shift; ncl_on "$@" ;;
    *) echo "usage: netns_cluster.sh on NODE CMD... (or source it)" >&2; exit 2 ;;
  esac
fi
