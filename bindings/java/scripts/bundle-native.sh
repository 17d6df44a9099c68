#!/usr/bin/env bash
# Copies libcxjf_c.so and the shared libraries it needs beyond the C and C++
# runtimes (libsodium, zstd, libzip, expat, libxlsxwriter and theirs) into a
# folder of the jar, and writes libraries.txt there: the dependencies in an
# order where each comes after those it needs. The Java loader (Cxjf.java)
# loads them in that order before libcxjf_c, so the dynamic loader finds
# each by its soname already loaded: the jar runs where none is installed.
#
#   bundle-native.sh LIBRARY DEST_FOLDER
set -euo pipefail
lib=$1
dest=$2
mkdir -p "$dest"
rm -f "$dest"/*.so*  "$dest/libraries.txt"

# What every Linux with a JVM has: glibc's parts and the C++ runtime.
is_system() {
  case "$1" in
    linux-vdso.so.*|ld-linux*|libc.so.*|libm.so.*|libdl.so.*|librt.so.*|libpthread.so.*|libstdc++.so.*|libgcc_s.so.*) return 0;;
    *) return 1;;
  esac
}

# soname -> path, for the library and everything it needs (ldd resolves them).
declare -A path_of
while read -r name arrow path _; do
  [[ "$arrow" == "=>" && -n "$path" && "$path" != "not" ]] || continue
  is_system "$name" || path_of[$name]=$path
done < <(ldd "$lib")
if ldd "$lib" | grep -q "not found"; then
  echo "bundle-native: $(ldd "$lib" | grep 'not found')" >&2
  exit 1
fi

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

# Depth first: a library is listed after every library it needs.
declare -A listed
order=()
visit() {
  local name=$1 dep
  [[ -n "${listed[$name]:-}" ]] && return
  listed[$name]=1
  for dep in $(needed "${path_of[$name]}"); do
    [[ -n "${path_of[$dep]:-}" ]] && visit "$dep"
  done
  order+=("$name")
}
for dep in $(needed "$lib"); do
  [[ -n "${path_of[$dep]:-}" ]] && visit "$dep"
done

for name in "${order[@]}"; do
  cp -L "${path_of[$name]}" "$dest/$name"
done
cp -L "$lib" "$dest/libcxjf_c.so"
printf '%s\n' "${order[@]}" > "$dest/libraries.txt"
