#!/usr/bin/env bash
# CI system packages for the cluster tests (tests/test_clusters.py, markers `ray` and `slurm`).
#
# Idempotent: does nothing when everything is already there. Needs root (CI runs as root);
# on a user's machine run it with sudo, or skip it: the SLURM tests then skip themselves
# (they fail instead when CI=true).
#
#   slurm-wlm   slurmctld + slurmd + client commands (sinfo, sbatch, scancel, squeue).
#               The tests' fixture writes its own slurm.conf with AuthType=auth/none, so munge is
#               neither configured nor started (Debian still installs it as a dependency).
#
# Python side (not installed here; see pyproject.toml extras, `pip install -e ".[dev,clusters]"`):
#   [joblib]  hydra-joblib-launcher==1.2.0 (joblib 1.5.3)
#   [slurm]   hydra-submitit-launcher==1.2.0 (submitit 1.5.4)
#   [ray]     hydra-ray-launcher==1.2.2, ray[default]==2.60.0; the launcher pins cloudpickle<3
#             (pip resolves cloudpickle 2.2.1), fine with numpy 2.5.5, pandas 3.1.1, numba 0.68.1;
#             sim's Hydra schema classes pickle by reference, so sim-run works with it on
#             submitit/SLURM too (docs/clusters.md, Gotchas).
set -euo pipefail

PACKAGES=(slurm-wlm)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-system: already installed: ${PACKAGES[*]}"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
# Keep the distribution's services from starting at install time: the tests start their own
# daemons on private ports. Docker images usually ship this file already; leave theirs alone.
created_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    created_policy=1
fi
trap 'if [ -n "$created_policy" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi' EXIT

$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"
echo "install-system: installed ${missing[*]}"
for cmd in slurmctld slurmd sinfo sbatch; do
    command -v "$cmd" >/dev/null || { echo "install-system: $cmd not on PATH" >&2; exit 1; }
done
