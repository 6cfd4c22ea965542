#!/bin/sh
# forwarder-rules.sh: turns a forwarder instance into a TCP port forwarder.
#
# The Bicep module ships this file unchanged inside the VM scale set's cloud-init and renders only
# its configuration (/etc/forwarder/forwarder.conf), so every rule lives here, in one place.
#
#   forwarder-rules.sh           validate the configuration, apply rules and sysctls, persist them
#   forwarder-rules.sh --check   validate the configuration and print the plan; change nothing
#
# Configuration (key=value, '#' starts a comment, lists are separated by spaces):
#   targets=192.168.42.65 onprem-b.example.com   IPv4 addresses or host names, one or more
#   port_mappings=8000:8000 2222:22              frontend port:target port, TCP, one or more
#   allowed_sources=10.0.1.0/26                  CIDRs allowed besides the load balancer's probe source
#   ssh=false                                    accept SSH (TCP 22) on the instance itself
#   conntrack_max=65536                          connection tracking table size (empty: leave as is)
#
# Every path the script writes can be moved with an environment variable, so that it can run in a
# throwaway network namespace without touching the host's /etc:
#   FORWARDER_CONFIG, FORWARDER_SYSCTL_ROOT (/proc/sys), FORWARDER_SYSCTL_DIR (/etc/sysctl.d),
#   FORWARDER_SYSTEMD_DIR (/etc/systemd/system), FORWARDER_HOSTNAME (the kernel's host name).
set -eu
set -f

CONFIG=${FORWARDER_CONFIG:-/etc/forwarder/forwarder.conf}
SYSCTL_ROOT=${FORWARDER_SYSCTL_ROOT:-/proc/sys}
SYSCTL_DIR=${FORWARDER_SYSCTL_DIR:-/etc/sysctl.d}
SYSTEMD_DIR=${FORWARDER_SYSTEMD_DIR:-/etc/systemd/system}
# Azure's load balancer probes (and its health traffic) come from this virtual public address.
LB_SOURCE=168.63.129.16
UNIT=forwarder-rules.service

fail() {
  printf 'forwarder-rules: %s\n' "$*" >&2
  exit 1
}

say() {
  printf 'forwarder-rules: %s\n' "$*"
}

# ipv4_value ADDRESS: prints the address as a 32-bit integer; returns 1 if it is not dotted IPv4.
ipv4_value() {
  case $1 in '' | *[!0-9.]* | *..* | .* | *.) return 1 ;; esac
  saved_ifs=$IFS
  IFS=.
  # shellcheck disable=SC2086 # splitting the address on dots is the point
  set -- $1
  IFS=$saved_ifs
  [ $# -eq 4 ] || return 1
  for octet in "$@"; do
    # A leading zero would be read as octal by shell arithmetic.
    case $octet in 0?*) return 1 ;; esac
    [ "${#octet}" -le 3 ] && [ "$octet" -le 255 ] || return 1
  done
  echo $((($1 << 24) + ($2 << 16) + ($3 << 8) + $4))
}

# valid_port VALUE: true when VALUE is a decimal TCP port, 1 to 65535.
valid_port() {
  case $1 in '' | *[!0-9]* | 0*) return 1 ;; esac
  [ "${#1}" -le 5 ] && [ "$1" -le 65535 ]
}

# cidr_bounds CIDR: prints "first last" as integers, or fails naming the CIDR.
cidr_bounds() {
  address=${1%/*}
  bits=${1#*/}
  [ "$address" != "$1" ] || fail "allowed source '$1' is not a CIDR such as 10.0.1.0/26"
  first=$(ipv4_value "$address") || fail "allowed source '$1' does not start with an IPv4 address"
  case $bits in '' | *[!0-9]*) fail "allowed source '$1' has no prefix length from 0 to 32" ;; esac
  if [ "${#bits}" -gt 2 ] || [ "$bits" -gt 32 ]; then
    fail "allowed source '$1' has a prefix length above 32"
  fi
  size=$((1 << (32 - bits)))
  [ $((first % size)) -eq 0 ] || fail "allowed source '$1' has host bits set: use its network address"
  echo "$first $((first + size - 1))"
}

read_config() {
  [ -r "$CONFIG" ] || fail "the configuration file $CONFIG is missing or unreadable"
  targets=
  port_mappings=
  allowed_sources=
  ssh=false
  conntrack_max=
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%%#*}
    case $line in *[!\ \	]*) ;; *) continue ;; esac
    key=${line%%=*}
    [ "$key" != "$line" ] || fail "line '$line' of $CONFIG is not key=value"
    # Values keep inner spaces (lists) but lose the ones around them.
    value=$(printf '%s' "${line#*=}" | awk '{ $1 = $1; print }')
    case $key in
      targets) targets=$value ;;
      port_mappings) port_mappings=$value ;;
      allowed_sources) allowed_sources=$value ;;
      ssh) ssh=$value ;;
      conntrack_max) conntrack_max=$value ;;
      *) fail "unknown key '$key' in $CONFIG" ;;
    esac
  done <"$CONFIG"
}

# Resolves one target to an IPv4 address (host names through the system resolver).
resolve_target() {
  if ipv4_value "$1" >/dev/null; then
    echo "$1"
    return
  fi
  case $1 in *[!0-9.]*) ;; *) fail "target '$1' is not a valid IPv4 address (four numbers 0-255, no leading zeros)" ;; esac
  case $1 in *[!A-Za-z0-9.-]* | -* | .*) fail "target '$1' is neither an IPv4 address nor a host name" ;; esac
  resolved=$(getent ahostsv4 "$1" | awk 'NR == 1 { print $1 }') || true
  [ -n "$resolved" ] || fail "target '$1' does not resolve to an IPv4 address"
  echo "$resolved"
}

validate_sources() {
  source_bounds=
  for cidr in $allowed_sources; do
    bounds=$(cidr_bounds "$cidr")
    for other in $source_bounds; do
      other_cidr=${other%%=*}
      other_first=${other#*=}
      other_last=${other_first#*-}
      other_first=${other_first%-*}
      if [ "${bounds% *}" -le "$other_last" ] && [ "$other_first" -le "${bounds#* }" ]; then
        fail "allowed sources '$other_cidr' and '$cidr' overlap: list each range once"
      fi
    done
    source_bounds="$source_bounds $cidr=${bounds% *}-${bounds#* }"
  done
}

validate_ports() {
  [ -n "$port_mappings" ] || fail "no port mappings: set port_mappings=FRONTEND:TARGET in $CONFIG"
  frontends=' '
  for mapping in $port_mappings; do
    frontend=${mapping%%:*}
    target_port=${mapping#*:}
    [ "$frontend" != "$mapping" ] || fail "port mapping '$mapping' is not FRONTEND:TARGET"
    valid_port "$frontend" || fail "port mapping '$mapping' has frontend port '$frontend' outside 1-65535"
    valid_port "$target_port" || fail "port mapping '$mapping' has target port '$target_port' outside 1-65535"
    case $frontends in *" $frontend "*) fail "frontend port $frontend is mapped twice" ;; esac
    frontends="$frontends$frontend "
  done
}

# Rejects a target address that the forwarder must never send traffic to.
check_target_address() {
  name=$1
  value=$(ipv4_value "$2")
  if [ $((value >> 24)) -eq 127 ] || [ "$value" -eq 0 ]; then
    fail "target '$name' ($2) is not a remote address"
  fi
  [ "$2" != "$LB_SOURCE" ] || fail "target '$name' is the load balancer's source $LB_SOURCE"
  for entry in $source_bounds; do
    range=${entry#*=}
    if [ "$value" -ge "${range%-*}" ] && [ "$value" -le "${range#*-}" ]; then
      fail "target '$name' ($2) is inside the allowed source '${entry%%=*}': traffic would loop"
    fi
  done
}

validate_targets() {
  [ -n "$targets" ] || fail "no targets: set targets= to one or more IPv4 addresses or host names in $CONFIG"
  target_addresses=
  for target in $targets; do
    address=$(resolve_target "$target")
    check_target_address "$target" "$address"
    target_addresses="$target_addresses $address"
  done
}

validate_settings() {
  case $ssh in true | false) ;; *) fail "ssh is '$ssh': use true or false" ;; esac
  case $conntrack_max in
    '') ;;
    *[!0-9]* | 0*) fail "conntrack_max '$conntrack_max' is not a positive whole number" ;;
    *) [ "${#conntrack_max}" -le 9 ] || fail "conntrack_max '$conntrack_max' is too large" ;;
  esac
}

# The index a VM scale set encodes in its computer names (prefix + six base-36 digits), from the
# host name's trailing letters and digits; with two targets this is the seed's even/odd split.
instance_index() {
  host=${FORWARDER_HOSTNAME:-$(cat /proc/sys/kernel/hostname)}
  suffix=$(printf '%s' "${host##*[!0-9A-Za-z]}" | tr '[:upper:]' '[:lower:]')
  while [ "${#suffix}" -gt 6 ]; do suffix=${suffix#?}; done
  alphabet=0123456789abcdefghijklmnopqrstuvwxyz
  index=0
  while [ -n "$suffix" ]; do
    rest=${suffix#?}
    digit=${alphabet%%"${suffix%"$rest"}"*}
    index=$((index * 36 + ${#digit}))
    suffix=$rest
  done
  echo "$index"
}

choose_target() {
  # shellcheck disable=SC2086 # the list is space-separated addresses
  set -- $target_addresses
  position=$(($(instance_index) % $#))
  shift "$position"
  chosen=$1
}

ipt() {
  iptables -w "$@"
}

# Empties one of our chains (creating it on first run) and hooks it first into its built-in chain,
# so a second run rebuilds the same rules instead of appending duplicates.
own_chain() {
  table=$1
  chain=$2
  parent=$3
  ipt -t "$table" -N "$chain" 2>/dev/null || ipt -t "$table" -F "$chain"
  ipt -t "$table" -C "$parent" -j "$chain" 2>/dev/null || ipt -t "$table" -I "$parent" 1 -j "$chain"
}

apply_filter_rules() {
  own_chain filter FWD-INPUT INPUT
  ipt -A FWD-INPUT -i lo -j ACCEPT
  ipt -A FWD-INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  ipt -A FWD-INPUT -m conntrack --ctstate INVALID -j DROP
  if [ "$ssh" = true ]; then
    ipt -A FWD-INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT
  fi
  # Ending with DROP makes the deny independent of rules other software appends to INPUT.
  ipt -A FWD-INPUT -j DROP
  ipt -P INPUT DROP

  own_chain filter FWD-FORWARD FORWARD
  ipt -A FWD-FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  ipt -A FWD-FORWARD -m conntrack --ctstate INVALID -j DROP
  # Only connections this script translated may cross the instance.
  ipt -A FWD-FORWARD -m conntrack --ctstate DNAT -j ACCEPT
  ipt -A FWD-FORWARD -j DROP
}

apply_nat_rules() {
  own_chain nat FWD-PREROUTING PREROUTING
  own_chain nat FWD-OUTPUT OUTPUT
  own_chain nat FWD-POSTROUTING POSTROUTING
  for mapping in $port_mappings; do
    destination="$chosen:${mapping#*:}"
    for source in "$LB_SOURCE/32" $allowed_sources; do
      ipt -t nat -A FWD-PREROUTING -s "$source" -p tcp --dport "${mapping%%:*}" -j DNAT --to-destination "$destination"
    done
    # The health extension probes 127.0.0.1 from inside the instance; route_localnet lets that leave.
    ipt -t nat -A FWD-OUTPUT -d 127.0.0.1/32 -p tcp --dport "${mapping%%:*}" -j DNAT --to-destination "$destination"
  done
  ipt -t nat -A FWD-POSTROUTING -d "$chosen/32" -j MASQUERADE
}

sysctl_path() {
  echo "$SYSCTL_ROOT/$(printf '%s' "$1" | tr . /)"
}

set_sysctl() {
  (printf '%s\n' "$2" >"$(sysctl_path "$1")") 2>/dev/null || fail "cannot set $1 to $2"
}

apply_sysctls() {
  set_sysctl net.ipv4.ip_forward 1
  set_sysctl net.ipv4.conf.all.route_localnet 1
}

# The table size belongs to the initial network namespace; inside a container it is the host's.
apply_conntrack_max() {
  [ -n "$conntrack_max" ] || return 0
  if ! (printf '%s\n' "$conntrack_max" >"$(sysctl_path net.netfilter.nf_conntrack_max)") 2>/dev/null; then
    say "net.netfilter.nf_conntrack_max kept: this network namespace cannot change it (persisted for boot)"
  fi
}

# Writes a file only through a temporary sibling, so a crash never leaves half a file.
write_file() {
  mkdir -p "$(dirname "$1")"
  cat >"$1.tmp"
  mv "$1.tmp" "$1"
}

persist() {
  {
    echo '# Written by forwarder-rules.sh'
    echo 'net.ipv4.ip_forward = 1'
    echo 'net.ipv4.conf.all.route_localnet = 1'
    [ -z "$conntrack_max" ] || echo "net.netfilter.nf_conntrack_max = $conntrack_max"
  } | write_file "$SYSCTL_DIR/60-forwarder.conf"

  # Rules are rebuilt from the configuration at every boot by this same script: no extra package.
  script_path=$(cd "$(dirname "$0")" && pwd -P)/$(basename "$0")
  write_file "$SYSTEMD_DIR/$UNIT" <<EOF
[Unit]
Description=TCP forwarder rules (forwarder-rules.sh)
Wants=network-online.target
After=network-online.target iptables.service firewalld.service

[Service]
Type=oneshot
RemainAfterExit=yes
Environment=FORWARDER_CONFIG=$CONFIG
ExecStart=/bin/sh $script_path

[Install]
WantedBy=multi-user.target
EOF
  mkdir -p "$SYSTEMD_DIR/multi-user.target.wants"
  ln -sf "../$UNIT" "$SYSTEMD_DIR/multi-user.target.wants/$UNIT"
}

main() {
  read_config
  validate_settings
  validate_ports
  validate_sources
  validate_targets
  choose_target
  say "instance index $(instance_index): forwarding $port_mappings to $chosen"
  [ "${1:-}" != --check ] || return 0
  apply_sysctls
  apply_filter_rules
  apply_nat_rules
  apply_conntrack_max
  persist
  say "rules applied and persisted"
}

main "$@"
