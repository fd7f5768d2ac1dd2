#!/usr/bin/env bash
# Make sure the services the test suite needs are up: PostgreSQL on 127.0.0.1, and the
# Debian packages whose servers the tests start themselves on free loopback ports (Dovecot
# IMAP/LMTP, Postfix, Chromium for the browser tests; see tests/servers/; ip and socat for
# the cluster test's network namespaces, tests/cluster/).
#
# Idempotent: when PostgreSQL already answers, it only says so. Otherwise (Debian/Ubuntu, as
# root or with sudo) it installs PostgreSQL with apt, creates the cluster if needed, trusts
# local TCP connections from 127.0.0.1 (a test machine's database, never a production one),
# starts it without systemd and creates the database. Fails loudly, never silently.
#
# Another package manager at work (unattended-upgrades on a fresh VM, a parallel CI step) is
# waited for, never a failure: see apt_get below.
#
# Settings (environment): PG_PORT (5432), PG_CLUSTER (main), PG_DB (ventanilla),
# APT_LOCK_TIMEOUT (3600: seconds to wait for another apt/dpkg/debconf to release its lock).
#
# Sourcing this file (tests) defines the functions without running anything.
set -euo pipefail

PG_PORT=${PG_PORT:-5432}
PG_CLUSTER=${PG_CLUSTER:-main}
PG_DB=${PG_DB:-ventanilla}
APT_LOCK_TIMEOUT=${APT_LOCK_TIMEOUT:-3600}
LOG_DIR=${TMPDIR:-/tmp}/ventanilla-services
export DEBIAN_FRONTEND=noninteractive
# A port that accepts but never answers must not hang us (libpq waits forever by default).
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-3}

say() { echo "services-up: $*"; }
die() {
    echo "services-up: ERROR: $*" >&2
    exit 1
}

SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || SUDO=none
    [ "$SUDO" = none ] || SUDO="sudo -n"
fi
as_root() {
    [ "$SUDO" != none ] || die "need root (or sudo) to $*; install and start PostgreSQL yourself"
    $SUDO "$@"
}

# What apt, dpkg and debconf print when another process holds one of their locks.
LOCK_MESSAGES='Could not get lock|Unable to lock|Unable to acquire the dpkg frontend lock|is locked by another process'

# Run "$@" as root, appending its output to the log $1, and wait while it fails only because
# another package manager holds a lock: apt's DPkg::Lock::Timeout covers the dpkg locks, but
# not the package lists lock taken by `apt-get update` (apt 2.6) nor debconf's database
# lock, and older apt ignores it; so we also retry whatever failed on a lock, every 3 s, up
# to APT_LOCK_TIMEOUT. Any other failure is returned at once.
with_lock_wait() {
    local log=$1 attempt status deadline=$((SECONDS + APT_LOCK_TIMEOUT)) next_say=0
    shift
    [ "$SUDO" != none ] || die "need root (or sudo) to run $1"
    attempt=$(mktemp)
    while :; do
        status=0
        as_root "$@" >"$attempt" 2>&1 || status=$?
        cat "$attempt" >>"$log"
        if [ "$status" = 0 ] || ! grep -Eq "$LOCK_MESSAGES" "$attempt"; then
            rm -f "$attempt"
            return "$status"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            rm -f "$attempt"
            die "another package manager held its lock for over ${APT_LOCK_TIMEOUT}s: $(grep -Em1 "$LOCK_MESSAGES" "$log")"
        fi
        if [ "$SECONDS" -ge "$next_say" ]; then
            say "waiting for another package manager: $(grep -Em1 "$LOCK_MESSAGES" "$attempt")"
            next_say=$((SECONDS + 30))
        fi
        sleep 3
    done
}

# apt-get as root, waiting for other package managers; output appended to the log $1.
apt_get() {
    local log=$1
    shift
    with_lock_wait "$log" apt-get -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" "$@"
}

# Debian packages the test fixtures run (binaries checked, packages installed if missing).
# iproute2 and socat: tests/cluster makes three hosts as network namespaces and forwards
# the database's port to them. The queue of a cluster lives in PostgreSQL
# (VENTANILLA_QUEUE=postgres, README "The queue across hosts"): no other server to start.
MAIL_PACKAGES="dovecot-imapd dovecot-lmtpd postfix chromium iproute2 socat"
MAIL_BINARIES="/usr/sbin/dovecot /usr/lib/dovecot/imap /usr/lib/dovecot/lmtp /usr/sbin/postfix /usr/lib/chromium/chromium /usr/bin/socat /usr/sbin/ip"

install_test_servers() {
    local missing=no bin
    for bin in $MAIL_BINARIES; do [ -x "$bin" ] || missing=yes; done
    if [ "$missing" = no ]; then
        say "Dovecot, Postfix, Chromium, ip and socat are installed"
        return
    fi
    command -v apt-get >/dev/null || die "Dovecot/Postfix/Chromium/ip/socat are missing and there is no apt-get here"
    say "installing $MAIL_PACKAGES with apt-get (takes about 30-60 s)"
    # Postfix asks a question on install; "No configuration": the tests write their own.
    local selections
    selections=$(mktemp)
    echo "postfix postfix/main_mailer_type select No configuration" >"$selections"
    : >"$LOG_DIR/apt-mail.log"
    with_lock_wait "$LOG_DIR/apt-mail.log" debconf-set-selections "$selections" || {
        cat "$LOG_DIR/apt-mail.log" >&2
        die "debconf-set-selections failed"
    }
    rm -f "$selections"
    apt_get "$LOG_DIR/apt-mail.log" update -q || {
        cat "$LOG_DIR/apt-mail.log" >&2
        die "apt-get update failed"
    }
    # shellcheck disable=SC2086 # word splitting of the package list is wanted
    apt_get "$LOG_DIR/apt-mail.log" install -y -q --no-install-recommends $MAIL_PACKAGES || {
        tail -30 "$LOG_DIR/apt-mail.log" >&2
        die "apt-get install $MAIL_PACKAGES failed"
    }
    for bin in $MAIL_BINARIES; do [ -x "$bin" ] || die "$bin still missing after apt-get install"; done
}

pg_answers() {
    command -v psql >/dev/null &&
        psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1
}

install_postgres() {
    if command -v pg_ctlcluster >/dev/null && [ -d /usr/lib/postgresql ]; then
        return
    fi
    command -v apt-get >/dev/null || die "PostgreSQL is missing and there is no apt-get here"
    say "installing PostgreSQL with apt-get (takes about 10-30 s)"
    : >"$LOG_DIR/apt.log"
    apt_get "$LOG_DIR/apt.log" update -q || {
        cat "$LOG_DIR/apt.log" >&2
        die "apt-get update failed"
    }
    apt_get "$LOG_DIR/apt.log" install -y -q --no-install-recommends postgresql postgresql-client || {
        tail -30 "$LOG_DIR/apt.log" >&2
        die "apt-get install postgresql failed"
    }
}

pg_version() {
    # The newest installed server version, e.g. 15.
    ls /usr/lib/postgresql | sort -n | tail -1
}

ensure_cluster() {
    local version=$1
    if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$version $PG_CLUSTER"; then
        say "creating cluster $version/$PG_CLUSTER on port $PG_PORT"
        as_root pg_createcluster -p "$PG_PORT" "$version" "$PG_CLUSTER" >"$LOG_DIR/createcluster.log" 2>&1 || {
            cat "$LOG_DIR/createcluster.log" >&2
            die "pg_createcluster failed"
        }
    fi
}

ensure_trust() {
    # First matching line wins in pg_hba.conf, so our rule goes on top.
    local hba=/etc/postgresql/$1/$PG_CLUSTER/pg_hba.conf
    local rule="host all postgres 127.0.0.1/32 trust"
    [ -f "$hba" ] || die "no $hba"
    if grep -Eq '^host[[:space:]]+all[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
        return 1
    fi
    say "trusting postgres@127.0.0.1 in $hba (test machine only)"
    as_root sed -i "1i # added by ventanilla scripts/services-up.sh (tests)\n$rule" "$hba"
    return 0
}

start_cluster() {
    local version=$1 changed=$2 status
    status=$(pg_lsclusters -h | awk -v v="$version" -v c="$PG_CLUSTER" '$1 == v && $2 == c {print $4}')
    if [ "$status" = online ]; then
        if [ "$changed" = yes ]; then
            say "reloading $version/$PG_CLUSTER"
            as_root pg_ctlcluster "$version" "$PG_CLUSTER" reload
        fi
        return
    fi
    say "starting $version/$PG_CLUSTER"
    # No systemd in containers; and a daemon must not keep our stdout open (a piped CI step
    # would hang forever), hence the redirections.
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$PG_CLUSTER" start \
        </dev/null >"$LOG_DIR/pg-start.log" 2>&1 || {
        cat "$LOG_DIR/pg-start.log" >&2
        tail -20 "/var/log/postgresql/postgresql-$version-$PG_CLUSTER.log" >&2 || true
        die "PostgreSQL did not start"
    }
}

wait_ready() {
    local deadline=$((SECONDS + 30))
    until pg_answers; do
        [ "$SECONDS" -lt "$deadline" ] ||
            die "PostgreSQL does not answer on 127.0.0.1:$PG_PORT as user postgres after 30 s"
        sleep 0.2
    done
}

main() {
    mkdir -p "$LOG_DIR"
    install_test_servers
    if pg_answers; then
        say "PostgreSQL already answers on 127.0.0.1:$PG_PORT (user postgres)"
    else
        install_postgres
        version=$(pg_version)
        [ -n "$version" ] || die "no PostgreSQL server version found in /usr/lib/postgresql"
        ensure_cluster "$version"
        changed=no
        if ensure_trust "$version"; then changed=yes; fi
        start_cluster "$version" "$changed"
        wait_ready
        say "PostgreSQL $version/$PG_CLUSTER answers on 127.0.0.1:$PG_PORT"
    fi
    if [ "$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]; then
        say "creating database $PG_DB"
        psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE \"$PG_DB\"" ||
            die "cannot create database $PG_DB"
    fi
    say "ready: postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
