# Shared shell helpers for scripts/{demo,test,test-sql,bench,package}. Source it; don't run it.
# Everything here is idempotent: a bare Debian 12 machine gets what it lacks (apt packages, a
# pinned Rust toolchain, cargo-pgrx), a set-up one loses a few seconds.
#
# PG_MAJOR (default 15) selects the PostgreSQL major version everything builds and runs against:
# the apt packages, the cargo feature pg$PG_MAJOR, `cargo pgrx init/test`, PG_BIN and PG_CONFIG.
# Debian 12 ships 15; for any other major ensure_deps adds the PostgreSQL project's apt
# repository (apt.postgresql.org).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_MAJOR="${PG_MAJOR:-15}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/$PG_MAJOR/bin}"
PG_CONFIG="${PG_CONFIG:-$PG_BIN/pg_config}"
PG_FEATURE="pg$PG_MAJOR"
PGRX_VERSION="0.18.0"
RUST_TOOLCHAIN="1.95.0"
# The test cluster of scripts/test-sql (and of tests/e2e through `scripts/test-sql --env`).
TEST_DIR="${RS_TEST_DIR:-/tmp/revenue_split_test}"
TEST_PORT="${RS_TEST_PORT:-55432}"
# rustup installs cargo here; a shell that has not sourced ~/.cargo/env still finds it.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31merror: %s\033[0m\n' "$*" >&2; exit 1; }

# Runs a command as the postgres OS user when we are root (Postgres refuses to run as root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Runs a command as root: directly, or through sudo.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "needs root (or sudo) to run: $*"
    fi
}

# (Outputs are captured before matching: `cmd | grep -q` fails under pipefail when grep exits
# first and cmd gets SIGPIPE.)
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

# Whether the configured apt sources offer package $1 (after apt-get update).
apt_has() {
    local policy
    policy="$(apt-cache policy "$1" 2>/dev/null)" || return 1
    [[ "$policy" =~ Candidate:\ [^\(] ]]
}

# The apt packages, with why each is needed (one log line per package installed).
apt_wanted() {
    cat <<PKGS
build-essential	C compiler and linker: rustc links through cc, build scripts compile C
pkg-config	locates system libraries for build scripts
curl	downloads the rustup installer
ca-certificates	HTTPS for rustup, crates.io and apt.postgresql.org
git	version control: clones, release tags
python3	the golden sample check and the independent oracle (tests)
clang	bindgen (pgrx) parses the PostgreSQL headers with clang
libclang-dev	libclang, loaded by bindgen
sudo	cargo pgrx test --runas postgres starts its test server through sudo
postgresql-$PG_MAJOR	the PostgreSQL $PG_MAJOR server the extension is installed into and tested on
postgresql-server-dev-$PG_MAJOR	PostgreSQL $PG_MAJOR headers and pg_config, to build the extension
postgresql-$PG_MAJOR-pgtap	pgTAP, the SQL scenario tests (tests/sql)
libtap-parser-sourcehandler-pgtap-perl	pg_prove, runs the pgTAP tests
postgresql-$PG_MAJOR-cron	pg_cron, the scheduling end-to-end test
PKGS
}

# apt packages, a pinned Rust toolchain (rustup), cargo-pgrx and `cargo pgrx init`, each only
# when missing.
ensure_deps() {
    local missing=() name why
    while IFS=$'\t' read -r name why; do
        installed "$name" || missing+=("$name")
    done < <(apt_wanted)
    if [ ${#missing[@]} -gt 0 ]; then
        [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1 \
            || die "run as root or with sudo, or install these packages first: ${missing[*]}"
        log "apt-get update (to install ${#missing[@]} missing packages)"
        as_root apt-get update -qq
        if ! apt_has "postgresql-$PG_MAJOR"; then
            ensure_pgdg
        fi
        while IFS=$'\t' read -r name why; do
            installed "$name" || log "apt: installing $name — $why"
        done < <(apt_wanted)
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    ensure_rust
    if [[ "$(cargo pgrx --version 2>/dev/null)" != *"$PGRX_VERSION"* ]]; then
        log "cargo: installing cargo-pgrx $PGRX_VERSION — builds, installs and tests pgrx extensions (a few minutes, once)"
        cargo install cargo-pgrx --version "$PGRX_VERSION" --locked
    fi
    if ! grep -qs "^$PG_FEATURE = " "${PGRX_HOME:-$HOME/.pgrx}/config.toml"; then
        log "cargo pgrx init --$PG_FEATURE $PG_CONFIG — tells pgrx which PostgreSQL $PG_MAJOR to build against"
        cargo pgrx init "--$PG_FEATURE" "$PG_CONFIG" >/dev/null
    fi
}

# PostgreSQL majors other than the one Debian 12 ships (15) come from the PostgreSQL project's
# apt repository. Its setup script and signing key ship in Debian's postgresql-common package.
ensure_pgdg() {
    local script=/usr/share/postgresql-common/pgdg/apt.postgresql.org.sh
    log "PostgreSQL $PG_MAJOR is not in this machine's apt sources: adding apt.postgresql.org (setup script and signing key from postgresql-common)"
    if [ ! -f "$script" ]; then
        log "apt: installing postgresql-common — ships $script"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-common >/dev/null
    fi
    as_root sh "$script" -y >/dev/null
    apt_has "postgresql-$PG_MAJOR" || die "apt.postgresql.org has no postgresql-$PG_MAJOR for this distribution"
}

# A Rust toolchain: the one on PATH if any, else Rust $RUST_TOOLCHAIN through rustup (the
# official installer from https://sh.rustup.rs), with rustfmt and clippy for scripts/test's lint.
ensure_rust() {
    if ! cargo --version >/dev/null 2>&1; then
        if command -v rustup >/dev/null 2>&1; then
            log "rustup: installing Rust $RUST_TOOLCHAIN (rustfmt, clippy) — rustup is there but cargo does not run (no toolchain)"
            rustup toolchain install "$RUST_TOOLCHAIN" --profile minimal --component rustfmt,clippy --no-self-update \
                || die "rustup could not install Rust $RUST_TOOLCHAIN (see above)"
            rustup default "$RUST_TOOLCHAIN"
        else
            log "rustup: installing Rust $RUST_TOOLCHAIN (rustfmt, clippy) into ${CARGO_HOME:-$HOME/.cargo} — no cargo on PATH; the extension is written in Rust"
            local init
            init="$(mktemp)"
            if ! curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs -o "$init"; then
                rm -f "$init"
                die "could not download the Rust installer from https://sh.rustup.rs (no network?). Install Rust $RUST_TOOLCHAIN yourself (https://rustup.rs: rustup toolchain install $RUST_TOOLCHAIN -c rustfmt,clippy) and re-run."
            fi
            sh "$init" -y --no-modify-path --profile minimal --default-toolchain "$RUST_TOOLCHAIN" \
                --component rustfmt,clippy || { rm -f "$init"; die "rustup-init failed (see above)"; }
            rm -f "$init"
        fi
        cargo --version >/dev/null 2>&1 || die "cargo still does not run after installing Rust $RUST_TOOLCHAIN"
    fi
    local have
    have="$(cargo --version 2>/dev/null | awk '{print $2}')" || true
    [ "$have" = "$RUST_TOOLCHAIN" ] || log "note: using the Rust on PATH, cargo $have (the tested toolchain is $RUST_TOOLCHAIN)"
    if ! { cargo fmt --version && cargo clippy --version; } >/dev/null 2>&1 && command -v rustup >/dev/null 2>&1; then
        log "rustup: adding rustfmt and clippy — scripts/test's lint stage"
        rustup component add rustfmt clippy
    fi
}

# Builds the extension and installs it into the system PostgreSQL $PG_MAJOR.
install_extension() {
    log "building and installing revenue_split (${PROFILE:-release}, PostgreSQL $PG_MAJOR)"
    local flag=()
    [ "${PROFILE:-release}" = release ] && flag=(--release)
    [ "$(id -u)" = 0 ] || flag+=(--sudo)
    # Unlink the old library first: overwriting it in place would change pages that running
    # backends have mapped (SIGBUS); a new inode leaves them on the old copy.
    as_root rm -f "$("$PG_CONFIG" --pkglibdir)/revenue_split.so"
    (cd "$ROOT" && cargo pgrx install "${flag[@]}" --pg-config "$PG_CONFIG" >/dev/null)
    # Released versions' frozen install scripts (pgrx installs only the current one).
    as_root cp "$ROOT"/sql/archive/revenue_split--*.sql "$("$PG_CONFIG" --sharedir)/extension/"
}

cluster_running() { [ -f "$1/data/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1; }

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
    if ! cluster_running "$dir"; then
        # No RUST_BACKTRACE in the server: error DETAILs stay readable for SQL users.
        as_pg env -u RUST_BACKTRACE "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
    fi
}

cluster_stop() {
    local dir="$1"
    [ -f "$dir/data/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# stop_on_exit DIR...: the clusters in DIR... that are not running yet are this script's to
# stop. When the script ends -- normally, on an error, or on SIGINT/SIGTERM -- those of them
# running then are stopped; a cluster that was running before is left alone. (pg_ctl starts
# the server in its own session, so a Ctrl-C does not reach it: this trap is what stops it.)
declare -gA RS_OWN_CLUSTERS=()
stop_on_exit() {
    local dir
    for dir in "$@"; do
        cluster_running "$dir" || RS_OWN_CLUSTERS[$dir]=1
    done
    trap stop_own_clusters EXIT
    trap 'echo "interrupted" >&2; exit 130' INT
    trap 'echo "terminated" >&2; exit 143' TERM
}
stop_own_clusters() {
    local dir
    for dir in "${!RS_OWN_CLUSTERS[@]}"; do
        if cluster_running "$dir"; then
            echo "stopping the server this run started in $dir" >&2
            cluster_stop "$dir"
        fi
    done
}

# psql against the cluster in DIR/PORT as postgres; extra args follow.
pg() {
    local dir="$1" port="$2"; shift 2
    psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres "$@"
}
