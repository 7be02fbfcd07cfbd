#!/bin/sh
# Incremental builds are trustworthy: in a scratch copy of the tree, a new
# lib/ source whose time stamp is older than build/host/libnonos.a still
# lands in the archive, a removed one leaves it, and likewise for a file
# of a user program (build/modules/hello). Also: make refuses to start
# `all` before scripts/setup has run, rather than running it (apt).
# Builds only the host library and one small program, not the image.
set -u
cd "$(dirname "$0")/../.."
pass=0
fail=0

ok() { echo "PASS incremental: $1"; pass=$((pass + 1)); }
bad() { echo "FAIL incremental: $1${2:+ -- $2}"; fail=$((fail + 1)); }

s=$(mktemp -d "${TMPDIR:-/tmp}/nonos-incr.XXXXXX")
trap 'rm -rf "$s"' EXIT
# The tracked files as they are in the work tree (edits included), with
# their time stamps; deps/ is the third-party source, shared read only.
git ls-files -z | tar --null -T - --ignore-failed-read -cf - 2>/dev/null |
	tar -xf - -C "$s"
ln -s "$(readlink -f deps)" "$s/deps"

build() { make -C "$s" -s -j2 "$@" >"$s/make.log" 2>&1; }
members() { llvm-ar t "$s/build/host/libnonos.a"; }

if build build/host/libnonos.a; then ok "the host library builds"
else bad "the host library builds" "$(tail -5 "$s/make.log")"; fi
before=$(stat -c %y "$s/build/host/libnonos.a")
build build/host/libnonos.a
if [ "$(stat -c %y "$s/build/host/libnonos.a")" = "$before" ]; then
	ok "a second make leaves the archive alone"
else bad "a second make leaves the archive alone"; fi

# A new source dated 2000, older than every object and the archive.
add_old_source() {
	printf '%s\n' '/* A source added by tests/tools/incremental.sh. */' \
	    'int incr_probe(void);' '' 'int' 'incr_probe(void)' '{' \
	    '	return 1;' '}' >"$1"
	touch -d 2000-01-01 "$1"
}
add_old_source "$s/lib/fmt/incr_probe.c"
build build/host/libnonos.a
if members | grep -qx incr_probe.o; then ok "an added old source lands in the archive"
else bad "an added old source lands in the archive" "$(tail -5 "$s/make.log")"; fi

# Removed: the new source, and one that was there from the start.
rm "$s/lib/fmt/incr_probe.c" "$s/lib/fmt/hex.c"
build build/host/libnonos.a
if members | grep -qx -e incr_probe.o -e hex.o; then
	bad "removed sources leave the archive" "$(members | grep -x -e incr_probe.o -e hex.o)"
else ok "removed sources leave the archive"; fi
if members | grep -qx fmt.o; then ok "the other members stay"
else bad "the other members stay"; fi

# A user program: a file added to user/hello, then removed.
if build build/modules/hello; then ok "user/hello builds"
else bad "user/hello builds" "$(tail -5 "$s/make.log")"; fi
add_old_source "$s/user/hello/incr_probe.c"
build build/modules/hello
if llvm-nm "$s/build/modules/hello" | grep -q ' incr_probe$'; then
	ok "an added old source is linked into the program"
else bad "an added old source is linked into the program" "$(tail -5 "$s/make.log")"; fi
rm "$s/user/hello/incr_probe.c"
build build/modules/hello
if llvm-nm "$s/build/modules/hello" | grep -q ' incr_probe$'; then
	bad "a removed source leaves the program"
else ok "a removed source leaves the program"; fi

# Without scripts/setup's stamp, `make all` stops at once and says why.
rm -f "$s/build/.setup-done"
if make -C "$s" -n all >"$s/make.log" 2>&1; then bad "make all refuses to run before setup"
elif grep -q "run scripts/setup" "$s/make.log" && ! grep -q apt-get "$s/make.log"; then
	ok "make all refuses to run before setup"
else bad "make all refuses to run before setup" "$(tail -3 "$s/make.log")"; fi

echo "incremental: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
