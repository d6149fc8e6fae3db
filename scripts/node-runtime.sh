# Sourced by scripts/setup.sh (needs $root and say): which Node runs the project.
#
# Supported: Node 22.12+ and 24 LTS (package.json's engines: ^22.12.0 || >=24). When the Node on
# PATH is older, or CRATEDIGGER_NODE=22|24 asks for a major (CI runs both), set-up installs that
# Node from the npm registry (node-<os>-<arch>@<major>: bin/node plus the headers native addons
# build against) into .cache/runtime/node-<major>, and links node_modules/.bin/node to it. npm puts
# node_modules/.bin first on PATH for every script, so `npm start`, `npm test` (vitest's
# `#!/usr/bin/env node`), `npm run …` and `npx …` then run on it: the mechanism of the `node`
# npm package. The npm you started keeps running on the system Node (npm 11 runs on Node 20).
#
# runtime_choose (before npm ci): sets node_bin, and local_node when it is a project-local one,
# which it puts first on PATH for the rest of set-up.
# runtime_link (after npm ci, which empties node_modules): makes or removes the link.

runtime_home="$root/.cache/runtime"
node_link="$root/node_modules/.bin/node"

runtime_fail() {
  say "$1"
  exit 1
}

# Whether a version (22.3.0) is one package.json's engines allow.
runtime_supported() {
  local major minor
  [[ "$1" =~ ^([0-9]+)\.([0-9]+)\. ]] || return 1
  major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  { [ "$major" -eq 22 ] && [ "$minor" -ge 12 ]; } || [ "$major" -ge 24 ]
}

# The first node on PATH that is not one of ours (npm puts our link first while it runs set-up).
runtime_system_node() {
  local dir ours
  ours=$(cd "$runtime_home" 2>/dev/null && pwd -P || echo "$runtime_home")
  local IFS=:
  for dir in $PATH; do
    [ -n "$dir" ] && [ -x "$dir/node" ] || continue
    case "$(readlink -f "$dir/node")" in "$ours"/*) continue ;; esac
    echo "$dir/node"
    return 0
  done
  return 1
}

# node-<os>-<arch>, the npm registry's name for this platform's Node binary.
runtime_package() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=$(uname -s | tr '[:upper:]' '[:lower:]') ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; armv7l) arch=armv7l ;; *) arch=$(uname -m) ;; esac
  echo "node-$os-$arch"
}

# Installs Node <major> into .cache/runtime/node-<major> unless there; sets local_node.
runtime_install() {
  local major=$1 pkg dir bin
  pkg=$(runtime_package)
  dir="$runtime_home/node-$major"
  bin="$dir/node_modules/$pkg/bin/node"
  if ! [ -x "$bin" ] || ! [[ "$("$bin" --version 2>/dev/null)" == "v$major".* ]]; then
    say "installing Node $major from the npm registry ($pkg@$major) into .cache/runtime/node-$major"
    command -v npm >/dev/null || runtime_fail "npm is not installed: install Node.js with npm (any version), or Node $major itself, and run this again"
    rm -rf "$dir" && mkdir -p "$dir"
    if ! npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "$pkg@$major" >/dev/null \
       || ! [[ "$("$bin" --version 2>/dev/null)" == "v$major".* ]]; then
      runtime_fail "could not install $pkg@$major from the npm registry (no such package for this platform, or no network to it). Install Node 24 LTS yourself and put it first on PATH, e.g. \`nvm install 24 && nvm use 24\` (or from https://nodejs.org), then run the command again."
    fi
  fi
  local_node=$bin
}

runtime_choose() {
  local system version
  local_node=""
  case "${CRATEDIGGER_NODE:-}" in
    "") ;;
    22 | 24) runtime_install "$CRATEDIGGER_NODE" ;;
    *) runtime_fail "CRATEDIGGER_NODE=$CRATEDIGGER_NODE: use 22 or 24 (a project-local Node of that major), or unset it to use the Node on PATH" ;;
  esac
  if [ -z "$local_node" ]; then
    system=$(runtime_system_node || true)
    version=$([ -n "$system" ] && "$system" -p 'process.versions.node' 2>/dev/null || echo none)
    if runtime_supported "$version"; then
      node_bin=$system
      return
    fi
    local why="Node $version on PATH is not supported (22.12+ and 24 LTS are)"
    [ "$version" = none ] && why="No Node on PATH"
    say "$why: using a project-local Node 24 (.cache/runtime/node-24; put your own first on PATH to use it instead)"
    runtime_install 24
  fi
  node_bin=$local_node
  # The rest of set-up runs on it, npm too (its `#!/usr/bin/env node`): npm ci then checks engines
  # against the Node the project will run on.
  export PATH="$(dirname "$local_node"):$PATH"
}

runtime_link() {
  if [ -n "$local_node" ]; then
    mkdir -p "$(dirname "$node_link")"
    # Relative, so the checkout can move.
    ln -sfn "../../${local_node#"$root/"}" "$node_link"
  elif [ -L "$node_link" ]; then
    # A link of ours from an earlier run, with a supported Node now on PATH.
    case "$(readlink "$node_link")" in ../../.cache/runtime/*) rm -f "$node_link" ;; esac
  fi
  # Native addons (sqlite3 via npm rebuild, faiss-node) compile against the headers of this Node
  # where it ships them, so no download of headers is needed.
  local prefix
  prefix=$(cd "$(dirname "$(readlink -f "$node_bin")")/.." && pwd)
  [ -f "$prefix/include/node/node_api.h" ] && export npm_config_nodedir="$prefix"
  return 0
}
