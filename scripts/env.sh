# shellcheck shell=bash
# Sourced by the project's scripts: where things are, and the local Neo4j password.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ROOT

# A password for the local test server: the caller's NEO4J_PASSWORD, else one made once per
# checkout and kept (mode 600, git-ignored) so a server left running can be reached again.
# It is never printed.
ensure_password() {
    if [[ -z ${NEO4J_PASSWORD:-} ]]; then
        local f=$ROOT/testenv/neo4j/.run/password
        mkdir -p "$(dirname "$f")"
        if [[ ! -s $f ]]; then
            (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$f")
        fi
        NEO4J_PASSWORD=$(<"$f")
    fi
    export NEO4J_PASSWORD
}

# Builds the binary into bin/.
build_binary() {
    (cd "$ROOT" && go build -o bin/xk6-neo4j ./cmd/xk6-neo4j)
}
