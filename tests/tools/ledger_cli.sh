#!/bin/sh
# End-to-end tests of nonos-ledger (docs/ledger.md) as people run it:
# keys, a genesis, transactions of several kinds built, signed, put in
# blocks and applied to a chain directory, queries, replay and verify
# (twice, the same hashes), and every kind of bad input refused with a
# clear message and nothing changed: tampered, replayed, underfunded,
# foreign-chain transactions, malformed numbers, a tampered chain.
# Needs $B/tools/nonos-ledger (make $B/tools/nonos-ledger).
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
T=$PWD/$B/tools/nonos-ledger
pass=0
fail=0

ok() { echo "PASS ledger-cli: $1"; pass=$((pass + 1)); }
bad() { echo "FAIL ledger-cli: $1${2:+ -- $2}"; fail=$((fail + 1)); }
check() { n=$1; shift; if "$@" >"$w/out" 2>&1; then ok "$n"; else bad "$n" "$(tail -3 "$w/out")"; fi; }
# refuse NAME STATUS PATTERN COMMAND...: that exit status and PATTERN in the output
refuse() {
	n=$1 st=$2 pat=$3; shift 3
	"$@" >"$w/out" 2>&1
	rc=$?
	if [ "$rc" = "$st" ] && grep -q -- "$pat" "$w/out"; then ok "$n"
	else bad "$n" "exit $rc: $(tail -3 "$w/out")"; fi
}
# has NAME PATTERN COMMAND...: succeeds with PATTERN in the output
has() {
	n=$1 pat=$2; shift 2
	if "$@" >"$w/out" 2>&1 && grep -q -- "$pat" "$w/out"; then ok "$n"
	else bad "$n" "$(tail -3 "$w/out")"; fi
}

if [ ! -x "$T" ]; then
	echo "FAIL ledger-cli: $T is not built"
	echo "ledger-cli: 0 passed, 1 failed"
	exit 1
fi
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w"

# --- usage ---------------------------------------------------------------------
refuse "no command: usage" 2 "usage: nonos-ledger" "$T"
has "tx --help lists every type" "qf-finalize" "$T" tx --help
refuse "a missing option: usage" 2 "usage: nonos-ledger block" "$T" block -d chain

# --- keys and genesis -----------------------------------------------------
for k in alice bob val; do "$T" keygen -o $k >/dev/null || bad "keygen $k"; done
check "keygen makes key pairs" test -f alice.key -a -f bob.pub -a -f val.pub
refuse "keygen never overwrites" 1 "" "$T" keygen -o alice
E18=000000000000000000
check "genesis" "$T" genesis -o gen --chain test-chain \
	--alloc alice.pub=1000$E18 --alloc bob.pub=1000$E18 --alloc val.pub=1000$E18 \
	--set unbonding=2
"$T" genesis -o other --chain other-chain --alloc alice.pub=1000$E18 >/dev/null
refuse "genesis: a bad amount" 1 "not a whole number" \
	"$T" genesis -o g2 --chain x --alloc alice.pub=12x
refuse "genesis: an unknown parameter" 1 "unknown parameter" \
	"$T" genesis -o g2 --chain x --set colour=3
refuse "genesis: over the cap" 1 "cap exceeded" \
	"$T" genesis -o g2 --chain x --set supply-cap=5 --alloc alice.pub=6
refuse "genesis: bad key" 1 "neither 64 hex digits" \
	"$T" genesis -o g2 --chain x --alloc nosuch.pub=6
check "init" "$T" init -d chain gen
refuse "init: not a genesis file" 1 "not a genesis file" "$T" init -d chain2 alice.pub

# --- a transfer ------------------------------------------------------------
BOB=$(cut -d' ' -f2 bob.pub)
check "tx transfer" "$T" tx -g gen -K alice.key -o t1 --nonce 0 transfer --k bob.pub --i 0 --a 5$E18
check "block" "$T" block -d chain -p val.pub -o b1 t1
has "apply" "block 1 state" "$T" apply -d chain b1
has "bob received 5 NØN" "balance 0 1005$E18" "$T" query -d chain account "$BOB"
has "alice's nonce is 1" "nonce 1" "$T" query -d chain account alice.pub

# --- refusals ----------------------------------------------------------------
refuse "replayed nonce" 1 "wrong nonce" "$T" block -d chain -p val.pub -o bx t1
"$T" tx -g other -K alice.key -o tforeign --nonce 1 transfer --k bob.pub --a 1 >/dev/null
refuse "another chain's transaction" 1 "bad signature" "$T" block -d chain -p val.pub -o bx tforeign
"$T" tx -g gen -K alice.key -o t2 --nonce 1 transfer --k bob.pub --a 1 >/dev/null
cp t2 ttamper
printf '\007' | dd of=ttamper bs=1 seek=120 conv=notrunc 2>/dev/null
refuse "tampered transaction" 1 "bad signature" "$T" block -d chain -p val.pub -o bx ttamper
"$T" tx -g gen -K alice.key -o tbig --nonce 1 transfer --k bob.pub --a 5000$E18 >/dev/null
refuse "insufficient funds" 1 "insufficient funds" "$T" block -d chain -p val.pub -o bx tbig
"$T" tx -g gen -K alice.key -o tasset --nonce 1 transfer --k bob.pub --i 9 --a 1 >/dev/null
refuse "unknown asset" 1 "no such entry" "$T" block -d chain -p val.pub -o bx tasset
"$T" tx -g gen -K alice.key -o tfee --nonce 1 --fee 1 transfer --k bob.pub --a 1 >/dev/null
refuse "fee below the base fee" 1 "fee below" "$T" block -d chain -p val.pub -o bx tfee
head -c 50 t2 > ttrunc
refuse "truncated transaction" 1 "not a transaction" "$T" block -d chain -p val.pub -o bx ttrunc
refuse "unknown transaction type" 2 "unknown transaction type" \
	"$T" tx -g gen -K alice.key -o tz frobnicate
refuse "a malformed amount" 1 "not a whole number" \
	"$T" tx -g gen -K alice.key -o tz transfer --a 1e5
refuse "an amount past 2^128" 1 "below 2^128" \
	"$T" tx -g gen -K alice.key -o tz transfer --a 340282366920938463463374607431768211456
head -c 60 b1 > btrunc
refuse "apply: a damaged block" 1 "refused" "$T" apply -d chain btrunc
refuse "apply: a block already applied" 1 "bad block header" "$T" apply -d chain b1
has "nothing changed" "height 1" "$T" query -d chain state

# --- many kinds in one block -------------------------------------------------
H=$("$T" hashlock 5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e)
"$T" tx -g gen -K alice.key -o c1 --nonce 1 asset-create --a 1000000$E18 >/dev/null
"$T" tx -g gen -K alice.key -o c2 --nonce 2 asset-mint --k alice.pub --i 1 --a 5000$E18 >/dev/null
"$T" tx -g gen -K alice.key -o c3 --nonce 3 pool-add --i 0 --j 1 --a 100$E18 --b 400$E18 >/dev/null
"$T" tx -g gen -K bob.key -o c4 --nonce 0 swap --i 0 --j 0 --a 1$E18 --b 3900000000000000000 >/dev/null
"$T" tx -g gen -K alice.key -o c5 --nonce 4 chan-open --k bob.pub --i 0 --a 10$E18 --n 100 >/dev/null
"$T" tx -g gen -K alice.key -o c6 --nonce 5 htlc-lock --k bob.pub --i 0 --a 2$E18 --h "$H" --n 50 >/dev/null
"$T" tx -g gen -K val.key -o c7 --nonce 0 validator-create --a 100$E18 --p 1000 >/dev/null
"$T" tx -g gen -K bob.key -o c8 --nonce 1 delegate --k val.pub --a 50$E18 >/dev/null
"$T" tx -g gen -K bob.key -o c9 --nonce 2 profile-create --p 7000,2000,500,500 >/dev/null
check "block of nine kinds" "$T" block -d chain -p val.pub -o b2 c1 c2 c3 c4 c5 c6 c7 c8 c9
check "apply it" "$T" apply -d chain b2
has "the pool" "reserves" "$T" query -d chain pool 0
V=$("$T" voucher -g gen -K alice.key --channel 0 --amount 3$E18)
"$T" tx -g gen -K bob.key -o d1 --nonce 3 chan-close --i 0 --a 3$E18 --s "$V" >/dev/null
"$T" tx -g gen -K bob.key -o d2 --nonce 4 htlc-claim --i 0 \
	--h 5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e >/dev/null
"$T" tx -g gen -K alice.key -o d3 --nonce 6 capsule-pay --i 0 --a 1000 >/dev/null
"$T" tx -g gen -K bob.key -o d4 --nonce 5 undelegate --k val.pub --a 10$E18 >/dev/null
check "block: channel close, HTLC claim, capsule payment, undelegation" \
	"$T" block -d chain -p val.pub -o b3 d1 d2 d3 d4
check "apply it" "$T" apply -d chain b3
V2=$("$T" voucher -g gen -K bob.key --channel 0 --amount 3$E18)
"$T" tx -g gen -K bob.key -o e1 --nonce 6 chan-close --i 0 --a 3$E18 --s "$V2" >/dev/null
refuse "a closed channel" 1 "not allowed in this state" "$T" block -d chain -p val.pub -o bx e1
# Double signing: two state hashes for height 2, signed by the validator.
S1=$("$T" vote -g gen -K val.key --height 2 --hash 1111111111111111111111111111111111111111111111111111111111111111)
S2=$("$T" vote -g gen -K val.key --height 2 --hash 2222222222222222222222222222222222222222222222222222222222222222)
"$T" tx -g gen -K alice.key -o f1 --nonce 7 evidence --k val.pub --n 2 \
	--h 1111111111111111111111111111111111111111111111111111111111111111 --s "$S1" \
	--H 2222222222222222222222222222222222222222222222222222222222222222 --S "$S2" >/dev/null
"$T" tx -g gen -K bob.key -o f2 --nonce 6 unbond-claim --i 0 >/dev/null
check "block: double-sign evidence" "$T" block -d chain -p alice.pub -o b4 f1
check "apply it" "$T" apply -d chain b4
check "unbonding paid after the period" "$T" block -d chain -p alice.pub -o b5 f2
check "apply it" "$T" apply -d chain b5

# --- replay and verify ---------------------------------------------------------
"$T" replay -d chain > r1 2>&1
"$T" replay -d chain > r2 2>&1
if [ "$(wc -l < r1)" = 5 ] && cmp -s r1 r2; then ok "two replays give the same 5 hashes"
else bad "two replays give the same 5 hashes" "$(cat r1)"; fi
if cut -d' ' -f1,3 chain/hashes | cmp -s - r1; then ok "replay matches the recorded hashes"
else bad "replay matches the recorded hashes"; fi
has "verify" "verified 5 blocks" "$T" verify -d chain
cp -r chain chain2
# The first digit of block 3's state hash changed (0 becomes 1, else 0).
awk 'NR == 3 { c = substr($3, 1, 1) == "0" ? "1" : "0"; $3 = c substr($3, 2) } { print }' \
	chain/hashes > chain2/hashes
refuse "verify: a wrong recorded hash" 1 "state hash differs" "$T" verify -d chain2
rm -rf chain2
cp -r chain chain2
printf '\001' | dd of=chain2/blocks/00000002 bs=1 seek=200 conv=notrunc 2>/dev/null
refuse "verify: a tampered block" 1 "refused" "$T" verify -d chain2
rm -rf chain2
cp -r chain chain2
rm chain2/blocks/00000005
refuse "verify: a missing block" 1 "missing" "$T" verify -d chain2

# --- differentially private usage counts -----------------------------------------
has "counts: first release" "spent 10000 of 20000" "$T" counts -a acct --cap 20000 10 200 3000
has "counts: second release" "spent 20000 of 20000" "$T" counts -a acct 10 200 3000
refuse "counts: the cap refuses" 1 "lifetime budget" "$T" counts -a acct 10 200 3000
refuse "counts: ε above 0.01 refused" 1 "10000 millionths" "$T" counts -a acct2 --cap 99999 --eps 20000 5
refuse "counts: no accountant" 1 "no such accountant" "$T" counts -a acct3 5

echo "ledger-cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
