#!/usr/bin/env bash
# Installs everything botrecon needs to build and test, from Debian's packages.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config git ca-certificates util-linux bsdutils time \
  python3 gzip bzip2 xz-utils zstd \
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev libfmt-dev \
  libeigen3-dev liblinear-dev libsimdjson-dev \
  zlib1g-dev libzstd-dev libbz2-dev liblzma-dev liblz4-dev libsnappy-dev \
  libzip-dev libpugixml-dev libreadstat-dev \
  nfdump argus-client argus-server \
  > /dev/null
