#!/usr/bin/env bash
# Installs the Debian packages cxjf needs to build and test, when missing
# (Chromium and its driver: the portal's tests in a headless browser).
# Safe to run again: it installs only what is absent.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libeigen3-dev libboost-dev nlohmann-json3-dev libcli11-dev libxxhash-dev
  libgtest-dev libbenchmark-dev libsodium-dev libzstd-dev
  libzip-dev libexpat1-dev libxlsxwriter-dev libcpp-httplib-dev libsqlite3-dev
  python3-venv python3-dev fonts-noto-cjk
  openjdk-17-jdk-headless maven
  chromium chromium-driver
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The portal's page (web/) installs ECharts with npm; any Node.js with npm
# will do, Debian's when there is none.
command -v npm > /dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
