# shellcheck shell=bash
# Shared by ./start and ./stop (sourced, not run).

NEO4J_TESTENV_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAUNCHER_CLASS=io.xk6neo4j.testenv.Launcher

die() {
    echo "neo4j testenv: $*" >&2
    exit 1
}

note() {
    echo "neo4j testenv: $*" >&2
}

# Port and the per-port run directory (git-ignored): home/ (store, wiped by stop),
# logs/ (Neo4j's logs), launcher.log (JVM stdout/stderr), pid, ready, spec.
init_port() {
    NEO4J_PORT=${NEO4J_PORT:-7687}
    if ! [[ $NEO4J_PORT =~ ^[0-9]+$ ]] || ((NEO4J_PORT < 1 || NEO4J_PORT > 65535)); then
        die "NEO4J_PORT must be a TCP port number, got '$NEO4J_PORT'"
    fi
    RUN_DIR=$NEO4J_TESTENV_DIR/.run/$NEO4J_PORT
    mkdir -p "$RUN_DIR"
}

# NEO4J_KEEP_DATA=1: start reuses the port's store and stop leaves it in place.
init_keep_data() {
    KEEP_DATA=${NEO4J_KEEP_DATA:-0}
    [[ $KEEP_DATA == 0 || $KEEP_DATA == 1 ]] || die "NEO4J_KEEP_DATA must be 0 or 1, got '$KEEP_DATA'"
}

# Serialise start/stop on one port (parallel CI jobs, a start racing a stop).
lock_port() {
    exec 8>"$NEO4J_TESTENV_DIR/.run/$NEO4J_PORT.lock"
    flock -w "$1" 8 || die "another start/stop on port $NEO4J_PORT holds the lock"
}

# True if pid $1 is our launcher for this port: matching the exact --home argument
# means a recycled pid of some other process is never signalled.
is_our_launcher() {
    local pid=$1
    [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
    tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF "$RUN_DIR/home" || return 1
    tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF "$LAUNCHER_CLASS"
}

# Prints the pid of the running launcher for this port, if any.
running_pid() {
    local pid=""
    [[ -f $RUN_DIR/pid ]] && pid=$(<"$RUN_DIR/pid")
    if is_our_launcher "$pid"; then
        echo "$pid"
        return 0
    fi
    # Pid file lost (e.g. .run wiped by hand): look for the exact command line.
    local d
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        if is_our_launcher "$pid"; then
            echo "$pid"
            return 0
        fi
    done
    return 1
}

# kill -0 alone also succeeds for a zombie (a dead child not yet reaped by ./start).
alive() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [[ $state != Z && $state != X ]]
}

# SIGTERM (the launcher's shutdown hook stops the DBMS cleanly), then SIGKILL after a bound.
terminate() {
    local pid=$1 bound=${NEO4J_STOP_TIMEOUT:-60} i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < bound * 10; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    note "pid $pid still alive after ${bound}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    die "pid $pid survived SIGKILL"
}
