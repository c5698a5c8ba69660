#!/usr/bin/env bash
# A throwaway PostgreSQL server for the shared-history tests: a cluster in a
# temporary folder, listening on 127.0.0.1 only, with TLS (a certificate
# authority made here, so the tests can check that intake verifies the
# server). initdb and postgres refuse to run as root, so as root the cluster
# belongs to `nobody`.
#
#   eval "$(scripts/test-postgres.sh start)"   # exports INTAKE_TEST_POSTGRES(_CA)
#   cargo test --locked
#   scripts/test-postgres.sh stop "$INTAKE_TEST_POSTGRES_DIR"
#
# Needs Debian's postgresql and openssl packages (.ci/run installs them).
set -euo pipefail

find_bin() {
    command -v "$1" 2>/dev/null && return
    ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -1
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u nobody -- "$@"
    else
        "$@"
    fi
}

start() {
    local initdb pg_ctl dir port
    initdb=$(find_bin initdb)
    pg_ctl=$(find_bin pg_ctl)
    if [ -z "$initdb" ] || [ -z "$pg_ctl" ]; then
        echo "test-postgres: no initdb/pg_ctl (install Debian's postgresql package)" >&2
        exit 1
    fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/intake-postgres.XXXXXX")
    chmod 755 "$dir"
    # A CA and a server certificate for 127.0.0.1 signed by it.
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=intake test CA" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1\n' >"$dir/san.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
        -CAcreateserial -days 2 -extfile "$dir/san.ext" -out "$dir/server.pem" >/dev/null 2>&1
    chmod 600 "$dir/server.key"
    if [ "$(id -u)" -eq 0 ]; then
        chown nobody "$dir" "$dir/server.key" "$dir/server.pem"
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$initdb" -D "$dir/data" -U intake --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
    as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
        "-h 127.0.0.1 -p $port -k $dir -c ssl=on -c ssl_cert_file=$dir/server.pem -c ssl_key_file=$dir/server.key -c max_connections=200 -c fsync=off" \
        start >/dev/null
    echo "export INTAKE_TEST_POSTGRES='postgresql://intake@127.0.0.1:$port/postgres'"
    echo "export INTAKE_TEST_POSTGRES_CA='$dir/ca.pem'"
    echo "export INTAKE_TEST_POSTGRES_DIR='$dir'"
}

stop() {
    local dir=${1:?usage: test-postgres.sh stop DIR}
    as_owner "$(find_bin pg_ctl)" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}

case "${1:-}" in
start) start ;;
stop) stop "${2:-}" ;;
*)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
