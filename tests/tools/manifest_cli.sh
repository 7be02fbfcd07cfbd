#!/bin/sh
# End-to-end tests of nonos-manifest (docs/boot-manifest.md) as the build
# and people run it: keys never overwritten, a manifest made, signed and
# verified, every tampering refused, and differential checks: its BLAKE3
# hashes against b3sum, its PCR values against Python's hashlib, its
# signature against nonos-sign when that is built.
# Needs $B/tools/nonos-manifest (make $B/tools/nonos-manifest).
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
T=$B/tools/nonos-manifest
SIGN=$B/tools/nonos-sign
pass=0
fail=0

ok() { echo "PASS manifest-cli: $1"; pass=$((pass + 1)); }
bad() { echo "FAIL manifest-cli: $1${2:+ -- $2}"; fail=$((fail + 1)); }
# check NAME COMMAND...: the command must succeed
check() { n=$1; shift; if "$@" >"$w/out" 2>&1; then ok "$n"; else bad "$n" "$(tail -3 "$w/out")"; fi; }
# refuse NAME PATTERN COMMAND...: exit status 1 and PATTERN in the output
refuse() {
	n=$1 pat=$2; shift 2
	"$@" >"$w/out" 2>&1
	rc=$?
	if [ "$rc" = 1 ] && grep -q -- "$pat" "$w/out"; then ok "$n"
	else bad "$n" "exit $rc: $(tail -3 "$w/out")"; fi
}

if [ ! -x "$T" ]; then
	echo "FAIL manifest-cli: $T is not built"
	echo "manifest-cli: 0 passed, 1 failed"
	exit 1
fi
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT

# --- keys ----------------------------------------------------------------
check "keygen makes a key pair" "$T" keygen -o "$w/k"
mode=$(stat -c %a "$w/k.key")
[ "$mode" = 600 ] && ok "the secret key is mode 0600" || bad "the secret key is mode 0600" "$mode"
cp "$w/k.key" "$w/k.key.orig"
refuse "keygen never overwrites a key" "File exists" "$T" keygen -o "$w/k"
cmp -s "$w/k.key" "$w/k.key.orig" && ok "the old key is untouched" || bad "the old key is untouched"
"$T" keygen -o "$w/other" >/dev/null

# --- a good folder -------------------------------------------------------------
d=$w/nonos
mkdir -p "$d/modules"
head -c 70000 /dev/urandom > "$d/kernel.elf"
head -c 5000 /dev/urandom > "$d/modules/hello"
head -c 1 /dev/urandom > "$d/modules/tiny"
printf '# test policy\nhello console:w endpoint:w\n\ntiny\tframe:rw # a comment\n' > "$w/policy"
check "create" "$T" create -V 4 -p "$w/policy" -o "$d/manifest" "$d/kernel.elf" \
	"$d/modules/tiny" "$d/modules/hello"
grep -q "^module hello 5000 [0-9a-f]* 4 endpoint:w console:w$" "$d/manifest" &&
	ok "create writes the ceilings in canonical order" ||
	bad "create writes the ceilings in canonical order" "$(cat "$d/manifest")"
[ "$(sed -n 4p "$d/manifest" | cut -d' ' -f2)" = hello ] &&
	ok "create sorts the modules" || bad "create sorts the modules"
check "sign" "$T" sign -k "$w/k.key" "$d/manifest"
cp "$d/manifest.sig" "$w/sig1"
"$T" sign -k "$w/k.key" "$d/manifest" >/dev/null
cmp -s "$d/manifest.sig" "$w/sig1" && ok "signatures are deterministic" ||
	bad "signatures are deterministic"
check "verify accepts the good folder" "$T" verify -p "$w/k.pub" "$d"
check "verify with the secret key" "$T" verify -k "$w/k.key" "$d"

# Differential: BLAKE3 against b3sum, and nonos-sign's own check.
if command -v b3sum >/dev/null 2>&1; then
	ok_b3=1
	for f in kernel.elf modules/hello modules/tiny; do
		want=$(b3sum --no-names "$d/$f")
		grep -q " $want " "$d/manifest" || ok_b3=0
	done
	[ $ok_b3 = 1 ] && ok "every BLAKE3 in the manifest equals b3sum's" ||
		bad "every BLAKE3 in the manifest equals b3sum's" "$(cat "$d/manifest")"
else
	bad "b3sum is installed (scripts/setup)"
fi
if [ -x "$SIGN" ]; then
	check "nonos-sign verifies the manifest's signature" "$SIGN" verify -p "$w/k.pub" "$d/manifest"
fi

# Differential: the PCR values measure prints, recomputed with hashlib.
check "measure" "$T" measure "$d"
cp "$w/out" "$w/measure"
python3 - "$d" "$w/measure" <<'EOF' >"$w/py" 2>&1 && ok "measure's PCRs equal hashlib's" || bad "measure's PCRs equal hashlib's" "$(cat "$w/py")"
import hashlib, re, sys
d, out = sys.argv[1], open(sys.argv[2]).read()
files = ["manifest", "kernel.elf"] + ["modules/" + l.split()[1]
         for l in open(d + "/manifest") if l.startswith("module ")]
pcr = {8: bytes(32), 9: bytes(32)}
for i, f in enumerate(files):
    digest = hashlib.sha256(open(d + "/" + f, "rb").read()).digest()
    n = 8 if i == 0 else 9
    assert "pcr %d sha256 %s /nonos/%s" % (n, digest.hex(), f) in out, f
    pcr[n] = hashlib.sha256(pcr[n] + digest).digest()
for n in (8, 9):
    assert "PCR %d = %s" % (n, pcr[n].hex()) in out, n
EOF
check "pubkey from the secret key" "$T" pubkey -k "$w/k.key" -o "$w/a.c"
check "pubkey from the public key" "$T" pubkey -p "$w/k.pub" -o "$w/b.c"
cmp -s "$w/a.c" "$w/b.c" && ok "both give the same C source" || bad "both give the same C source"

# --- tampering: what the loader refuses, refused on the host too ------------------
t=$w/t
reset() { rm -rf "$t"; cp -r "$d" "$t"; }
reset; printf 'x' | dd of="$t/kernel.elf" bs=1 seek=100 conv=notrunc status=none
refuse "a changed kernel" "kernel.elf: hash mismatch" "$T" verify -p "$w/k.pub" "$t"
reset; printf 'x' >> "$t/modules/hello"
refuse "a longer module" "hello: size mismatch (5001 bytes, the manifest says 5000)" "$T" verify -p "$w/k.pub" "$t"
reset; cp "$t/modules/hello" "$t/modules/extra"
refuse "an extra module" "extra: not in the signed manifest" "$T" verify -p "$w/k.pub" "$t"
reset; rm "$t/modules/tiny"
refuse "a missing module" "tiny" "$T" verify -p "$w/k.pub" "$t"
reset; sed -i 's/^image 4$/image 5/' "$t/manifest"
refuse "a changed manifest" "does not match its signature" "$T" verify -p "$w/k.pub" "$t"
reset; "$T" sign -k "$w/other.key" "$t/manifest" >/dev/null
refuse "another key" "signed by another key" "$T" verify -p "$w/k.pub" "$t"
reset; last=$(tail -c 2 "$t/manifest.sig" | head -c 1)
[ "$last" = 0 ] && new=1 || new=0
sed -i "s/.\$/$new/" "$t/manifest.sig"
refuse "a changed signature" "bad signature" "$T" verify -p "$w/k.pub" "$t"

# --- usage errors and bad input ------------------------------------------------------
printf 'x' > "$w/Hello"
refuse "create refuses an upper-case module name" "bad module name" \
	"$T" create -V 1 -o "$w/m" "$d/kernel.elf" "$w/Hello"
"$T" create -V 0 -o "$w/m" "$d/kernel.elf" >/dev/null 2>&1
[ $? = 2 ] && ok "create refuses version 0" || bad "create refuses version 0"
printf 'hello console:wr\n' > "$w/badpolicy"
refuse "create refuses a bad policy" "in that order" \
	"$T" create -V 1 -p "$w/badpolicy" -o "$w/m" "$d/kernel.elf" "$d/modules/hello"
printf 'nonos-manifest 1\nimage 01\n' > "$w/badmanifest"
refuse "sign refuses a malformed manifest" "leading zero" "$T" sign -k "$w/k.key" "$w/badmanifest"
[ ! -e "$w/badmanifest.sig" ] && ok "and writes no signature" || bad "and writes no signature"
printf 'x' > "$w/.hidden"
refuse "create refuses a name starting with a dot" "bad module name" \
	"$T" create -V 1 -o "$w/m" "$d/kernel.elf" "$w/.hidden"
"$T" create -V 1 -p "$w/policy" -o "$w/m" "$d/kernel.elf" "$d/modules/hello" "$w/k.pub" 2>"$w/err" >/dev/null
grep -q "k.pub has no entry" "$w/err" && grep -q "^module k.pub [0-9]* [0-9a-f]* 1$" "$w/m" &&
	ok "a module without a policy line gets no capabilities, with a warning" ||
	bad "a module without a policy line gets no capabilities, with a warning" "$(cat "$w/err" "$w/m")"

echo "manifest-cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
