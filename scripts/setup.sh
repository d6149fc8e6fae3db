#!/usr/bin/env bash
# One-time (and idempotent) set-up of a fresh machine: a supported Node, system packages, npm
# dependencies, the faiss binding, generated models and the embedded default index. Every step
# checks first and does nothing when already done, so `npm start` and `npm test` can run it each time.
# Usage: [CRATEDIGGER_NODE=22|24] bash scripts/setup.sh [--force-index]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

# 0. Node: the one on PATH when supported (22.12+, 24 LTS), else (or with CRATEDIGGER_NODE) a
#    project-local one from the npm registry, linked as node_modules/.bin/node after step 2.
source scripts/node-runtime.sh
runtime_choose

# 1. System packages: faiss (the binding links it), BLAS/LAPACK, ffmpeg (audio), redis (cache backend,
#    tests), Debian's Python faiss + numpy (tests check interoperability with the prototype), and
#    WordNet (index builds read it for the tag lexicon's synonyms).
apt_packages=(libfaiss-dev libopenblas0-pthread libblas-dev liblapack-dev ffmpeg redis-server python3-faiss python3-numpy wordnet-base)
missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif ! command -v dpkg-query >/dev/null; then
  command -v ffmpeg >/dev/null || say "warning: not Debian; install ffmpeg, redis-server and faiss (libfaiss) yourself"
fi

# 2. npm dependencies. Install scripts are skipped, then run for the packages that need them:
#    faiss-node's own script downloads from GitHub (step 3 handles it) and onnxruntime-node's
#    postinstall fetches CUDA libraries, which a CPU machine does not need.
stamp_dir=.cache/setup
mkdir -p "$stamp_dir"
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
npm_fresh=""
if [ ! -d node_modules ] || [ "$(cat "$stamp_dir/npm" 2>/dev/null)" != "$lock_sum" ]; then
  say "installing npm dependencies"
  npm ci --ignore-scripts --no-audit --no-fund
  npm_fresh=1
fi
# After npm ci (which empties node_modules) and before anything runs or compiles on the chosen Node.
runtime_link
if [ -n "$npm_fresh" ]; then
  ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm rebuild --foreground-scripts=false protobufjs esbuild onnxruntime-node sqlite3 >/dev/null
  rm -f "$stamp_dir/faiss"
  echo "$lock_sum" > "$stamp_dir/npm"
fi

# 3. faiss-node's native binding: its prebuilt binary where GitHub is reachable, else built here
#    against Debian's libfaiss-dev (and the chosen Node's headers). N-API: one build serves 22 and 24.
if ! node -e "require('faiss-node')" 2>/dev/null; then
  if (cd node_modules/faiss-node && timeout 120 ../.bin/prebuild-install --runtime napi >/dev/null 2>&1) \
     && node -e "require('faiss-node')" 2>/dev/null; then
    say "faiss-node: prebuilt binary installed"
  else
    say "faiss-node: no prebuilt binary reachable; building against libfaiss-dev"
    bash scripts/build-faiss-node.sh
  fi
fi

# 4. Generated models: kept when present and current; regenerated when an older generator or other
#    options made them. 5. The default index: kept when current; rebuilt when absent or embedded
#    with other copies of the models (their fingerprints are in its manifest).
force=""; [ "${1:-}" = "--force-index" ] && force="--force"
npx tsx scripts/generate-models.ts --refresh >/dev/null
npx tsx src/main/cli.ts build-default $force
if [ -n "$local_node" ]; then
  say "ready (Node $(node --version), project-local: node_modules/.bin/node → ${local_node#"$root/"})"
else
  say "ready (Node $(node --version))"
fi
