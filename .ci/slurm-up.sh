#!/bin/bash
# A one-node Slurm cluster (slurmctld + slurmd + munged) from Debian's packages, for the job-array
# tests in test/slurm/ (run by .ci/run). Root only, no systemd or cgroups needed. Adapted from a
# recipe tried on this kind of machine: Debian 12 ships Slurm 22.05 and munge 0.5. Safe to run
# again: it reuses the packages and restarts nothing that already runs.
# Stop everything with .ci/slurm-down.sh (by PID, never by name).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi
H=$(hostname -s)
getent hosts "$H" >/dev/null || echo "127.0.0.1 $H" >> /etc/hosts
[ -s /etc/munge/munge.key ] || runuser -u munge -- mungekey --create   # the package's postinst normally makes it
install -d -o munge -g munge -m 0755 /run/munge
# munged refuses to run as root (its log would not be root's): run it as munge, as the package intends.
munge -n >/dev/null 2>&1 || runuser -u munge -- /usr/sbin/munged
timeout 10 bash -c 'until munge -n | unmunge >/dev/null 2>&1; do sleep 0.2; done'
install -d -o slurm -g slurm /var/spool/slurmctld /var/log/slurm
install -d /var/spool/slurmd
MEM=$(awk '/^MemAvailable:/{print int($2/1024*0.9)}' /proc/meminfo)    # MB, 90% of what is free
# The node line from slurmd -C (its real topology, or slurmd warns), with RealMemory replaced.
NODE=$(slurmd -C | sed -n "1s/RealMemory=[0-9]*/RealMemory=$MEM/p")
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=ci
SlurmctldHost=$H
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# Array tasks start in waves; without this each wave waits 3 s.
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
$NODE State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
[ -s /run/slurmctld.pid ] && kill -0 "$(cat /run/slurmctld.pid)" 2>/dev/null || /usr/sbin/slurmctld
[ -s /run/slurmd.pid ] && kill -0 "$(cat /run/slurmd.pid)" 2>/dev/null || /usr/sbin/slurmd
timeout 60 bash -c 'until sinfo -h -o %T 2>/dev/null | grep -qx idle; do sleep 0.5; done'
sinfo
