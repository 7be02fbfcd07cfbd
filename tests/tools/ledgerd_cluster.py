#!/usr/bin/env python3
"""nonos-ledgerd clusters on loopback (docs/ledger.md, "The replicated ledger").

- 3 and 5 nodes: 10 000 transfers while the leader is killed (SIGKILL)
  twice and restarted; every acknowledged transfer is in the chain exactly
  once, no (payer, nonce) twice, the recipient's balance is what the chain
  holds (an unacknowledged transfer is never assumed either way), and all
  replicas end with the same height and state hash, which a replay of a
  replica's blocks reproduces.
- A partitioned minority cannot commit: the two followers of 3 stopped
  (SIGSTOP), the leader alone commits nothing; resumed, the cluster goes on.
- A node stopped while the others commit past two snapshots comes back
  from a snapshot and catches up; a fifth node added (membership change)
  catches up too, and is removed again.
- A corrupted entry in a closed Raft log segment is detected: the node
  refuses to start.
- A client rejects a state signed by fewer than a quorum of replicas (a
  lone node holding one replica key); that node's signature and the
  honest one for the same height, sent to an honest node, become
  double-signing evidence in the evidence transaction's format.

Prints PASS/FAIL per check and `N passed, M failed`.
"""
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
B = os.path.join(ROOT, os.environ.get("B", "build"))
LEDGER = os.path.join(B, "tools", "nonos-ledger")
LEDGERD = os.path.join(B, "tools", "nonos-ledgerd")
PAYERS = 32
TRANSFERS = int(os.environ.get("LEDGERD_TRANSFERS", "10000"))
TX_LEN = 173            # a transfer: type, payer, nonce, fee, k i a, signature
HEADER_LEN = 76

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, (": " + detail) if detail else ""),
          flush=True)
    return ok


def run(*args, **kw):
    return subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, **kw)


def free_base():
    """A base port with base..base+99 free on loopback, all below Linux's
    ephemeral range (32768-60999): a node started later (the rogue node 9)
    must find its port still free, and an outgoing connection's source
    port taken meanwhile made it fail to start ("I/O error")."""
    for _ in range(50):
        base = random.randrange(20000, 32700, 100)
        ok = True
        for p in range(base, base + 100, 10):
            for q in (p, p + 1):
                s = socket.socket()
                try:
                    s.bind(("127.0.0.1", q))
                except OSError:
                    ok = False
                finally:
                    s.close()
        if ok:
            return base
    raise RuntimeError("no free ports")


class Cluster:
    def __init__(self, tmp, n, snapshot_every=1024):
        self.tmp, self.n, self.snap = tmp, n, snapshot_every
        self.base = free_base()
        self.procs = {}
        for i in range(1, 6):
            if not os.path.exists(self.p("r%d.key" % i)):
                run(LEDGER, "keygen", "-o", self.p("r%d" % i), check=True)
        if not os.path.exists(self.p("admin.key")):
            run(LEDGER, "keygen", "-o", self.p("admin"), check=True)
            run(LEDGER, "keygen", "-o", self.p("solo"), check=True)
        payers = run(LEDGER, "loadkeys", "--seed", "7", "-n", str(PAYERS),
                     check=True).stdout.split()
        alloc = []
        for k in payers + [self.p("solo.pub")]:
            alloc += ["--alloc", k + "=1000000000000000000000"]
        run(LEDGER, "genesis", "-o", self.p("gen"), "--chain", "cluster-test",
            "--set", "max-txs=1000", *alloc, check=True)
        with open(self.p("replicas"), "w") as f:
            for i in range(1, n + 1):
                f.write(self.p("r%d.pub" % i) + "\n")
        self.boot = ",".join("%d=%s" % (i, self.raft(i)) for i in range(1, n + 1))

    def p(self, name):
        return os.path.join(self.tmp, name)

    def raft(self, i):
        return "127.0.0.1:%d" % (self.base + 10 * i)

    def client(self, i):
        return "127.0.0.1:%d" % (self.base + 10 * i + 1)

    def start(self, i, bootstrap=True, key=None):
        log = open(self.p("node%d.log" % i), "a")
        args = [LEDGERD, "run", "-d", self.p("n%d" % i), "-g", self.p("gen"),
                "-K", key or self.p("r%d.key" % i), "-r", self.p("replicas"),
                "--id", str(i), "--listen", self.raft(i), "--admin", self.p("admin.pub"),
                "--election-ms", "500", "--snapshot-every", str(self.snap)]
        if bootstrap:
            args += ["--bootstrap", self.boot]
        env = dict(os.environ)
        if os.environ.get("LEDGERD_TRACE"):
            env["LIBRAFT_TRACE"] = "1"
        self.procs[i] = subprocess.Popen(args, stdout=log, stderr=log, env=env)
        log.close()

    def stop(self, i, sig=signal.SIGKILL):
        p = self.procs.pop(i, None)
        if p is not None:
            if sig == signal.SIGTERM:
                p.send_signal(signal.SIGCONT)
            p.send_signal(sig)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def stop_all(self):
        for i in list(self.procs):
            self.stop(i)

    def status(self, i):
        r = run(LEDGER, "--node", self.client(i), "status", timeout=15)
        f = r.stdout.split()
        if r.returncode != 0 or len(f) < 8:
            return None
        return {"role": f[2], "height": int(f[4]), "state": f[6], "leader": f[8]}

    def leader(self, timeout=30, among=None):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for i in among or list(self.procs):
                s = self.status(i)
                if s and s["role"] == "leader":
                    return i
            time.sleep(0.2)
        return None

    def converged(self, nodes, timeout=60):
        """Waits until the nodes agree on height and state hash."""
        end = time.monotonic() + timeout
        last = None
        while time.monotonic() < end:
            st = [self.status(i) for i in nodes]
            if all(st) and len({(s["height"], s["state"]) for s in st}) == 1:
                return st[0]
            last = st
            time.sleep(0.3)
        print("not converged:", last)
        return None

    def load(self, count, seed_out, nodes):
        addrs = ",".join(self.client(i) for i in nodes)
        return subprocess.Popen([LEDGER, "--node", addrs, "load", "-g", self.p("gen"),
                                 "--seed", "7", "--payers", str(PAYERS), "--count", str(count),
                                 "--out", seed_out], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)


def chain_txs(chain):
    """(payer hex, nonce, amount) of every transfer in chain/blocks, in order."""
    txs, h = [], 1
    while True:
        path = os.path.join(chain, "blocks", "%08d" % h)
        if not os.path.exists(path):
            return txs, h - 1
        data = open(path, "rb").read()
        ntx = struct.unpack_from("<I", data, 72)[0]
        if len(data) != HEADER_LEN + ntx * TX_LEN:
            raise RuntimeError("block %d: not all transfers" % h)
        for k in range(ntx):
            t = data[HEADER_LEN + k * TX_LEN:HEADER_LEN + (k + 1) * TX_LEN]
            payer, nonce = t[1:33].hex(), struct.unpack_from("<Q", t, 33)[0]
            lo, hi = struct.unpack_from("<QQ", t, 1 + 32 + 8 + 16 + 32 + 4)
            txs.append((payer, nonce, lo + (hi << 64)))
        h += 1


def failover(tmp, n):
    """10 000 transfers while the leader is killed twice (restarted each time)."""
    c = Cluster(tmp, n)
    try:
        for i in range(1, n + 1):
            c.start(i)
        first = c.leader()
        if not check("%d nodes: a leader is elected" % n, first):
            return
        acked_path = c.p("acked")
        start = time.monotonic()
        load = c.load(TRANSFERS, acked_path, range(1, n + 1))
        killed = []
        for k in range(2):
            # Let some blocks commit, then kill whoever leads.
            time.sleep(1.5)
            lead = c.leader(among=list(c.procs))
            if lead is None:
                break
            c.stop(lead, signal.SIGKILL)
            killed.append(lead)
            new = c.leader(among=list(c.procs))
            c.start(lead)       # back from its own log and snapshots
            check("%d nodes: leader %d killed, node %s leads" % (n, lead, new),
                  new is not None and new != lead)
        out, _ = load.communicate(timeout=600)
        secs = time.monotonic() - start
        print(out.strip())
        check("%d nodes: all %d transfers acknowledged (%.1f s)" % (n, TRANSFERS, secs),
              load.returncode == 0, out.strip()[-200:])
        st = c.converged(range(1, n + 1))
        check("%d nodes: every replica at the same height and state hash" % n, st,
              st and "height %d state %s..." % (st["height"], st["state"][:16]))
        if not st:
            return
        acked = []
        for line in open(acked_path):
            payer, nonce, amount, height = line.split()
            acked.append((payer, int(nonce), int(amount)))
        # A replica never killed holds every block file.
        whole = next(i for i in range(1, n + 1) if i not in killed)
        txs, height = chain_txs(c.p("n%d/chain" % whole))
        seen = {}
        for t in txs:
            seen[t] = seen.get(t, 0) + 1
        once = all(seen.get(a) == 1 for a in acked)
        ids = [(p, nn) for p, nn, _ in txs]
        check("%d nodes: every acknowledged transfer in the chain exactly once" % n,
              once and len(acked) == TRANSFERS,
              "%d acknowledged, %d in %d blocks" % (len(acked), len(txs), height))
        check("%d nodes: no (payer, nonce) twice in the chain" % n, len(set(ids)) == len(ids))
        r = run(LEDGER, "--node", c.client(whole), "account", "01" * 32)
        bal = int(r.stdout.split()[-1]) if r.returncode == 0 else -1
        check("%d nodes: the recipient holds exactly the chain's transfers" % n,
              bal == sum(a for _, _, a in txs), "%d vs %d" % (bal, sum(a for _, _, a in txs)))
        r = run(LEDGER, "replay", "-d", c.p("n%d/chain" % whole))
        last = r.stdout.split("\n")[-2].split() if r.returncode == 0 else ["", ""]
        check("%d nodes: replaying a replica's blocks gives the agreed state" % n,
              last == [str(st["height"]), st["state"]], " ".join(last))
        if n == 3:
            partition(c)
            quorum(c)
    finally:
        c.stop_all()


def partition(c):
    """The leader alone (its two followers stopped) commits nothing."""
    lead = c.leader()
    others = [i for i in c.procs if i != lead]
    before = c.status(lead)
    run(LEDGER, "tx", "-g", c.p("gen"), "-K", c.p("solo.key"), "-o", c.p("t-part"),
        "--nonce", "0", "transfer", "--k", "02" * 32, "--a", "5", check=True)
    for i in others:
        c.procs[i].send_signal(signal.SIGSTOP)
    try:
        r = run(LEDGER, "--node", c.client(lead), "submit", c.p("t-part"), timeout=4)
        committed = "committed" in r.stdout
    except subprocess.TimeoutExpired:
        committed = False
    time.sleep(1)
    after = c.status(lead)
    check("partition: a leader cut off from the majority commits nothing",
          not committed and after and after["height"] == before["height"],
          "height %s -> %s" % (before and before["height"], after and after["height"]))
    for i in others:
        c.procs[i].send_signal(signal.SIGCONT)
    # The majority elects (or keeps) a leader and the transfer can commit.
    ok = False
    end = time.monotonic() + 30
    while not ok and time.monotonic() < end:
        r = run(LEDGER, "--node", c.client(c.leader() or 1), "submit", c.p("t-part"),
                timeout=20)
        ok = "committed" in r.stdout
    check("partition: healed, the majority commits again", ok, r.stdout.strip())
    check("partition: healed, the replicas agree", c.converged(list(c.procs)))


def quorum(c):
    """A lone node with one replica's key: its state is refused."""
    st = c.converged(list(c.procs))
    r = run(LEDGER, "--node", c.client(1), "block", "-g", c.p("gen"), "-r", c.p("replicas"),
            "1")
    check("quorum: an honest block is accepted with a quorum of signatures",
          r.returncode == 0, r.stdout.strip())
    # Node 9, alone, with replica 1's key and its own chain.
    rogue = Cluster.__new__(Cluster)
    rogue.__dict__.update(c.__dict__)
    rogue.procs = {}
    rogue.boot = "9=%s" % rogue.raft(9)
    rogue.start(9, key=c.p("r1.key"))
    try:
        rogue.leader(among=[9])
        run(LEDGER, "tx", "-g", c.p("gen"), "-K", c.p("solo.key"), "-o", c.p("t-rogue"),
            "--nonce", "0", "transfer", "--k", "03" * 32, "--a", "7", check=True)
        run(LEDGER, "--node", rogue.client(9), "submit", c.p("t-rogue"), timeout=20)
        r = run(LEDGER, "--node", rogue.client(9), "block", "-g", c.p("gen"), "-r",
                c.p("replicas"), "1")
        check("quorum: a state signed by 1 of 3 replicas is rejected", r.returncode == 3,
              r.stdout.strip())
        # Replica 1 signed two states for height 1: hand both to node 2.
        sig = fetch_sig(rogue.client(9), 1, c)
        before = set(os.listdir(c.p("n2")))
        reply = send_frame(c.client(2), 5, sig)
        time.sleep(0.5)
        new = [f for f in set(os.listdir(c.p("n2"))) - before if f.startswith("evidence-")]
        ok = bool(new)
        if ok:
            args = open(c.p("n2/" + new[0])).read().split()
            r = run(LEDGER, "tx", "-g", c.p("gen"), "-K", c.p("solo.key"), "-o",
                    c.p("t-evidence"), "--nonce", "1", *args)
            ok = r.returncode == 0
        check("quorum: two hashes signed for one height become evidence", ok and reply,
              "%s %s" % (new, r.stdout.strip()[:120]))
    finally:
        rogue.stop_all()


def frame(t, body):
    return struct.pack("<IB", 1 + len(body), t) + body


def send_frame(addr, t, body):
    host, port = addr.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(frame(t, body))
        head = s.recv(5)
        return len(head) == 5 and head[4] == 0x86


def fetch_sig(addr, height, c):
    """Replica 1's P_SIGN body for height from the node at addr."""
    host, port = addr.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(frame(3, struct.pack("<Q", height)))
        data = b""
        while len(data) < 4 or len(data) < 4 + struct.unpack_from("<I", data)[0]:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    off = 5 + 8
    state = data[off:off + 32]
    blen = struct.unpack_from("<I", data, off + 32)[0]
    off += 32 + 4 + blen + 1
    key, sig = data[off:off + 32], data[off + 32:off + 96]
    return key + struct.pack("<Q", height) + state + sig


def snapshot_and_members(tmp):
    """A stopped node returns from a snapshot; a node joins and leaves."""
    c = Cluster(tmp, 3, snapshot_every=64)
    try:
        for i in (1, 2, 3):
            c.start(i)
        c.leader()
        c.stop(3, signal.SIGTERM)
        c.leader(among=[1, 2])
        load = c.load(3000, c.p("acked-snap"), [1, 2])
        out, _ = load.communicate(timeout=300)
        check("snapshot: 3000 transfers commit with one node down", load.returncode == 0,
              out.strip())
        c.start(3, bootstrap=False)
        st = c.converged([1, 2, 3])
        log = open(c.p("node3.log")).read()
        check("snapshot: the stopped node catches up from a snapshot",
              st and "restored a snapshot" in log, st and "height %d" % st["height"])
        # Membership: node 4 joins (no bootstrap), catches up, then leaves.
        c.start(4, bootstrap=False)
        lead = c.leader(among=[1, 2, 3])
        r = run(LEDGER, "--node", c.client(lead), "member", "-g", c.p("gen"), "-K",
                c.p("admin.key"), "add", "4", c.raft(4), timeout=60)
        check("members: node 4 added", r.returncode == 0, r.stdout.strip())
        r = run(LEDGER, "--node", c.client(lead), "member", "-g", c.p("gen"), "-K",
                c.p("r1.key"), "add", "5", c.raft(5), timeout=60)
        check("members: a change not signed by the admin key is refused",
              r.returncode != 0, r.stdout.strip())
        load = c.load(200, c.p("acked-members"), [1, 2, 3])
        load.communicate(timeout=120)
        st = c.converged([1, 2, 3, 4])
        check("members: the new node reaches the same state", st,
              st and "height %d" % st["height"])
        r = run(LEDGER, "--node", c.client(c.leader(among=[1, 2, 3])), "member", "-g",
                c.p("gen"), "-K", c.p("admin.key"), "remove", "4", timeout=60)
        check("members: node 4 removed", r.returncode == 0, r.stdout.strip())
        c.stop(4, signal.SIGTERM)
        load = c.load(200, c.p("acked-after"), [1, 2, 3])
        out, _ = load.communicate(timeout=120)
        check("members: the three go on without it", load.returncode == 0 and
              c.converged([1, 2, 3]), out.strip())
        corrupt(c)
    finally:
        c.stop_all()


def corrupt(c):
    """A flipped byte in a closed log segment: the node refuses to start."""
    c.stop(2, signal.SIGTERM)
    d = c.p("n2")
    segs = sorted(f for f in os.listdir(d) if "-" in f and f[0].isdigit() and
                  not f.startswith("snapshot"))
    if not check("corrupt: the stopped node has closed log segments", segs, str(segs[:3])):
        return
    path = os.path.join(d, segs[-1])
    data = bytearray(open(path, "rb").read())
    data[len(data) // 2] ^= 0x40
    open(path, "wb").write(bytes(data))
    c.start(2, bootstrap=False)
    try:
        code = c.procs[2].wait(timeout=20)
        c.procs.pop(2)
    except subprocess.TimeoutExpired:
        code = None         # still running: stop_all ends it
    log = open(c.p("node2.log")).read().lower()
    check("corrupt: the node with a damaged log entry refuses to start",
          code not in (None, 0) and ("checksum" in log or "corrupt" in log),
          "exit %s; %s" % (code, log.strip().splitlines()[-1][:160] if log.strip() else ""))


def main():
    for tool in (LEDGER, LEDGERD):
        if not os.path.exists(tool):
            print("FAIL %s is not built (make %s)" % (tool, os.path.relpath(tool, ROOT)))
            print("0 passed, 1 failed")
            return 1
    start = time.monotonic()
    only = os.environ.get("LEDGERD_ONLY", "3 5 snapshot").split()
    for what, fn in (("3", lambda t: failover(t, 3)), ("5", lambda t: failover(t, 5)),
                     ("snapshot", snapshot_and_members)):
        if what in only:
            with tempfile.TemporaryDirectory() as t:
                try:
                    fn(t)
                except Exception as e:      # a crash of the test is a failure
                    check("scenario %s ran to its end" % what, False, repr(e))
                finally:
                    for name in sorted(os.listdir(t)):
                        if name.startswith("node") and not all(results):
                            print("--- %s (last lines)" % name)
                            print("".join(open(os.path.join(t, name)).readlines()[-8:]))
                    if os.environ.get("LEDGERD_KEEP"):
                        subprocess.run(["cp", "-a", t, t + ".kept"])
    passed = sum(results)
    print("ledgerd cluster tests: %.0f s" % (time.monotonic() - start))
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
