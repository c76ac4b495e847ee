# The Session name registry: `just up` runs the whole system locally,
# `just test` runs every test. `./just` works where `just` is not installed.

set shell := ["bash", "-euo", "pipefail", "-c"]

contracts := justfile_directory() / "contracts"
# The pinned Foundry binaries themselves: the npm launchers in node_modules/.bin never
# pass on the tool's exit status, so a failing `forge test` would look like a pass.
platform := (if os() == "macos" { "darwin" } else { os() }) + "-" + (if arch() == "x86_64" { "amd64" } else { "arm64" })
foundry_bin := contracts / "node_modules/@foundry-rs" / ("forge-" + platform) / "bin"
forge := foundry_bin / "forge"

# List the recipes.
default:
    @{{just_executable()}} --list --justfile {{justfile()}}

# Install the pinned toolchain (forge, anvil, cast, solc, OpenZeppelin, just) from npm.
install:
    #!/usr/bin/env bash
    set -euo pipefail
    cd {{contracts}}
    stamp=node_modules/.sesh-installed
    if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
        npm ci --ignore-scripts --no-audit --no-fund
        touch "$stamp"
    fi

# Compile the contracts.
build-contracts: install
    cd {{contracts}} && {{forge}} build

# Regenerate the Rust contract bindings (core/artifacts) from the compiled contracts.
bindings: build-contracts
    cd {{contracts}} && node tools/export-artifacts.mjs

# Fail when the committed bindings do not match the contracts.
check-bindings: build-contracts
    cd {{contracts}} && node tools/export-artifacts.mjs --check

# Run every test: forge (unit, fuzz, invariant; gas snapshots checked), the bindings check, then all cargo tests (end-to-end included).
test:
    #!/usr/bin/env bash
    set -euo pipefail
    cd {{justfile_directory()}}
    target="${CARGO_TARGET_DIR:-target}"
    mkdir -p "$target"
    # The Rust build runs in the background while the contracts are built and tested
    # (solc is JavaScript, on one core); its log is target/test-build.log. It is what
    # `cargo test --workspace` builds plus the binaries the end-to-end tests run, with
    # the same features (tests/src/lib.rs, workspace_binary, says why that matters).
    cargo build --workspace --tests --bin sesh --bin registry-node >"$target/test-build.log" 2>&1 &
    build=$!
    trap 'kill $build 2>/dev/null || true' EXIT
    {{just_executable()}} --justfile {{justfile()}} check-bindings
    (cd {{contracts}} && FORGE_SNAPSHOT_CHECK=true {{forge}} test)
    if ! wait $build; then cat "$target/test-build.log"; exit 1; fi
    trap - EXIT
    # The end-to-end tests mostly wait (on anvil, the nodes, commitment ages): at least 4 at once.
    threads=$(nproc 2>/dev/null || echo 1)
    [ "$threads" -ge 4 ] || threads=4
    RUST_TEST_THREADS="${RUST_TEST_THREADS:-$threads}" cargo test --workspace

# Every forge test at depth (hours; not in CI): invariants at 10,000 runs, fuzz tests at 100,000 (`[profile.deep]` in contracts/foundry.toml; gas snapshots checked). Arguments go to forge test, e.g. `just test-deep --match-contract SystemInvariant`.
[positional-arguments]
test-deep *args: build-contracts
    cd {{contracts}} && FOUNDRY_PROFILE=deep FORGE_SNAPSHOT_CHECK=true {{forge}} test "$@"

# Rewrite the checked-in gas snapshots (contracts/snapshots/) after a deliberate gas change.
gas-snapshots: build-contracts
    cd {{contracts}} && {{forge}} test --match-test 'test_Gas'

# Check formatting and lints (cargo fmt, forge fmt, clippy: the quick ones first).
lint: install
    cargo fmt --all --check
    cd {{contracts}} && {{forge}} fmt --check
    cargo clippy --workspace --all-targets -- -D warnings

# Format Rust and Solidity.
fmt: install
    cargo fmt --all
    cd {{contracts}} && {{forge}} fmt

# Benchmarks (not tests; not in CI): lookups vs eth_call and a bare server, indexing, gas, mailboxes, CLI; writes docs/benchmarks.md. `just bench quick`: small sizes, report in target/bench/; `just bench lookups`: only the lookup runs; `just bench onion`: only `sesh name lookup` and the onion paths against direct requests.
bench mode="full": install
    #!/usr/bin/env bash
    set -euo pipefail
    case "{{mode}}" in
        full) args=() ;;
        quick) args=(--quick) ;;
        lookups) args=(--lookups-only) ;;
        onion) args=(--onion-only --names 5000) ;;
        *) echo "usage: just bench [full|quick|lookups|onion]" >&2; exit 2 ;;
    esac
    cd {{justfile_directory()}}
    cargo build --release -p sesh-bench -p sesh-registry-node -p sesh-cli
    "${CARGO_TARGET_DIR:-target}/release/sesh-bench" run --root . "${args[@]}"

# Run the whole system locally: anvil, the deployed contracts, funded dev accounts.
up: build-contracts
    scripts/up.sh

# Deploy to a public chain with the SESH token already there; writes contracts/deployments/<chainId>.json once it verifies on chain. `just deploy --help` says how (RPC URL, token, deployer key).
[positional-arguments]
[no-cd]
deploy *args: build-contracts
    {{justfile_directory()}}/scripts/deploy.sh "$@"

# Static analysis: Slither (from PyPI, into .local/venv) must report no high or medium finding.
slither: build-contracts
    #!/usr/bin/env bash
    set -euo pipefail
    venv={{justfile_directory()}}/.local/venv
    if [ ! -x "$venv/bin/slither" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q slither-analyzer==0.11.6
    fi
    cd {{contracts}}
    PATH="{{foundry_bin}}:$PATH" "$venv/bin/slither" . --foundry-compile-all \
        --filter-paths "node_modules|test|script" \
        --exclude-informational --exclude-optimization --exclude-low

# Fuzz the HTTP API of a running node (`just up` first) from docs/openapi.yaml with schemathesis (from PyPI, into .local/venv; not in CI): no 5xx, every status, content type and answer as documented, every schema-valid request accepted, every schema-violating one refused. `just fuzz-api URL EXAMPLES`: the node (default node 1 of `just up`) and the examples per operation and phase (default 1000); more arguments go to `schemathesis run`, e.g. `--max-time 600` or `--seed N`. One worker: with more, Hypothesis trips a CPython 3.11 thread-safety bug in `ast` (docs/api.md, Fuzzing the API).
[positional-arguments]
fuzz-api url="http://127.0.0.1:8701" examples="1000" *args:
    #!/usr/bin/env bash
    set -euo pipefail
    venv={{justfile_directory()}}/.local/venv
    version=4.32.5
    if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "$version"; then
        [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
        "$venv/bin/pip" install -q "schemathesis==$version"
    fi
    cd {{justfile_directory()}}
    shift 2 || shift $#
    "$venv/bin/schemathesis" --config-file scripts/schemathesis.toml run docs/openapi.yaml \
        --url "{{url}}" --max-examples "{{examples}}" --workers 1 \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,positive_data_acceptance \
        --generation-database .local/schemathesis-examples \
        --report junit --report-dir target/fuzz-api "$@"
