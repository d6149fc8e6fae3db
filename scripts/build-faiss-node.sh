#!/usr/bin/env bash
# Builds faiss-node's native binding against Debian's libfaiss-dev (faiss 1.7.3).
# Why: faiss-node's own install fetches a prebuilt binary from GitHub, else clones faiss from
# GitHub; both fail on machines whose only network is the npm and Debian registries.
# The package's own src/faiss.cc is compiled with node-gyp, plus two shims for faiss 1.7.3:
#   - faiss::idx_t is Index::idx_t there (force-included header);
#   - IDSelectorArray has no aggregate init there (brace init → constructor call).
# RTTI stays on (node-gyp turns it off): faiss's write_index dynamic_casts the index objects.
# Headers: those of the Node that runs it (set-up's project-local Node ships them, as do Debian's
# and nodejs.org's builds), so no header download is needed. N-API: the binary loads on 22 and 24.
# Output: node_modules/faiss-node/build/Release/faiss-node.node, where `bindings` looks.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pkg="$root/node_modules/faiss-node"
work="$root/.cache/faiss-node-build"
[ -f "$pkg/src/faiss.cc" ] || { echo "faiss-node is not installed (run npm ci first)" >&2; exit 1; }
[ -f /usr/include/faiss/Index.h ] || { echo "libfaiss-dev is missing: apt-get install libfaiss-dev libopenblas0-pthread" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work/src"
sed 's/faiss::IDSelectorArray{length, xb}/faiss::IDSelectorArray(length, xb)/' "$pkg/src/faiss.cc" > "$work/src/faiss.cc"
cat > "$work/src/faiss137_shim.h" <<'H'
#pragma once
#include <faiss/Index.h>
namespace faiss { using idx_t = Index::idx_t; }
H
nodedir=$(node -p "require('path').resolve(process.execPath, '../..')")
if [ ! -f "$nodedir/include/node/node_api.h" ]; then
  echo "Node $(node --version) at $(node -p process.execPath) has no headers beside it ($nodedir/include/node)." >&2
  echo "Use a Node that has them: CRATEDIGGER_NODE=24 npm run setup (a project-local Node 24 from the npm registry)." >&2
  exit 1
fi
addon=$(cd "$root" && node -p "require('node-addon-api').include_dir")
cat > "$work/binding.gyp" <<G
{
  "targets": [{
    "target_name": "faiss-node",
    "sources": ["src/faiss.cc"],
    "include_dirs": ["$root/$addon"],
    "defines": ["NAPI_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
    "cflags_cc": ["-std=c++17", "-fexceptions", "-fopenmp", "-O2", "-include", "$work/src/faiss137_shim.h"],
    "libraries": ["-lfaiss", "-llapack", "-lblas", "-lgomp"]
  }]
}
G
gyp="$root/node_modules/.bin/node-gyp"
[ -x "$gyp" ] || gyp=$(command -v node-gyp || true)
[ -n "$gyp" ] || gyp="$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
(cd "$work" && node "$gyp" rebuild --nodedir="$nodedir" -j 2 >build.log 2>&1) || { tail -30 "$work/build.log" >&2; exit 1; }
mkdir -p "$pkg/build/Release"
cp "$work/build/Release/faiss-node.node" "$pkg/build/Release/faiss-node.node"
echo "faiss-node built against libfaiss-dev → $pkg/build/Release/faiss-node.node"
