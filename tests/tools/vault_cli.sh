#!/bin/sh
# tests/tools/vault_cli.sh: drives build/tools/nonos-vault and nonos-sign
# end to end: --help everywhere, key generation, create/list/extract/
# verify/rekey/inspect round trips, every refusal with its message and
# status (wrong passphrase or key, wrong or missing signer, damage,
# truncation, absurd KDF parameters, existing targets), nothing partial
# left behind, atomic saves, the terminal prompt without echo, and
# signed manifests (also read by b3sum -c). Prints "N passed, M failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
V=$ROOT/build/tools/nonos-vault
S=$ROOT/build/tools/nonos-sign
for t in "$V" "$S"; do
	[ -x "$t" ] || { echo "$t missing: run make tools"; echo "0 passed, 1 failed"; exit 1; }
done
T=$(mktemp -d /tmp/nonos-vault-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset NONOS_VAULT_PASSPHRASE NONOS_VAULT_NEW_PASSPHRASE
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
# check NAME CMD...: the command must succeed.
check() { name=$1; shift; if "$@" >out.log 2>&1; then ok "$name"; else bad "$name"; cat out.log; fi; }
# refuse NAME MESSAGE CMD...: exit status 1 and MESSAGE on stderr.
refuse() {
	name=$1 msg=$2; shift 2
	"$@" >out.log 2>err.log; rc=$?
	if [ $rc = 1 ] && grep -q -- "$msg" err.log; then ok "$name"; else
		bad "$name (status $rc)"; cat out.log err.log; fi
}
KDF="--kdf-t 1 --kdf-m 64"

# --- help ----------------------------------------------------------------------
for c in create list extract verify rekey inspect keygen; do
	check "vault $c --help" sh -c "'$V' $c --help | grep -q usage"
done
check "vault --help" sh -c "'$V' --help | grep -q rekey"
for c in keygen sign verify manifest; do
	check "sign $c --help" sh -c "'$S' $c --help | grep -q usage"
done
"$V" frobnicate >/dev/null 2>&1; [ $? = 2 ] && ok "unknown command: status 2" || bad "unknown command"
"$V" create -o x >/dev/null 2>&1; [ $? = 2 ] && ok "missing argument: status 2" || bad "missing argument"

# --- keys ----------------------------------------------------------------------
check "vault keygen" "$V" keygen -o bob
check "vault keygen (eve)" "$V" keygen -o eve
check "sign keygen" "$S" keygen -o dev
check "sign keygen (other)" "$S" keygen -o other
[ "$(stat -c %a bob.key)" = 600 ] && [ "$(stat -c %a dev.key)" = 600 ] &&
	ok "secret keys are 0600" || bad "secret keys are 0600"
refuse "keygen never overwrites" "File exists" "$V" keygen -o bob
refuse "not a recipient key" "not a recipient public key" "$V" create -r dev.pub -o v.nv .

# --- a source tree ---------------------------------------------------------------
mkdir -p src/sub/deep src/empty
echo hello > src/a.txt
head -c 200000 /dev/urandom > src/sub/rand.bin
seq 1 50000 > src/sub/deep/nums.txt
: > src/sub/zero
chmod 0750 src/sub
chmod 0600 src/a.txt
ln -s /etc/passwd src/link
printf 'pass phrase one\n' > pw1
printf 'pass phrase two\n' > pw2
printf 'wrong\n' > pwbad

"$V" create --passphrase-file pw1 $KDF -r bob.pub -s dev.key -o v.nv src 2>err.log &&
	grep -q "link: a link or special file, skipped" err.log &&
	ok "create (passphrase, recipient, signed); symlink skipped" ||
	{ bad "create"; cat err.log; }
check "inspect" sh -c "'$V' inspect v.nv > insp.txt"
grep -q "Argon2id t=1 m=64 KiB" insp.txt && grep -q "X25519 + ML-KEM-1024" insp.txt &&
	grep -q "Ed25519 by $(cut -d' ' -f2 dev.pub)" insp.txt &&
	ok "inspect shows parameters, recipients, signer" || { bad "inspect contents"; cat insp.txt; }
check "list with passphrase" sh -c "'$V' list --passphrase-file pw1 v.nv > list.txt"
grep -q "drwxr-x---            0  sub/" list.txt && grep -q -- "-rw-------            6  a.txt" list.txt &&
	! grep -q link list.txt && ok "list shows modes, sizes, paths" || { bad "list contents"; cat list.txt; }
check "extract with identity and signer" "$V" extract -i bob.key --signer dev.pub v.nv out
diff -r src out >/dev/null 2>&1; [ $? = 1 ] && [ ! -e out/link ] &&
	cmp -s src/sub/rand.bin out/sub/rand.bin && cmp -s src/sub/deep/nums.txt out/sub/deep/nums.txt &&
	[ -f out/sub/zero ] && [ -d out/empty ] && ok "extracted tree matches" || bad "extracted tree matches"
[ "$(stat -c %a out/sub)" = 750 ] && [ "$(stat -c %a out/a.txt)" = 600 ] &&
	ok "modes restored" || bad "modes restored"
refuse "extract into an existing directory" "already exists" "$V" extract -i bob.key v.nv out
NONOS_VAULT_PASSPHRASE='pass phrase one' "$V" list v.nv >/dev/null 2>&1 &&
	ok "passphrase from the environment" || bad "passphrase from the environment"

# --- refusals --------------------------------------------------------------------
refuse "wrong passphrase" "wrong passphrase" "$V" list --passphrase-file pwbad v.nv
refuse "wrong recipient key" "no stanza for this recipient key" "$V" list -i eve.key v.nv
refuse "wrong signer" "wrong signer" "$V" verify --signer other.pub v.nv
check "verify signature without secrets" "$V" verify --signer dev.pub v.nv
check "verify contents" "$V" verify -i bob.key --signer dev.pub v.nv
grep -q "contents authentic: 4 files, 3 directories" out.log && ok "verify counts" || { bad "verify counts"; cat out.log; }
"$V" create --passphrase-file pw1 $KDF -o plain.nv src 2>/dev/null
refuse "unsigned vault, signer required" "vault is not signed" "$V" verify --signer dev.pub plain.nv
refuse "unsigned vault, signer required (extract)" "vault is not signed" \
	"$V" extract --passphrase-file pw1 --signer dev.pub plain.nv never
[ ! -e never ] && ok "nothing extracted when the signer is missing" || bad "nothing extracted"
refuse "no credentials, no terminal" "no terminal" setsid "$V" list plain.nv
refuse "nobody could open it" "nobody could open" "$V" create -o x.nv src

# Damage: flip one byte in the middle of the body; truncate; absurd KDF.
size=$(stat -c %s v.nv)
cp v.nv damaged.nv
printf '\377' | dd of=damaged.nv bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
refuse "damaged chunk" "chunk damaged" "$V" extract -i bob.key damaged.nv dmg
[ ! -e dmg ] && [ -z "$(ls -d dmg.tmp* 2>/dev/null)" ] &&
	ok "damaged: nothing written, no temporary left" || bad "damaged: nothing partial"
refuse "damaged: signature check alone" "bad signature" "$V" verify damaged.nv
head -c $((size - 1000)) v.nv > cut.nv
refuse "truncated vault" "truncated" "$V" list -i bob.key cut.nv
refuse "not a vault" "not a vault" "$V" inspect pw1
python3 - plain.nv bomb.nv <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
# magic..nonce (48), count (1), stanza type+len (3), salt (16): then t, m
off = 48 + 1 + 3 + 16
b[off + 4:off + 8] = (1 << 31).to_bytes(4, 'big')	# 2 TiB
open(sys.argv[2], 'wb').write(b)
PY
start=$(date +%s%N)
refuse "absurd KDF parameters" "absurd KDF parameters" "$V" list --passphrase-file pw1 bomb.nv
[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 2000 ] && ok "refused before any work" || bad "refused quickly"
python3 - plain.nv v2.nv <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[8] = 2
open(sys.argv[2], 'wb').write(b)
PY
refuse "unknown version" "unknown vault version" "$V" inspect v2.nv

# --- rekey -------------------------------------------------------------------------
cp v.nv before.nv
check "rekey in place: new passphrase, drop the recipient, re-sign" \
	"$V" rekey --passphrase-file pw1 --new-passphrase-file pw2 $KDF -s other.key -o v.nv v.nv
refuse "old passphrase no longer opens it" "wrong passphrase" "$V" list --passphrase-file pw1 v.nv
refuse "old recipient no longer opens it" "no stanza for this recipient key" "$V" list -i bob.key v.nv
check "new passphrase and new signer" "$V" extract --passphrase-file pw2 --signer other.pub v.nv out2
cmp -s src/sub/rand.bin out2/sub/rand.bin && ok "rekeyed contents" || bad "rekeyed contents"
# The body is the same bytes: compare the tails after each header.
python3 - before.nv v.nv <<'PY' && ok "rekey kept the body" || bad "rekey kept the body"
import sys
def body(p):
    b = open(p, 'rb').read()
    h = int.from_bytes(b[12:16], 'big')
    n = int.from_bytes(b[-72:-64], 'big')
    return b[h:h + n]
sys.exit(0 if body(sys.argv[1]) == body(sys.argv[2]) else 1)
PY
refuse "rekey refuses a damaged body" "chunk damaged" \
	"$V" rekey -i bob.key --new-passphrase-file pw2 $KDF -o re.nv damaged.nv
[ ! -e re.nv ] && ok "rekey wrote nothing" || bad "rekey wrote nothing"

# --- atomic saves --------------------------------------------------------------------
cp plain.nv keep.nv
# A tree nested deeper than create allows fails half-way through the walk.
mkdir -p src2 && echo data > src2/f
deep=src2; i=0; while [ $i -lt 130 ]; do deep=$deep/d; i=$((i + 1)); done; mkdir -p "$deep"
refuse "failed create" "nested more than" "$V" create --passphrase-file pw1 $KDF -o keep.nv src2
cmp -s keep.nv plain.nv && [ -z "$(ls keep.nv.tmp* 2>/dev/null)" ] &&
	ok "old vault survives a failed save, no temporary left" || bad "atomic save"

# An interrupted save: SIGINT early in 8 GiB of (sparse) zeros.
mkdir -p src3 && truncate -s 8G src3/big
"$V" create --passphrase-file pw1 $KDF --no-compress -o keep.nv src3 2>err.log &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid; rc=$?
[ $rc = 1 ] && grep -q interrupted err.log && cmp -s keep.nv plain.nv &&
	[ -z "$(ls keep.nv.tmp* 2>/dev/null)" ] &&
	ok "interrupted save: old vault kept, no temporary left" ||
	{ bad "interrupted save (status $rc)"; cat err.log; }
rm -rf src3
"$V" create --passphrase-file pw1 $KDF -o src/self.nv src 2>err.log &&
	grep -q "self.nv.tmp.*the vault being written, skipped" err.log &&
	ok "create never archives its own output" || { bad "own output"; cat err.log; }
rm -f src/self.nv

# --- the terminal prompt, without echo --------------------------------------------------
python3 - "$V" <<'PY' && ok "passphrase prompt on a terminal, no echo" || bad "terminal prompt"
import os, pty, select, sys, time
v = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.execv(v, [v, "create", "-p", "--kdf-t", "1", "--kdf-m", "64", "-o", "tty.nv", "src"])
out = b""
def expect(s, timeout=10):
    global out
    end = time.time() + timeout
    while s not in out and time.time() < end:
        if not select.select([fd], [], [], 0.1)[0]:
            continue
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    return s in out
ok = expect(b"New passphrase: ")
os.write(fd, b"typed secret\n")
ok = ok and expect(b"Again: ")
os.write(fd, b"typed secret\n")
expect(b"<end of output>", 10)
_, status = os.waitpid(pid, 0)
sys.exit(0 if ok and status == 0 and b"typed secret" not in out else 1)
PY
NONOS_VAULT_PASSPHRASE='typed secret' "$V" list tty.nv >/dev/null 2>&1 &&
	ok "prompted passphrase opens the vault" || bad "prompted passphrase"

# --- nonos-sign -----------------------------------------------------------------------
echo "kernel image" > kernel.elf
check "sign a file" "$S" sign -k dev.key kernel.elf
grep -q "BLAKE3 $(b3sum --no-names kernel.elf)" out.log && ok "sign prints the BLAKE3 hash (b3sum agrees)" ||
	{ bad "sign prints the hash"; cat out.log; }
check "verify a file" "$S" verify -p dev.pub kernel.elf
refuse "verify with another key" "signed by another key" "$S" verify -p other.pub kernel.elf
echo "patched" >> kernel.elf
refuse "verify a changed file" "does not match the signed hash" "$S" verify -p dev.pub kernel.elf
mkdir -p boot/mods && echo k > boot/kernel && echo m1 > boot/mods/one && echo m2 > boot/mods/two
check "manifest" "$S" manifest -o boot/MANIFEST kernel mods/one mods/two
(cd boot && b3sum -c MANIFEST >/dev/null 2>&1) && ok "b3sum -c reads our manifest" || bad "b3sum -c"
check "sign the manifest" "$S" sign -k dev.key boot/MANIFEST
check "verify the manifest and its files" "$S" verify -p dev.pub --manifest boot/MANIFEST
echo changed > boot/mods/two
refuse "a listed file changed" "1 of 3 files failed" "$S" verify -p dev.pub --manifest boot/MANIFEST
refuse "manifest path escaping" "not a safe relative path" "$S" manifest -o boot/M2 ../kernel.elf
printf '%s  ../../etc/passwd\n' "$(b3sum --no-names /etc/passwd)" > boot/EVIL
"$S" sign -k dev.key boot/EVIL >/dev/null
refuse "signed manifest with an escaping path" "not a safe relative path" \
	"$S" verify -p dev.pub --manifest boot/EVIL

# --- the persistence partition of a disk image (--image) ---------------------------
# The image's GPT as scripts/mkimage makes it (lib/gpt's NONOS PERSIST type).
PTYPE=3154ddfb-dc7b-49f1-8cfb-3eed5fe101df
truncate -s 8M disk.img
sgdisk --new=1:2048:4095 --typecode=1:ef00 --new=2:4096:16350 --typecode=2:$PTYPE \
	--change-name=2:"NONOS PERSIST" disk.img >/dev/null
truncate -s 8M nopart.img
sgdisk --new=1:2048:0 --typecode=1:ef00 nopart.img >/dev/null
sum0=$(b3sum --no-names disk.img)
refuse "image: empty partition" "no vault in the persistence partition" \
	"$V" list --image --passphrase-file pw1 disk.img
refuse "image: no partition" "no NONOS PERSIST partition" "$V" inspect --image nopart.img
truncate -s 1M zero.img
refuse "image: not a GPT disk" "no GPT signature" "$V" inspect --image zero.img
[ "$(b3sum --no-names disk.img)" = "$sum0" ] && ok "image: reading leaves it byte-identical" ||
	bad "image: reading leaves it byte-identical"
check "image: create generation 1" "$V" create $KDF --passphrase-file pw1 --image disk.img src
check "image: create generation 2" "$V" create $KDF --passphrase-file pw2 --image disk.img src/sub
"$V" inspect --image disk.img > insp.txt 2>&1
grep -q "newest: *generation 2" insp.txt && grep -q "older: *generation 1" insp.txt &&
	ok "image: inspect shows both generations" || { bad "image: inspect"; cat insp.txt; }
grep -q "saved as generation 2 (checked once opened)" insp.txt &&
	ok "image: the vault carries its generation" || { bad "image: generation stanza"; cat insp.txt; }
rm -rf img-out
check "image: extract the newest" "$V" extract --image --passphrase-file pw2 disk.img img-out
diff -r src/sub img-out >/dev/null && ok "image: extracted tree is identical" ||
	bad "image: extracted tree is identical"
check "image: verify" "$V" verify --image --passphrase-file pw2 disk.img
# The newest head damaged: the older copy (generation 1, passphrase 1) is used.
cp disk.img damaged.img
printf 'X' | dd of=damaged.img bs=1 seek=$((4096 * 512 + 20)) conv=notrunc status=none
"$V" inspect --image damaged.img > insp.txt 2>&1
grep -q "newest: *generation 1" insp.txt && grep -q "damaged: *head 0" insp.txt &&
	ok "image: a damaged newest head falls back to the older copy" ||
	{ bad "image: damaged head"; cat insp.txt; }
rm -rf img-out
check "image: extract the older copy" "$V" extract --image --passphrase-file pw1 damaged.img img-out
diff -r -x link src img-out && ok "image: older copy is intact (but the link create skips)" || bad "image: older copy is intact"
# A vault larger than a slot: refused, and the disk's vaults stay as they were.
mkdir -p big && head -c 4000000 /dev/urandom > big/r
cp disk.img before.img
refuse "image: too big for a slot" "does not fit in the persistence partition" \
	"$V" create $KDF --passphrase-file pw1 --no-compress --image disk.img big
"$V" inspect --image disk.img > insp.txt 2>&1
grep -q "newest: *generation 2" insp.txt && ok "image: a failed save keeps generation 2" ||
	{ bad "image: a failed save keeps generation 2"; cat insp.txt; }
refuse "image: wrong passphrase" "wrong passphrase" \
	"$V" list --image --passphrase-file pw1 disk.img
# scripts/mkimage's images carry an empty 256 MiB partition.
"$V" inspect --image "$ROOT/build/nonos.img" > insp.txt 2>&1
grep -q "partition: *268435456 bytes" insp.txt && grep -q "newest: *none" insp.txt &&
	ok "image: build/nonos.img has an empty 256 MiB persistence partition" ||
	{ bad "image: build/nonos.img's partition"; cat insp.txt; }

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
