#!/bin/sh
# layer-proxy.sh: turns an instance of a network layer (ISA-95 L2, L3 or L4) into that layer's SNI proxy and DNS.
#
# The Bicep module ships this file unchanged in the scale set's cloud-init (customData, first boot only) and
# renders the layer's configuration into the scale set's userData, which the instance reads from the Instance
# Metadata Service. userData, unlike customData, can change without reimaging: a watcher started here applies a
# new configuration (a changed allow-list) as soon as the scale set's model reaches the instance.
#
#   layer-proxy.sh            read the configuration, validate it, render the proxy and DNS configuration, start
#                             (or reload) layer-proxy.service, layer-dns.service and layer-proxy-watch.service
#   layer-proxy.sh --check    validate the configuration and print the plan; change nothing
#   layer-proxy.sh --render   validate and write the rendered files only (no unit is written or started)
#   layer-proxy.sh --watch    every refresh_seconds, apply the userData when it changed (what the watch unit runs)
#   layer-proxy.sh --hops     print the proxy's connection log: one line per connection with the client, the name,
#                             the allow-list entry it matched and where it went (haproxy: the journal; nginx: a file)
#
# Configuration (key=value, '#' starts a comment):
#   layer=L2                      the layer's name, written in every log line
#   engine=haproxy                haproxy (TCP mode on req.ssl_sni) or nginx (stream, ssl_preread)
#   allow=a.example.com,*.b.com   the allow-list: host names, or *.domain for every name below domain
#   frontend=10.20.1.10           this layer's proxy and DNS frontend (its load balancer): allowed names resolve to it
#   next_hop=10.30.1.10           the next layer's frontend, where allowed TLS goes on port 443; empty on the top
#                                 layer, which resolves the name itself and connects to it (a dynamic forward proxy)
#   dns_upstream=10.30.1.10       where other names are forwarded (the top layer: Azure DNS, 168.63.129.16)
#   egress_resolver=168.63.129.16 the top layer's resolver for the names it connects to
#   refresh_seconds=5             how often the watcher reads the userData
#
# The proxies never terminate TLS: they read the server name from the ClientHello and pass the bytes through.
# A name outside the allow-list is refused at the first proxy it reaches. For tests, every path can be moved:
#   LAYER_PROXY_CONFIG (a file instead of the userData), LAYER_PROXY_ETC (/etc/layer-proxy),
#   LAYER_PROXY_SYSTEMD_DIR (/etc/systemd/system), LAYER_PROXY_IMDS (http://169.254.169.254),
#   LAYER_PROXY_LOG_DIR (/var/log/layer-proxy, nginx's connection log).
set -eu
set -f

ETC=${LAYER_PROXY_ETC:-/etc/layer-proxy}
SYSTEMD_DIR=${LAYER_PROXY_SYSTEMD_DIR:-/etc/systemd/system}
IMDS=${LAYER_PROXY_IMDS:-http://169.254.169.254}
LOG_DIR=${LAYER_PROXY_LOG_DIR:-/var/log/layer-proxy}
# nginx sends a name outside the allow-list to this loopback server of its own, which closes the connection.
REFUSER_PORT=4431
APPLIED=$ETC/layer.conf
USERDATA_URL="$IMDS/metadata/instance/compute/userData?api-version=2021-01-01&format=text"

fail() {
  printf 'layer-proxy: %s\n' "$*" >&2
  exit 1
}

say() {
  printf 'layer-proxy: %s\n' "$*"
}

# Writes a file only through a temporary sibling, so a crash never leaves half a file.
write_file() {
  mkdir -p "$(dirname "$1")"
  cat >"$1.tmp"
  mv "$1.tmp" "$1"
}

# The configuration text: the file named by LAYER_PROXY_CONFIG, or the scale set's userData from the IMDS.
read_source() {
  if [ -n "${LAYER_PROXY_CONFIG:-}" ]; then
    [ -r "$LAYER_PROXY_CONFIG" ] || fail "the configuration file $LAYER_PROXY_CONFIG is missing or unreadable"
    cat "$LAYER_PROXY_CONFIG"
    return
  fi
  encoded=$(curl -fsS --max-time 5 --noproxy '*' -H 'Metadata: true' "$USERDATA_URL" 2>/dev/null) ||
    fail "the instance metadata service gave no userData: deploy the scale set with the layer's userData"
  printf '%s' "$encoded" | base64 -d 2>/dev/null || fail "the userData is not base64: deploy it as the Bicep module renders it"
}

parse_config() {
  layer=
  engine=haproxy
  allow=
  frontend=
  next_hop=
  dns_upstream=
  egress_resolver=168.63.129.16
  refresh_seconds=5
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%%#*}
    case $line in *[!\ \	]*) ;; *) continue ;; esac
    key=${line%%=*}
    [ "$key" != "$line" ] || fail "line '$line' of the configuration is not key=value"
    key=$(printf '%s' "$key" | tr -d ' \t')
    # The allow-list keeps its spaces, so that an entry with one is caught below; the rest are trimmed.
    value=${line#*=}
    case $key in
      allow) allow=$value ;;
      layer) layer=$(printf '%s' "$value" | tr -d ' \t') ;;
      engine) engine=$(printf '%s' "$value" | tr -d ' \t') ;;
      frontend) frontend=$(printf '%s' "$value" | tr -d ' \t') ;;
      next_hop) next_hop=$(printf '%s' "$value" | tr -d ' \t') ;;
      dns_upstream) dns_upstream=$(printf '%s' "$value" | tr -d ' \t') ;;
      egress_resolver) egress_resolver=$(printf '%s' "$value" | tr -d ' \t') ;;
      refresh_seconds) refresh_seconds=$(printf '%s' "$value" | tr -d ' \t') ;;
      *) fail "unknown key '$key' in the configuration" ;;
    esac
  done
}

# valid_ipv4 ADDRESS: true for dotted IPv4 without leading zeros.
valid_ipv4() {
  case $1 in '' | *[!0-9.]* | *..* | .* | *.) return 1 ;; esac
  saved_ifs=$IFS
  IFS=.
  # shellcheck disable=SC2086 # splitting the address on dots is the point
  set -- $1
  IFS=$saved_ifs
  [ $# -eq 4 ] || return 1
  for octet in "$@"; do
    case $octet in 0?*) return 1 ;; esac
    [ "${#octet}" -le 3 ] && [ "$octet" -le 255 ] || return 1
  done
}

# entry_problem ENTRY: prints why ENTRY is not an allow-list entry; prints nothing when it is one. The sentences
# are the ones the Bicep module's check gives, so a bad entry reads the same wherever it is caught.
entry_problem() {
  e=$1
  case $e in
    '') echo "Allow-list entry '' is empty: remove it or give a host name." ;;
    *[[:space:]]*) echo "Allow-list entry '$e' contains spaces: list one host name per entry." ;;
    *://*) echo "Allow-list entry '$e' has a scheme: list the host name only, without https://." ;;
    */*) echo "Allow-list entry '$e' has a path: list the host name only; the proxies see names, not paths." ;;
    *:*) echo "Allow-list entry '$e' has a port: list the host name only; the proxies carry TLS on port 443." ;;
    *) host_problem "$e" ;;
  esac
}

host_problem() {
  e=$1
  name=${e#\*.}
  case $name in *'*'*)
    echo "Allow-list entry '$e' has a '*' that is not the whole leading label: write wildcards as *.example.com."
    return
    ;;
  esac
  case $name in *[!a-z0-9.-]*)
    echo "Allow-list entry '$e' is not a host name: use lower-case letters, digits, hyphens and dots."
    return
    ;;
  esac
  case $name in '' | .* | *. | *..*)
    echo "Allow-list entry '$e' has an empty label: remove the extra dot."
    return
    ;;
  esac
  case $name in *.*) ;; *)
    echo "Allow-list entry '$e' has a single label: give a full name such as example.com."
    return
    ;;
  esac
  [ "${#name}" -le 253 ] || {
    echo "Allow-list entry '$e' is longer than 253 characters: shorten it."
    return
  }
  saved_ifs=$IFS
  IFS=.
  # shellcheck disable=SC2086 # splitting the name into labels is the point
  set -- $name
  IFS=$saved_ifs
  for label in "$@"; do
    case $label in -* | *-)
      echo "Allow-list entry '$e' has a label that starts or ends with a hyphen: fix the name."
      return
      ;;
    esac
    [ "${#label}" -le 63 ] || {
      echo "Allow-list entry '$e' has a label longer than 63 characters: shorten it."
      return
    }
  done
}

# Splits the allow-list on commas into $entries (one a line), stopping at the first bad entry.
validate_allow() {
  case $allow in *[![:space:]]*) ;; *) fail "The allow-list is empty: list at least one host name, such as deb.debian.org." ;; esac
  entries=
  rest=$allow,
  while [ -n "$rest" ]; do
    entry=${rest%%,*}
    rest=${rest#*,}
    # Upper-case letters are the same name to DNS and to the proxies' matching: they are read as lower case.
    entry=$(printf '%s' "$entry" | tr '[:upper:]' '[:lower:]')
    problem=$(entry_problem "$entry")
    [ -z "$problem" ] || fail "$problem"
    case "
$entries
" in *"
$entry
"*) fail "Allow-list entry '$entry' is listed twice: list each name once." ;; esac
    entries="${entries:+$entries
}$entry"
  done
}

validate_settings() {
  case $layer in '' | *[!A-Za-z0-9_-]*) fail "layer '$layer' is not a name such as L2: letters, digits, - and _" ;; esac
  case $engine in haproxy | nginx) ;; *) fail "engine '$engine' is neither haproxy nor nginx" ;; esac
  valid_ipv4 "$frontend" || fail "frontend '$frontend' is not the IPv4 address of the layer's load balancer frontend"
  valid_ipv4 "$dns_upstream" || fail "dns_upstream '$dns_upstream' is not an IPv4 address"
  [ -z "$next_hop" ] || valid_ipv4 "$next_hop" || fail "next_hop '$next_hop' is not the IPv4 address of the next layer's frontend"
  [ "$next_hop" != "$frontend" ] || fail "next_hop is this layer's own frontend $frontend: traffic would loop"
  valid_ipv4 "$egress_resolver" || fail "egress_resolver '$egress_resolver' is not an IPv4 address"
  case $refresh_seconds in '' | *[!0-9]* | 0*) fail "refresh_seconds '$refresh_seconds' is not a positive whole number" ;; esac
}

read_and_validate() {
  text=$(read_source)
  parse_config <<EOF
$text
EOF
  validate_settings
  validate_allow
}

exact_entries() {
  printf '%s\n' "$entries" | grep -v '^\*\.' || true
}

# Wildcards, longest domain first: the most specific one is the entry a name is logged under.
wildcard_entries() {
  printf '%s\n' "$entries" | grep '^\*\.' | awk '{ print length($0), $0 }' | sort -k1,1nr -k2 | cut -d' ' -f2- || true
}

role() {
  if [ -n "$next_hop" ]; then echo "forwards allowed names to $next_hop:443"; else echo "resolves allowed names with $egress_resolver and connects to them"; fi
}

render_haproxy() {
  exact_entries | awk 'NF { print $1, $1 }' | write_file "$ETC/exact.map"
  wildcard_entries | awk 'NF { print substr($1, 2), $1 }' | write_file "$ETC/wildcard.map"
  {
    cat <<EOF
# Rendered by layer-proxy.sh for layer $layer: $(role). Do not edit; redeploy the allow-list instead.
global
    log stdout format raw daemon info
    # No maxconn: haproxy derives it from the descriptors LimitNOFILE gives it.
    user nobody
    group nogroup
    hard-stop-after 30s

defaults
    mode tcp
    log global
    option dontlognull
    log-format "layer=$layer client=%ci:%cp sni=%[var(sess.sni)] entry=%[var(sess.entry)] upstream=%si:%sp state=%ts bytes=%B ms=%Tt"
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout client-fin 30s
EOF
    if [ -z "$next_hop" ]; then
      cat <<EOF

resolvers egress
    nameserver dns $egress_resolver:53
    accepted_payload_size 1232
    resolve_retries 3
    timeout resolve 1s
    timeout retry 1s
    hold valid 30s
    hold nx 5s
EOF
    fi
    cat <<EOF

frontend sni
    bind :443
    tcp-request inspect-delay 5s
    # Waits for the whole ClientHello; a connection that is not TLS is refused.
    tcp-request content reject unless { req.ssl_hello_type 1 }
    tcp-request content set-var(sess.sni) req.ssl_sni,lower
    # An exact entry wins over a wildcard one.
    tcp-request content set-var(sess.entry) var(sess.sni),map_str($ETC/exact.map)
    tcp-request content set-var(sess.entry) var(sess.sni),map_end($ETC/wildcard.map) unless { var(sess.entry) -m found }
    tcp-request content reject unless { var(sess.entry) -m found }
EOF
    if [ -n "$next_hop" ]; then
      cat <<EOF
    default_backend next_layer

backend next_layer
    server next $next_hop:443
EOF
    else
      cat <<EOF
    tcp-request content do-resolve(sess.origin,egress,ipv4) var(sess.sni)
    tcp-request content reject unless { var(sess.origin) -m found }
    default_backend origin

backend origin
    tcp-request content set-dst var(sess.origin)
    server origin 0.0.0.0:443
EOF
    fi
  } | write_file "$ETC/haproxy.cfg"
}

render_nginx() {
  # nginx's own variable on the top layer: the name the client asked for, resolved when the connection comes.
  # shellcheck disable=SC2016 # a literal nginx variable
  if [ -n "$next_hop" ]; then target="$next_hop:443"; else target='$ssl_preread_server_name:443'; fi
  {
    cat <<EOF
# Rendered by layer-proxy.sh for layer $layer: $(role). Do not edit; redeploy the allow-list instead.
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
user nobody nogroup;
worker_processes auto;
pid /run/layer-proxy/nginx.pid;
error_log stderr warn;
events {
    worker_connections 65536;
}
stream {
    log_format hops 'layer=$layer client=\$remote_addr:\$remote_port sni=\$ssl_preread_server_name entry=\$entry upstream=\$upstream_addr state=\$status bytes=\$bytes_received ms=\$session_time';
    # A file: under systemd, stdout is the journal's socket, which nginx cannot open by name.
    access_log $LOG_DIR/access.log hops if=\$ssl_preread_server_name;
    # Exact names win over wildcards, and the longest wildcard over shorter ones (nginx's hostnames matching).
    map \$ssl_preread_server_name \$entry {
        hostnames;
        default "";
EOF
    exact_entries | awk 'NF { printf "        %s \"%s\";\n", $1, $1 }'
    wildcard_entries | awk 'NF { printf "        %s \"%s\";\n", $1, $1 }'
    cat <<EOF
    }
    # A name outside the allow-list goes to the server below, which closes the connection without a word.
    map \$entry \$upstream {
        "" 127.0.0.1:$REFUSER_PORT;
        default $target;
    }
    server {
        listen 127.0.0.1:$REFUSER_PORT;
        return "";
        access_log off;
    }
EOF
    [ -n "$next_hop" ] || printf '    resolver %s valid=30s ipv6=off;\n    resolver_timeout 2s;\n' "$egress_resolver"
    cat <<'EOF'
    server {
        listen 443 reuseport backlog=4096;
        ssl_preread on;
        preread_timeout 5s;
        proxy_pass $upstream;
        proxy_connect_timeout 5s;
        proxy_timeout 1h;
    }
}
EOF
  } | write_file "$ETC/nginx.conf"
}

render_dnsmasq() {
  {
    cat <<EOF
# Rendered by layer-proxy.sh for layer $layer: allowed names answer with this layer's frontend $frontend,
# everything else is forwarded to $dns_upstream.
port=53
bind-dynamic
except-interface=lo
user=nobody
no-resolv
no-hosts
server=$dns_upstream
cache-size=2000
local-ttl=30
log-facility=-
# The layers carry IPv4 only: an allowed name must never resolve to an address no proxy listens on.
filter-AAAA
EOF
    # host-record answers the exact name only; address=/*.domain/ every name below domain, never domain itself.
    exact_entries | awk -v ip="$frontend" 'NF { print "host-record=" $1 "," ip }'
    wildcard_entries | awk -v ip="$frontend" 'NF { print "address=/" $1 "/" ip }'
  } | write_file "$ETC/dnsmasq.conf"
}

render() {
  mkdir -p "$ETC" "$LOG_DIR"
  if [ "$engine" = haproxy ]; then render_haproxy; else render_nginx; fi
  render_dnsmasq
  printf '%s\n' "$text" | write_file "$APPLIED"
}

proxy_unit() {
  if [ "$engine" = haproxy ]; then
    cat <<EOF
[Unit]
Description=SNI proxy of layer $layer (haproxy, rendered by layer-proxy.sh)
Wants=network-online.target
After=network-online.target

[Service]
Type=notify
RuntimeDirectory=layer-proxy
LimitNOFILE=1048576
ExecStartPre=/usr/sbin/haproxy -c -q -f $ETC/haproxy.cfg
ExecStart=/usr/sbin/haproxy -Ws -f $ETC/haproxy.cfg -p /run/layer-proxy/haproxy.pid
ExecReload=/usr/sbin/haproxy -c -q -f $ETC/haproxy.cfg
ExecReload=/bin/kill -USR2 \$MAINPID
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
  else
    cat <<EOF
[Unit]
Description=SNI proxy of layer $layer (nginx stream, rendered by layer-proxy.sh)
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
RuntimeDirectory=layer-proxy
LimitNOFILE=1048576
ExecStartPre=/usr/sbin/nginx -t -q -c $ETC/nginx.conf
ExecStart=/usr/sbin/nginx -c $ETC/nginx.conf -g 'daemon off;'
ExecReload=/usr/sbin/nginx -t -q -c $ETC/nginx.conf
ExecReload=/bin/kill -HUP \$MAINPID
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
  fi
}

write_units() {
  script_path=$(cd "$(dirname "$0")" && pwd -P)/$(basename "$0")
  proxy_unit | write_file "$SYSTEMD_DIR/layer-proxy.service"
  write_file "$SYSTEMD_DIR/layer-dns.service" <<EOF
[Unit]
Description=DNS of layer $layer (dnsmasq, rendered by layer-proxy.sh)
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
ExecStartPre=/usr/sbin/dnsmasq --test -C $ETC/dnsmasq.conf
ExecStart=/usr/sbin/dnsmasq -k -C $ETC/dnsmasq.conf
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
  write_file "$SYSTEMD_DIR/layer-proxy-watch.service" <<EOF
[Unit]
Description=Applies a changed configuration of layer $layer from the scale set's userData (layer-proxy.sh)
After=layer-proxy.service layer-dns.service

[Service]
Type=simple
ExecStart=/bin/sh $script_path --watch
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
EOF
}

require_programs() {
  if [ "$engine" = haproxy ]; then proxy=/usr/sbin/haproxy; else proxy=/usr/sbin/nginx; fi
  for program in "$proxy" /usr/sbin/dnsmasq; do
    [ -x "$program" ] || fail "$program is not installed: cloud-init's packages step did not finish (see /var/log/cloud-init-output.log); the layer above must be up first"
  done
}

# Starts or reloads the proxy and DNS with the rendered files; the package's own services would contend for the
# same ports, so they are stopped.
reload_services() {
  systemctl disable --now haproxy.service nginx.service >/dev/null 2>&1 || true
  systemctl daemon-reload
  systemctl enable layer-proxy.service layer-dns.service layer-proxy-watch.service
  systemctl reload-or-restart layer-proxy.service
  # dnsmasq reads its configuration only at start.
  systemctl restart layer-dns.service
  # A no-op when the watcher itself applies a change: it is running.
  systemctl start layer-proxy-watch.service
}

apply() {
  read_and_validate
  require_programs
  render
  write_units
  reload_services
  say "layer $layer: $(role); $(printf '%s\n' "$entries" | wc -l) allowed names; DNS answers them with $frontend"
}

# Runs as layer-proxy-watch.service: a configuration that fails validation is reported and the running one kept.
watch() {
  rejected=
  while :; do
    interval=$(sed -n 's/^refresh_seconds=//p' "$APPLIED" 2>/dev/null | tr -d ' \t')
    sleep "${interval:-5}"
    latest=$(read_source 2>&1) || {
      printf '%s\n' "$latest" >&2
      continue
    }
    if [ "$latest" = "$(cat "$APPLIED" 2>/dev/null)" ] || [ "$latest" = "$rejected" ]; then continue; fi
    say "the userData changed: applying it"
    if (apply); then
      say "applied the changed configuration"
    else
      rejected=$latest
      say "kept the running configuration"
    fi
  done
}

main() {
  case ${1:-} in
    '') apply ;;
    --check)
      read_and_validate
      say "layer $layer ($engine): $(role); DNS answers allowed names with $frontend and forwards the rest to $dns_upstream"
      printf '%s\n' "$entries" | sed 's/^/layer-proxy: allow /'
      ;;
    --render)
      read_and_validate
      render
      say "rendered $ETC"
      ;;
    --watch) watch ;;
    --hops)
      if [ "$(sed -n 's/^engine=//p' "$APPLIED" 2>/dev/null)" = nginx ]; then
        cat "$LOG_DIR/access.log"
      else
        journalctl -u layer-proxy.service -o cat --no-pager | grep '^layer='
      fi
      ;;
    *) fail "unknown option '$1': use --check, --render, --watch or --hops, or no option to apply" ;;
  esac
}

main "$@"
