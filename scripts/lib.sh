# Shared shell helpers for scripts/{demo,test,test-sql,bench}. Source it; don't run it.
# Everything here is idempotent: a fresh Debian 12 machine gets what it lacks, a set-up one
# loses a few seconds.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_CONFIG="${PG_CONFIG:-/usr/bin/pg_config}"
PGRX_VERSION="0.18.0"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Runs a command as the postgres OS user when we are root (Postgres refuses to run as root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# apt packages, cargo-pgrx and `cargo pgrx init`, each only when missing.
ensure_deps() {
    local pkgs=(postgresql-15 postgresql-server-dev-15 libclang-dev clang sudo
                postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl postgresql-15-cron)
    local missing=()
    for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing apt packages: ${missing[*]}"
        if [ "$(id -u)" != 0 ]; then echo "run as root (or install: ${missing[*]})" >&2; exit 1; fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    if ! cargo pgrx --version 2>/dev/null | grep -q "$PGRX_VERSION"; then
        log "installing cargo-pgrx $PGRX_VERSION (takes a few minutes once)"
        cargo install cargo-pgrx --version "$PGRX_VERSION" --locked
    fi
    if ! grep -qs "pg15" "${PGRX_HOME:-$HOME/.pgrx}/config.toml"; then
        log "cargo pgrx init --pg15 $PG_CONFIG"
        cargo pgrx init --pg15 "$PG_CONFIG" >/dev/null
    fi
}

# Builds the extension and installs it into the system Postgres 15.
install_extension() {
    log "building and installing revenue_split (${PROFILE:-release})"
    local flag=()
    [ "${PROFILE:-release}" = release ] && flag=(--release)
    # Unlink the old library first: overwriting it in place would change pages that running
    # backends have mapped (SIGBUS); a new inode leaves them on the old copy.
    rm -f "$("$PG_CONFIG" --pkglibdir)/revenue_split.so"
    (cd "$ROOT" && cargo pgrx install "${flag[@]}" --pg-config "$PG_CONFIG" >/dev/null)
    # Released versions' frozen install scripts (pgrx installs only the current one).
    cp "$ROOT"/sql/archive/revenue_split--*.sql "$("$PG_CONFIG" --sharedir)/extension/"
}

# cluster_start DIR PORT [extra postgresql.conf lines...]: a throwaway cluster owned by
# postgres, listening only on a Unix socket in DIR. Reuses a running one.
cluster_start() {
    local dir="$1" port="$2"; shift 2
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
        {
            echo "listen_addresses = ''"
            echo "unix_socket_directories = '$dir'"
            echo "port = $port"
            echo "fsync = off"
            echo "shared_buffers = 512MB"
            echo "max_wal_size = 4GB"
            for line in "$@"; do echo "$line"; done
        } >> "$dir/data/postgresql.conf"
    fi
    if ! as_pg "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        # No RUST_BACKTRACE in the server: error DETAILs stay readable for SQL users.
        as_pg env -u RUST_BACKTRACE "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
    fi
}

cluster_stop() {
    local dir="$1"
    [ -f "$dir/data/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# psql against the cluster in DIR/PORT as postgres; extra args follow.
pg() {
    local dir="$1" port="$2"; shift 2
    psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres "$@"
}
