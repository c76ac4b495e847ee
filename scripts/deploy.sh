#!/usr/bin/env bash
# `just deploy`: deploys every contract to a public chain with the SESH token
# already there, writes contracts/deployments/<chainId>.json and verifies it on
# chain by reading it back. `scripts/deploy.sh --help` says how.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
contracts="$root/contracts"
deployments="$contracts/deployments"

# The pinned forge and cast themselves (scripts/foundry.sh says why).
source "$root/scripts/foundry.sh"

usage() {
  cat <<'EOF'
usage: just deploy --rpc-url URL --sesh-token ADDRESS [KEY] [OPTIONS] [-- FORGE_OPTIONS...]
       just deploy --verify MANIFEST --rpc-url URL

Deploys RewardsPool, NameRegistry, NameMarket, Premium and NodeStaking with the
SESH token that is already on the chain (script/Deploy.s.sol), then reads the
manifest back and checks it on chain (script/VerifyDeployment.s.sol): code at
every address, the contracts wired to the token, the pool and each other, the
parameters, one owner, the deploy block. The manifest is written to
contracts/deployments/<chainId>.json only once it verifies; an existing one is
never overwritten. The token is checked first (code, 9 decimals, EIP-2612
permit, no faucet): a token that fails is refused before anything is sent.

  --rpc-url URL             the chain's JSON-RPC endpoint (default: $ETH_RPC_URL)
  --sesh-token ADDRESS      the SESH token (default: $SESH_TOKEN)

KEY, the deployer (pays the gas and owns the contracts until governance
accepts them); never put a key on the command line:
  --account NAME            a keystore in ~/.foundry/keystores, made with
                            `cast wallet import NAME --interactive` ($ETH_KEYSTORE_ACCOUNT)
  --keystore FILE           a keystore file ($ETH_KEYSTORE)
  --password-file FILE      the keystore's password; without it forge asks ($ETH_PASSWORD)
  --ledger | --trezor       a hardware wallet
  DEPLOYER_PRIVATE_KEY      environment variable with a raw key (0x...), read by
                            the deploy script itself

OPTIONS:
  --min-commitment-age SECS  how long a registration's commitment waits before
                             its reveal (default: 0 on Arbitrum One and Arbitrum
                             Sepolia, whose sequencer is first-come with no public
                             mempool, so one-transaction registration is safe;
                             60 on any other chain)
  --max-commitment-age SECS  when a commitment goes stale (default: 86400)
  --staking-requirement SESH the stake a Session Node needs, in SESH with up to 9
                             decimals (default: 25000)
  --governance ADDRESS       offer ownership of every contract (the rewards pool has
                             no owner) to ADDRESS
                             (two-step: it must call acceptOwnership)
  --out FILE                 write the manifest there instead (inside
                             contracts/deployments/)
  --yes                      do not ask before deploying
  --verify MANIFEST          only verify an existing manifest against --rpc-url
  -- FORGE_OPTIONS...        passed to `forge script` (e.g. --verify
                             --etherscan-api-key KEY, --with-gas-price WEI)
EOF
}

die() {
  echo "error: $*" >&2
  exit 1
}

rpc="${ETH_RPC_URL:-}"
token="${SESH_TOKEN:-}"
min_age=""
max_age=86400
requirement=25000
governance=""
out=""
yes=false
verify_only=""
wallet=()
forge_extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --rpc-url) rpc="${2:?--rpc-url needs a URL}"; shift 2 ;;
    --sesh-token) token="${2:?--sesh-token needs an address}"; shift 2 ;;
    --account | --keystore | --password-file)
      wallet+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    --ledger | --trezor) wallet+=("$1"); shift ;;
    --private-key | --private-keys | --mnemonic | --mnemonics)
      die "$1 would put a key on the command line (shell history, the process list): use --account or --keystore, or set DEPLOYER_PRIVATE_KEY" ;;
    --min-commitment-age) min_age="${2:?--min-commitment-age needs seconds}"; shift 2 ;;
    --max-commitment-age) max_age="${2:?--max-commitment-age needs seconds}"; shift 2 ;;
    --staking-requirement) requirement="${2:?--staking-requirement needs an amount of SESH}"; shift 2 ;;
    --governance) governance="${2:?--governance needs an address}"; shift 2 ;;
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    --yes | -y) yes=true; shift ;;
    --verify) verify_only="${2:?--verify needs a manifest}"; shift 2 ;;
    --) shift; forge_extra=("$@"); break ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

[ -x "$forge" ] && [ -x "$cast" ] || die "forge and cast are not installed: run \`./just install\`"
[ -n "$rpc" ] || die "give the chain's RPC endpoint: --rpc-url URL (or ETH_RPC_URL)"
is_address() { [[ "$1" =~ ^0x[0-9a-fA-F]{40}$ ]]; }
is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

# forge and cast read the endpoint from the environment (forge through its configuration's
# eth_rpc_url): it often holds an API key, which then appears in no process list.
export ETH_RPC_URL="$rpc" FOUNDRY_ETH_RPC_URL="$rpc"
# cast exits 0 even when nothing answers, so look at what it prints.
chain_id=$("$cast" chain-id 2>/dev/null || true)
is_uint "$chain_id" || die "nothing answers at the RPC endpoint given (it gave no chain id)"

# The contracts directory as forge sees it: every path it writes or reads must be inside.
inside_deployments() {
  local path
  path=$(realpath -m "$1")
  [[ "$path" == "$deployments"/* ]] && echo "$path"
}

verify() {
  # $1: the manifest. Reads it back and checks it on chain; sends nothing.
  (cd "$contracts" && DEPLOYMENT_MANIFEST="$1" "$forge" script script/VerifyDeployment.s.sol -q)
}

if [ -n "$verify_only" ]; then
  manifest=$(inside_deployments "$verify_only") ||
    die "the manifest must be inside contracts/deployments/ (forge may read only there): $verify_only"
  [ -f "$manifest" ] || die "no manifest at $verify_only"
  verify "$manifest" || die "$verify_only does not match chain $chain_id (the check that failed is above)"
  echo "$verify_only matches chain $chain_id: every contract is there and wired as the manifest says"
  exit 0
fi

# ---------------------------------------------------------------- the token

[ -n "$token" ] || die "give the SESH token already on the chain: --sesh-token ADDRESS (or SESH_TOKEN)"
is_address "$token" || die "the SESH token must be an address (0x and 40 hex digits), not $token"
refuse() {
  echo "error: $*" >&2
  echo "Nothing was deployed and no manifest was written." >&2
  exit 1
}
# What the token answers to a call, or nothing when the call fails (cast may exit 0 even
# then, so its output is what counts).
ask() { "$cast" call "$token" "$@" 2>/dev/null || true; }
code=$("$cast" code "$token" 2>/dev/null || true)
[ -n "$code" ] && [ "$code" != 0x ] || refuse "there is no contract at $token on chain $chain_id"
decimals=$(ask "decimals()(uint8)")
is_uint "$decimals" || refuse "$token does not answer decimals(): it is not an ERC-20 token"
[ "$decimals" = 9 ] || refuse "the token at $token has $decimals decimals; SESH has 9 (every price, fee and stake is in 9-decimal units)"
[ -n "$(ask "DOMAIN_SEPARATOR()(bytes32)")" ] && [ -n "$(ask "nonces(address)(uint256)" "$token")" ] ||
  refuse "the token at $token has no EIP-2612 permit (no DOMAIN_SEPARATOR() or nonces(address)); the wallet pays by permit"
[ -z "$(ask "FAUCET_LIMIT()(uint256)")" ] ||
  refuse "the token at $token has a faucet: it is TestSESH, not SESH (a test chain with TestSESH is deployed by \`forge script script/Deploy.s.sol\` without SESH_TOKEN)"
token_name=$(ask "name()(string)")
token_symbol=$(ask "symbol()(string)")

# ---------------------------------------------------------------- parameters

if [ -z "$min_age" ]; then
  case "$chain_id" in
    42161 | 421614 | 31337) min_age=0 ;;
    *) min_age=60 ;;
  esac
fi
is_uint "$min_age" || die "--min-commitment-age takes whole seconds, not $min_age"
is_uint "$max_age" || die "--max-commitment-age takes whole seconds, not $max_age"
[[ "$requirement" =~ ^([0-9]+)(\.([0-9]{1,9}))?$ ]] ||
  die "--staking-requirement takes SESH with up to 9 decimals (like 25000 or 0.5), not $requirement"
whole=${BASH_REMATCH[1]}
fraction=${BASH_REMATCH[3]}
fraction=$(printf '%-9s' "$fraction" | tr ' ' 0)
[ ${#whole} -le 9 ] || die "--staking-requirement $requirement SESH is more than there will ever be"
requirement_units=$((10#$whole * 1000000000 + 10#$fraction))
if [ -n "$governance" ]; then
  is_address "$governance" || die "--governance takes an address (0x and 40 hex digits), not $governance"
fi

if [ -z "${DEPLOYER_PRIVATE_KEY:-}" ] && [ ${#wallet[@]} -eq 0 ] &&
  [ -z "${ETH_KEYSTORE_ACCOUNT:-}" ] && [ -z "${ETH_KEYSTORE:-}" ]; then
  die "no deployer key: give --account NAME or --keystore FILE (or --ledger), or set DEPLOYER_PRIVATE_KEY"
fi

# ---------------------------------------------------------------- the manifest's place

if [ -n "$out" ]; then
  manifest=$(inside_deployments "$out") ||
    die "--out must be inside contracts/deployments/ (forge may write only there): $out"
else
  manifest="$deployments/$chain_id.json"
fi
[ ! -e "$manifest" ] ||
  die "$manifest exists already: a deployment of chain $chain_id is on record; move it away first if you mean to replace it"
mkdir -p "$deployments/.pending" "$(dirname "$manifest")"
pending="$deployments/.pending/$chain_id-$$.json"
trap 'rm -f "$pending"' EXIT

cat <<EOM
Deploying the Session name contracts
  chain                 $chain_id
  SESH token            $token (${token_name:-no name}, ${token_symbol:-no symbol}, 9 decimals, permit)
  min commitment age    $min_age s
  max commitment age    $max_age s
  staking requirement   $requirement SESH ($requirement_units units)
  governance            ${governance:-none (the deployer stays owner)}
  manifest              ${manifest#"$root"/}
EOM
if ! $yes; then
  [ -t 0 ] || die "not a terminal: pass --yes to deploy without asking"
  read -r -p "Send the deployment transactions? [y/N] " answer
  [[ "$answer" =~ ^[yY] ]] || { echo "Nothing was sent."; exit 1; }
fi

# ---------------------------------------------------------------- deploy

settings=(
  "SESH_TOKEN=$token"
  "MIN_COMMITMENT_AGE=$min_age"
  "MAX_COMMITMENT_AGE=$max_age"
  "STAKING_REQUIREMENT=$requirement_units"
  "DEPLOYMENT_OUT=$pending"
)
[ -z "$governance" ] || settings+=("GOVERNANCE=$governance")
# --slow: each transaction waits for the previous one's receipt (they depend on each other).
if ! (cd "$contracts" && env -u GOVERNANCE "${settings[@]}" "$forge" script script/Deploy.s.sol \
  --broadcast --slow "${wallet[@]}" "${forge_extra[@]}"); then
  echo "error: the deployment failed (forge's message is above); no manifest was written." >&2
  echo "Transactions already sent, if any, are in contracts/broadcast/Deploy.s.sol/$chain_id/run-latest.json." >&2
  exit 1
fi
[ -f "$pending" ] || die "forge finished but wrote no manifest"

# ---------------------------------------------------------------- verify

echo "==> reading the manifest back and checking it on chain"
if ! verify "$pending"; then
  unverified="${manifest%.json}.unverified.json"
  mv "$pending" "$unverified"
  echo "error: the deployment does not match its manifest (the check that failed is above)." >&2
  echo "The manifest is kept, unverified, at ${unverified#"$root"/}; check it again with" >&2
  echo "  just deploy --verify ${unverified#"$root"/} --rpc-url URL" >&2
  exit 1
fi
mv "$pending" "$manifest"
trap - EXIT

echo
echo "Deployed and verified on chain $chain_id; manifest: ${manifest#"$root"/}"
node -e "const m = require(process.argv[1]); console.log('  deploy block        ' + m.deployBlock); for (const [k, v] of Object.entries(m.contracts)) console.log('  ' + k.padEnd(19) + ' ' + v)" "$manifest"
case "$chain_id" in
  42161 | 421614)
    echo "Commit it (git add ${manifest#"$root"/}): sesh builds the committed manifest of this chain in (cli/build.rs)." ;;
esac
if [ -n "$governance" ]; then
  echo "Governance ($governance) must now call acceptOwnership() on each of the five contracts."
fi
