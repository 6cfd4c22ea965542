#!/usr/bin/env bash
# Idempotent setup for `npm start` and `npm test`: installs only what is missing.
#   1. Debian packages the fabric and the tests use (root only; others get one sentence).
#   2. npm dependencies, with `npm ci` whenever package-lock.json changed since the last install.
#   3. The pinned Bicep CLI, restored from NuGet through the .NET SDK into tools/bicep/.
#   4. The package mirror of the fabric's simulated internet: the .deb files the layers' proxy instances install at
#      boot (apt-get download, into tools/mirror/); they are served, never installed on this host.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { printf '[setup] %s\n' "$*"; }

# dnsmasq-base rather than dnsmasq: the full package starts a host-wide DNS service.
# azure-cli: the local cloud is proven with the real Azure CLI too.
debian_packages=(iproute2 iptables nftables dnsmasq-base iperf3 socat shellcheck curl wget
  netcat-openbsd dnsutils util-linux openssl conntrack procps azure-cli)
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "not root: cannot install ${missing[*]}; the network fabric needs them and root, the rest runs without."
  fi
fi

# npm: node_modules is current when it was installed from this exact lockfile.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.setup-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.setup-lock-hash
fi

# Bicep CLI, pinned in scripts/bicep-cli.csproj.
bicep_version=$(sed -n 's:.*<BicepVersion>\(.*\)</BicepVersion>.*:\1:p' scripts/bicep-cli.csproj)
bicep_bin="$root/tools/bicep/bicep"
if ! "$bicep_bin" --version 2>/dev/null | grep -q "version $bicep_version "; then
  say "fetching Bicep CLI $bicep_version from NuGet"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp scripts/bicep-cli.csproj "$work/"
  dotnet restore "$work/bicep-cli.csproj" --packages "$work/packages" --verbosity quiet >/dev/null
  mkdir -p tools/bicep
  install -m 0755 "$work/packages/azure.bicep.commandline.linux-x64/$bicep_version/tools/bicep" "$bicep_bin.tmp"
  mv "$bicep_bin.tmp" "$bicep_bin"
fi
# The mirror: each proxy package with the dependencies a Debian 12 host lacks; instances install them, so the
# host itself does not need haproxy or nginx.
mirror_packages=(haproxy liblua5.3-0 libopentracing-c-wrapper0 libopentracing1 nginx nginx-common
  libnginx-mod-stream dnsmasq-base)
mirror_dir="$root/tools/mirror"
mirror_missing=()
for pkg in "${mirror_packages[@]}"; do
  compgen -G "$mirror_dir/${pkg}_*.deb" >/dev/null || mirror_missing+=("$pkg")
done
if [ ${#mirror_missing[@]} -gt 0 ]; then
  say "downloading the fabric's package mirror: ${mirror_missing[*]}"
  mkdir -p "$mirror_dir"
  # As root apt warns that it downloads unsandboxed; the files are only served, so that is fine.
  (cd "$mirror_dir" && { apt-get download -qq "${mirror_missing[@]}" 2>&1 | grep -v 'unsandboxed' || true; })
  for pkg in "${mirror_missing[@]}"; do
    compgen -G "$mirror_dir/${pkg}_*.deb" >/dev/null || say "could not download $pkg: the layers' proxies cannot install in the fabric"
  done
fi
say "ready: $("$bicep_bin" --version); npm scripts run on Node $("$root/node_modules/.bin/node" --version)"
