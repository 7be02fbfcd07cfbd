#!/bin/sh
# Builds the boot image twice, in two fresh build directories, and checks
# that the bytes are the same: the build is reproducible.
set -u
cd "$(dirname "$0")/../.."
pass=0
fail=0
for d in build/repro-a build/repro-b; do
	rm -rf "$d"
	if ! make -s B="$d" "$d/nonos.img" >"$d.log" 2>&1; then
		echo "FAIL reproducible: build in $d failed (see $d.log)"
		fail=$((fail + 1))
	fi
done
if [ "$fail" -eq 0 ]; then
	a=$(sha256sum build/repro-a/nonos.img | cut -d' ' -f1)
	b=$(sha256sum build/repro-b/nonos.img | cut -d' ' -f1)
	if [ "$a" = "$b" ]; then
		echo "PASS reproducible: two builds give the same image ($a)"
		pass=$((pass + 1))
	else
		echo "FAIL reproducible: images differ ($a vs $b)"
		cmp build/repro-a/nonos.img build/repro-b/nonos.img | head -3
		fail=$((fail + 1))
	fi
fi
rm -rf build/repro-a build/repro-b build/repro-a.log build/repro-b.log
echo "reproducible: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
