#!/usr/bin/env python3
"""The wallet inside NØNOS, through Tor, against a ledger cluster (issue 17).

In a network namespace of its own (tests/onion/netns.py; needs root) the
test starts tests/onion/tornet.py's relays and a 3-node nonos-ledgerd
cluster on the namespace's 127.0.0.1, its client ports among the ports
tornet's exits accept. The guest boots the image with the network's
authorities built in (as tests/onion/test_guest.py), and in its shell:
  - errors before anything is set: no key, no node configured;
  - `wallet new` makes a key; its address is funded from the host
    (nonos-ledger --node ... submit of a transfer from the genesis
    account), and `wallet balance` sees it through Tor, with the state
    signed by a quorum of replicas;
  - `wallet transfer` through Tor, the first node configured being a
    follower (the wallet follows the redirect to the leader); the host
    sees the recipient's balance with nonos-ledger --node ... account;
  - refusals with a message: a bad amount, a transfer beyond the
    balance, a node nobody listens on, and a replica set the cluster's
    signatures do not make a quorum of (the anti-test of the check);
  - a payment channel opened, a voucher signed; a stake, a vote and a
    swap the ledger refuses (no validator, proposal or pool), each
    reported with the ledger's reason;
  - the leader killed: the next transfer reaches the new leader;
  - oniond killed: the wallet says Tor is not usable, and works again
    once init has restarted it.
Prints PASS/FAIL per check and `test_wallet: N passed, M failed`.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import harness  # noqa: E402
import netns  # noqa: E402
import tornet  # noqa: E402

BASE = 23100
WORK = os.path.join(ROOT, "build", "onion-wallet")
NET = os.path.join(WORK, "net")
LED = os.path.join(WORK, "ledger")
IMAGE = os.path.join(ROOT, "build", "onion-test", "nonos.img")
LEDGER = os.path.join(ROOT, "build", "tools", "nonos-ledger")
LEDGERD = os.path.join(ROOT, "build", "tools", "nonos-ledgerd")
PROMPT = r"\n\$ "
CHAIN = "wallet-test"
FUND = 1000000
RECIPIENT = "07" * 32

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print("%s: %s%s" % ("PASS" if ok else "FAIL", name,
                        " (%s)" % detail if detail else ""), flush=True)
    return ok


def build():
    """The image with the network's authorities, and the ledger tools."""
    args = ["make", "-C", ROOT, "-j2", "--no-print-directory",
            "build/onion-test/nonos.img", "build/tools/nonos-ledger",
            "build/tools/nonos-ledgerd",
            "AUTHORITIES=" + os.path.join(NET, "authorities"),
            "ONIOND_LOOPBACK=10.0.2.2", "ONIOND_TIME=%d" % int(time.time())]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        print(p.stdout.decode()[-3000:])
    return p.returncode == 0


class Cluster:
    """Three nodes in the namespace: Raft on test+1, 3, 5, clients on the
    port after each (nonos-ledgerd), all within the exits' test ports."""

    def __init__(self, ns, test):
        self.ns, self.test = ns, test
        self.procs = {}
        os.makedirs(LED)
        self.keys = []
        for i in (1, 2, 3):
            out = self.tool("keygen", "-o", self.p("r%d" % i))
            self.keys.append(out.split()[-1])
        self.tool("keygen", "-o", self.p("bank"))
        self.tool("keygen", "-o", self.p("admin"))
        self.tool("genesis", "-o", self.p("gen"), "--chain", CHAIN,
                  "--alloc", self.p("bank.pub") + "=%d" % (100 * FUND),
                  "--set", "max-txs=100", "--set", "base-fee-min=1")
        with open(self.p("replicas"), "w") as f:
            for i in (1, 2, 3):
                f.write(self.p("r%d.pub" % i) + "\n")
        self.boot = ",".join("%d=%s" % (i, self.raft(i)) for i in (1, 2, 3))
        self.bank_nonce = 0

    def p(self, name):
        return os.path.join(LED, name)

    def raft(self, i):
        return "127.0.0.1:%d" % (self.test + 2 * i - 1)

    def client(self, i):
        return "127.0.0.1:%d" % (self.test + 2 * i)

    def tool(self, *args, timeout=30):
        """nonos-ledger in the namespace; its output (raises on failure)."""
        r = self.ns.run([LEDGER] + list(args), stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, timeout=timeout)
        out = r.stdout.decode()
        if r.returncode != 0:
            raise RuntimeError("nonos-ledger %s: %s" % (" ".join(args), out))
        return out

    def start(self, i):
        log = open(self.p("node%d.log" % i), "a")
        self.procs[i] = self.ns.popen(
            [LEDGERD, "run", "-d", self.p("n%d" % i), "-g", self.p("gen"),
             "-K", self.p("r%d.key" % i), "-r", self.p("replicas"),
             "--id", str(i), "--listen", self.raft(i), "--admin",
             self.p("admin.pub"), "--election-ms", "500", "--bootstrap", self.boot],
            stdout=log, stderr=log)
        log.close()

    def stop(self, i):
        p = self.procs.pop(i, None)
        if p is not None:
            p.send_signal(signal.SIGKILL)
            p.wait()

    def stop_all(self):
        for i in list(self.procs):
            self.stop(i)

    def leader(self, timeout=30):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for i in self.procs:
                try:
                    out = self.tool("--node", self.client(i), "status", timeout=10)
                except (RuntimeError, subprocess.TimeoutExpired):
                    continue
                if out.split()[2] == "leader":
                    return i
            time.sleep(0.3)
        return None

    def balance(self, key):
        """The account's balance as a node tells it, or None."""
        for i in self.procs:
            try:
                out = self.tool("--node", self.client(i), "account", key)
            except RuntimeError:
                continue
            return int(out.split()[-1])
        return None

    def fund(self, key, amount):
        """A transfer from the genesis account, submitted from the host."""
        t = self.p("fund%d" % self.bank_nonce)
        self.tool("tx", "-g", self.p("gen"), "-K", self.p("bank.key"), "-o", t,
                  "--nonce", str(self.bank_nonce), "transfer", "--k", key,
                  "--a", str(amount))
        self.bank_nonce += 1
        lead = self.leader()
        return "committed" in self.tool("--node", self.client(lead), "submit", t)


def shell(g, line, timeout=300):
    """Types line; its output once the prompt is back."""
    g.proc.stdin.write(line.encode() + b"\r")
    g.proc.stdin.flush()
    start = g.pos
    g.wait_for(PROMPT, timeout)
    return g.out[start:g.pos]


def tail(out):
    return out.strip().replace("\r", "")[-240:]


def session(g, c):
    t0 = time.monotonic()
    g.wait_for(PROMPT, 180)
    ok = g.wait_for(r"oniond: bootstrapped 100%", 180, fail=False)
    check("oniond bootstraps", ok, "%.1f s after QEMU started" % (time.monotonic() - t0))
    out = shell(g, "wallet balance")
    check("no key yet: a clear message", "no key yet: 'wallet new' makes one" in out,
          tail(out))
    out = shell(g, "wallet new")
    m = re.search(r"address ([0-9a-f]{64})", out)
    if not check("wallet new makes a key in wallet/key", m, tail(out)):
        return
    addr = m.group(1)
    out = shell(g, "wallet address")
    check("wallet address gives the same key", addr in out, tail(out))
    out = shell(g, "wallet new")
    check("a second wallet new does not overwrite the key",
          "a key exists already" in out, tail(out))
    out = shell(g, "wallet transfer %s 5" % RECIPIENT)
    check("no node configured: a clear message", "no node configured" in out, tail(out))
    lead = c.leader()
    follower = next(i for i in (1, 2, 3) if i != lead)
    out = shell(g, "wallet node %s,%s" % (c.client(follower), c.client(lead)))
    check("wallet node stores the nodes", "2 nodes in wallet/nodes" in out, tail(out))
    out = shell(g, "wallet chain %s 1 %s" % (CHAIN, " ".join(c.keys)))
    check("wallet chain stores the chain and the replica keys",
          "3 replica keys" in out, tail(out))
    t = time.monotonic()
    out = shell(g, "wallet balance")
    check("balance of a new account through Tor", "balance 0 " in out,
          "%.1f s: %s" % (time.monotonic() - t, tail(out)))
    funded = c.fund(addr, FUND)
    c.fund(RECIPIENT, 1)
    check("the host funds the wallet's address", funded)
    t = time.monotonic()
    out = shell(g, "wallet balance")
    check("balance through Tor, from a state a quorum of replicas signed",
          ("balance %d " % FUND) in out and "signed by a quorum" in out,
          "%.1f s: %s" % (time.monotonic() - t, tail(out)))
    t = time.monotonic()
    out = shell(g, "wallet transfer %s 250" % RECIPIENT)
    dt = time.monotonic() - t
    check("wallet transfer through Tor, redirected from a follower to the leader",
          "transfer committed at height" in out, "%.1f s: %s" % (dt, tail(out)))
    bal = c.balance(RECIPIENT)
    check("the host sees the transfer (nonos-ledger --node ... account)",
          bal == 251, "recipient holds %s" % bal)
    mine = c.balance(addr)
    check("the wallet paid the amount and the fee", mine == FUND - 250 - 1,
          "wallet holds %s" % mine)
    out = shell(g, "wallet transfer %s 12x" % RECIPIENT)
    check("a bad amount is refused with a message",
          "AMOUNT: '12x' is not a whole number" in out, tail(out))
    out = shell(g, "wallet transfer %s 0" % RECIPIENT)
    check("a zero amount is refused", "must be more than 0" in out, tail(out))
    out = shell(g, "wallet transfer 1234 5")
    check("a bad recipient is refused", "expected an account key" in out, tail(out))
    out = shell(g, "wallet transfer %s %d" % (RECIPIENT, FUND))
    check("a transfer beyond the balance is refused",
          "insufficient balance: %d" % (FUND - 251) in out, tail(out))
    check("and nothing was sent", c.balance(RECIPIENT) == 251)
    out = shell(g, "wallet channel %s 1000 100000" % RECIPIENT)
    check("a payment channel opened through Tor", "channel committed at height" in out,
          tail(out))
    out = shell(g, "wallet voucher 0 300")
    check("a voucher for the channel signed", re.search(r"cumulative 300: [0-9a-f]{128}",
                                                        out), tail(out))
    # Signed and sent like a transfer; the ledger refuses each here (no
    # such validator, proposal or pool), and the wallet says why.
    for cmd, what in (("stake %s 10" % RECIPIENT, "stake"), ("vote 0 yes 1", "vote"),
                      ("swap 0 0 10 1", "swap")):
        out = shell(g, "wallet " + cmd)
        check("wallet %s reaches the leader and reports its refusal" % what,
              ("the %s was refused: " % what) in out, tail(out))
    # The anti-test: two replica keys the cluster does not hold.
    out = shell(g, "wallet chain %s 1 %s %s %s" % (CHAIN, c.keys[0], "ab" * 32, "cd" * 32))
    out = shell(g, "wallet balance")
    check("a state without a quorum of the configured replicas is rejected",
          "rejected: the state at height" in out and "signed by 1 of the 3" in out,
          tail(out))
    out = shell(g, "wallet transfer %s 5" % RECIPIENT)
    check("and a transfer's state too: not confirmed", "rejected: the state at height"
          in out and "not confirmed" in out, tail(out))
    shell(g, "wallet chain %s 1 %s" % (CHAIN, " ".join(c.keys)))
    out = shell(g, "wallet node 127.0.0.1:%d" % (c.test + 9))
    out = shell(g, "wallet balance")
    check("a node nobody listens on: unreachable, said so",
          "unreachable through Tor" in out, tail(out))
    shell(g, "wallet node %s,%s,%s" % (c.client(1), c.client(2), c.client(3)))
    before = c.balance(RECIPIENT)
    lead = c.leader()
    c.stop(lead)
    new = c.leader()
    order = [i for i in (1, 2, 3) if i != new] + [new]
    shell(g, "wallet node %s" % ",".join(c.client(i) for i in order))
    t = time.monotonic()
    out = shell(g, "wallet transfer %s 7" % RECIPIENT)
    check("leader %s killed: the next transfer reaches the new leader %s" % (lead, new),
          "transfer committed" in out and c.balance(RECIPIENT) == before + 7,
          "%.1f s: %s" % (time.monotonic() - t, tail(out)))
    # oniond killed: the wallet says Tor is not usable, then recovers.
    mark = g.pos
    shell(g, "kill oniond")
    out = shell(g, "wallet balance")
    # A new session with the new oniond: not bootstrapped yet (or, were it
    # already, the balance); never a stale session's error.
    check("oniond killed: the wallet says Tor is not ready yet",
          "Tor is not usable yet (Tor not ready" in out or "signed by a quorum" in out,
          tail(out))
    ok = g.wait_for(r"oniond: bootstrapped 100%", 120, fail=False) or \
        re.search(r"oniond: bootstrapped 100%", g.out[mark:])
    out = shell(g, "wallet balance") if ok else ""
    if "balance" not in out:	# the first call after a restart may attach anew
        out = shell(g, "wallet balance")
    check("oniond back: the wallet works again", "signed by a quorum" in out, tail(out))
    out = shell(g, "ls wallet")
    check("the key and settings are files in wallet/ (so in the vault)",
          all(f in out for f in ("key", "nodes", "chain")), tail(out))


def run(ns):
    """Everything in the namespace; the checks go into results."""
    c = None
    try:
        t = time.monotonic()
        ports = ns.tornet(NET, BASE)
        check("private Tor network in the namespace", True,
              "%.1f s" % (time.monotonic() - t))
        if not check("image and ledger tools build", build()):
            return
        c = Cluster(ns, ports["test"])
        for i in (1, 2, 3):
            c.start(i)
        if not check("3-node ledger cluster on the namespace's loopback",
                     c.leader() is not None):
            return
        g = harness.Guest(IMAGE, "onion-wallet", cmdline="initarg=0", extra=[
            "-netdev", "user,id=n0,ipv6=off",
            "-device", "virtio-net-pci,netdev=n0,romfile="], wrap=ns.command([]))
        try:
            session(g, c)
        finally:
            try:
                g.proc.stdin.write(b"shutdown\r")
                g.proc.stdin.flush()
                g.wait_exit(60)
            except Exception:
                g.kill()
    except Exception as e:	# a crash of the test is a failure
        check("the test ran to its end", False, repr(e))
    finally:
        if c is not None:
            c.stop_all()
        tornet.stop(NET)
        if not all(results) and os.path.isdir(LED):
            for name in sorted(os.listdir(LED)):
                if name.startswith("node"):
                    print("--- %s (last lines)" % name)
                    print("".join(open(os.path.join(LED, name)).readlines()[-6:]))


def main():
    start = time.monotonic()
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    with netns.Netns() as ns:
        run(ns)
    failed = results.count(False)
    print("test_wallet: %.0f s" % (time.monotonic() - start))
    print("test_wallet: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
