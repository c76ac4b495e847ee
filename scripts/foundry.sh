# Sourced by the scripts: the pinned Foundry binaries (forge, cast, anvil) from
# contracts/node_modules. The npm launchers in node_modules/.bin never pass on
# the tool's exit status (a failing `forge test` exits 0 through them), so the
# scripts, like the justfile, call the platform's binaries directly.
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) foundry_platform=linux-amd64 ;;
  Linux-aarch64 | Linux-arm64) foundry_platform=linux-arm64 ;;
  Darwin-arm64) foundry_platform=darwin-arm64 ;;
  Darwin-x86_64) foundry_platform=darwin-amd64 ;;
  *) echo "error: no pinned Foundry for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac
foundry_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/contracts/node_modules/@foundry-rs"
forge="$foundry_dir/forge-$foundry_platform/bin/forge"
cast="$foundry_dir/cast-$foundry_platform/bin/cast"
anvil="$foundry_dir/anvil-$foundry_platform/bin/anvil"
