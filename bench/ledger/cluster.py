#!/usr/bin/env python3
"""bench/ledger's cluster half: committed transfers per second and commit
latency (median, p99) of a 3-node nonos-ledgerd cluster on loopback,
against a 3-member etcd cluster (Debian's etcd-server) doing puts of the
same size (a transfer is 173 bytes) with the same concurrency, in the
same run, alternately (two rounds each, the best of each kept, so load
elsewhere on the machine falls on both). Prints the figures and the
ratios, never pass/fail on time. BENCH_SMOKE=1: one small round.
"""
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
B = os.path.join(ROOT, "build")
LEDGER = os.path.join(B, "tools", "nonos-ledger")
LEDGERD = os.path.join(B, "tools", "nonos-ledgerd")
ETCD_PUT = os.path.join(B, "bench", "etcd-put")
SMOKE = os.environ.get("BENCH_SMOKE") == "1"
COUNT = 1000 if SMOKE else 10000
ROUNDS = 1 if SMOKE else 2
THREADS = 32
TX_SIZE = 173
FIGURES = re.compile(r"(\d+) acknowledged.* ([\d.]+) tx/s; commit latency median "
                     r"([\d.]+) ms p99 ([\d.]+) ms")


def free_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def run(*args):
    return subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, check=True).stdout


def stop(procs):
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def ledger_round(tmp):
    d = tempfile.mkdtemp(dir=tmp)
    p = lambda name: os.path.join(d, name)
    payers = run(LEDGER, "loadkeys", "--seed", "1", "-n", str(THREADS)).split()
    alloc = []
    for k in payers:
        alloc += ["--alloc", k + "=1000000000000000000000"]
    run(LEDGER, "genesis", "-o", p("gen"), "--chain", "bench", "--set", "max-txs=1000",
        *alloc)
    # Raft on an even port, clients on the next one.
    while True:
        base = random.randrange(20000, 60000, 2)
        try:
            for q in range(base, base + 6):
                s = socket.socket()
                s.bind(("127.0.0.1", q))
                s.close()
            break
        except OSError:
            s.close()
    with open(p("replicas"), "w") as f:
        for i in range(3):
            run(LEDGER, "keygen", "-o", p("r%d" % i))
            f.write(p("r%d.pub" % i) + "\n")
    boot = ",".join("%d=127.0.0.1:%d" % (i + 1, base + 2 * i) for i in range(3))
    procs = []
    for i in range(3):
        log = open(p("node%d.log" % i), "w")
        procs.append(subprocess.Popen(
            [LEDGERD, "run", "-d", p("n%d" % i), "-g", p("gen"), "-K", p("r%d.key" % i),
             "-r", p("replicas"), "--id", str(i + 1), "--listen",
             "127.0.0.1:%d" % (base + 2 * i), "--bootstrap", boot], stdout=log, stderr=log))
    try:
        clients = ",".join("127.0.0.1:%d" % (base + 2 * i + 1) for i in range(3))
        end = time.monotonic() + 30
        while time.monotonic() < end:
            r = subprocess.run([LEDGER, "--node", "127.0.0.1:%d" % (base + 1), "status"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            if r.returncode == 0 and "leader 127" in r.stdout:
                break
            time.sleep(0.2)
        out = subprocess.run([LEDGER, "--node", clients, "load", "-g", p("gen"), "--seed", "1",
                              "--payers", str(THREADS), "--count", str(COUNT)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    finally:
        stop(procs)
    return out.strip()


def etcd_round(tmp):
    d = tempfile.mkdtemp(dir=tmp)
    ports = free_ports(6)
    peers = ",".join("e%d=http://127.0.0.1:%d" % (i, ports[2 * i + 1]) for i in range(3))
    procs = []
    for i in range(3):
        c, pp = ports[2 * i], ports[2 * i + 1]
        log = open(os.path.join(d, "etcd%d.log" % i), "w")
        procs.append(subprocess.Popen(
            ["etcd", "--name", "e%d" % i, "--data-dir", os.path.join(d, "e%d" % i),
             "--listen-client-urls", "http://127.0.0.1:%d" % c,
             "--advertise-client-urls", "http://127.0.0.1:%d" % c,
             "--listen-peer-urls", "http://127.0.0.1:%d" % pp,
             "--initial-advertise-peer-urls", "http://127.0.0.1:%d" % pp,
             "--initial-cluster", peers, "--initial-cluster-state", "new",
             "--initial-cluster-token", "bench-%d" % os.getpid()],
            stdout=log, stderr=log))
    try:
        end = time.monotonic() + 60
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/health" % ports[0],
                                            timeout=2) as r:
                    if b'"true"' in r.read():
                        break
            except OSError:
                pass
            time.sleep(0.3)
        eps = ",".join("127.0.0.1:%d" % ports[2 * i] for i in range(3))
        out = subprocess.run([ETCD_PUT, eps, str(COUNT), str(THREADS), str(TX_SIZE)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True).stdout
    finally:
        stop(procs)
    return out.strip()


def figures(line):
    m = FIGURES.search(line)
    if not m:
        return None
    return {"n": int(m.group(1)), "rate": float(m.group(2)), "median": float(m.group(3)),
            "p99": float(m.group(4))}


def main():
    r = subprocess.run(["make", "-s", "-C", ROOT, "build/tools/nonos-ledger",
                        "build/tools/nonos-ledgerd", "build/bench/etcd-put"])
    if r.returncode != 0 or shutil.which("etcd") is None:
        print("cluster bench: cannot build, or no etcd (scripts/setup installs etcd-server)")
        return 1
    best = {"ledger": None, "etcd": None}
    with tempfile.TemporaryDirectory() as tmp:
        for rnd in range(ROUNDS):
            for name, fn in (("ledger", ledger_round), ("etcd", etcd_round)):
                line = fn(tmp)
                print("round %d %s: %s" % (rnd + 1, name, line.splitlines()[-1] if line else "-"))
                f = figures(line)
                if f is None or f["n"] != COUNT:
                    print(line[-2000:])
                    return 1
                if best[name] is None or f["rate"] > best[name]["rate"]:
                    best[name] = f
    l, e = best["ledger"], best["etcd"]
    print("3-node cluster, %d commits of %d bytes, %d in flight, best of %d:" % (
        COUNT, TX_SIZE, THREADS, ROUNDS))
    print("  nonos-ledgerd  %8.0f tx/s  median %7.2f ms  p99 %7.2f ms" % (
        l["rate"], l["median"], l["p99"]))
    print("  etcd           %8.0f tx/s  median %7.2f ms  p99 %7.2f ms" % (
        e["rate"], e["median"], e["p99"]))
    print("ratios (nonos-ledgerd / etcd): throughput %.2f, median latency %.2f, "
          "p99 latency %.2f" % (l["rate"] / e["rate"], l["median"] / e["median"],
                                l["p99"] / e["p99"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
