/*
 * The service manifest compiled into init: one line per service with its
 * memory quota (KiB, or a share of the memory free when it starts: the
 * RAM file system takes half, like tmpfs), how often it may be
 * restarted, and every capability it gets (slot=kind). Only what is
 * listed is given; docs/userspace.md describes the kinds. Endpoint kinds
 * name the services it may talk to.
 *
 * No program gets netd's TCP capability (client:netd): oniond, the onion
 * service, holds netd's door (door:netd), which connects only to the
 * relays' ORPorts it names; a capability to oniond (client:oniond) is
 * the only network capability a program can hold. The shell gets
 * status:netd, which can ask how the network is but not open a
 * connection, and owner:oniond: fetch, resolve and tor as a client may,
 * and, as the user's agent, oniond's guard (it hands over tor/, where
 * the guard is kept, and alone may ask which relay it is). The wallet
 * (user/wallet) reaches the ledger's nodes only through oniond; the shell
 * reaches it through client:wallet and gives it a capability for one
 * directory, wallet/, where its key is kept. netd gets both NIC
 * drivers' endpoints (slots 18, 19) and uses the one whose device is there.
 * Likewise the boot disk is virtio-blk or NVMe (QEMU's 1b36:0010): init
 * starts the driver whose device is there, and a block client gets both
 * drivers' endpoints and uses the one that answers.
 *
 * Only persistd holds the block driver's client capability; the shell
 * reaches the disk only through persistd (client:persistd), which never
 * reaches the file system. persistd takes a quarter of what is free
 * after ramfs's half: Argon2id's memory (docs/storage.md).
 */
#include "user/init/init.h"

#define SERVICES \
    "# name   KiB   restarts  capabilities\n" \
    "ramfs    50%   5         5=console 16=serve:ramfs\n" \
    "consoled 256   5         5=console:term 16=serve:consoled 17=ioport:0x3f8:8 18=irq:4" \
    " 19=ioport:0x60:1 20=ioport:0x64:1 21=irq:1\n" \
    "virtionet 1536 3         5=console 16=serve:virtionet 17=pci:1af4:1041:1000\n" \
    "virtioblk 1024 3         5=console 16=serve:virtioblk 17=pci:1af4:1042:1001\n" \
    "nvme     1024  3         5=console 16=serve:nvme 17=pci:1b36:0010\n" \
    "persistd 25%   3         5=console 16=serve:persistd 17=client:virtioblk" \
    " 23=client:nvme 24=counter\n" \
    "e1000e   1536  3         5=console 16=serve:e1000e 17=pci:8086:10d3\n" \
    "netd     12288 5         5=console 16=serve:netd 18=client:virtionet" \
    " 19=client:e1000e\n" \
    "oniond   32768 5         5=console 16=serve:oniond 17=door:netd\n" \
    "wallet   4096  5         5=console 16=serve:wallet 18=client:oniond\n" \
    "shell    1536  5         5=console:read 16=fs:ramfs 17=control 18=client:consoled" \
    " 23=status:netd 24=client:persistd 28=owner:oniond 31=client:wallet\n"

const char manifest[] = SERVICES;

/* blktest (tests/qemu/test_blk.py, test_nvme.py) holds the only client
   capabilities to virtioblk and nvme, the persistence partition's drivers.
   tcptest (tests/qemu/test_net.py) holds netd's TCP capability, and its
   status capability to show that one cannot do the other's work, and a
   door to show that a door reaches no address it did not list. fstest
   (tests/qemu/test_fsgrant.py) holds fs:ramfs beside the shell: each
   holder has a grant, and so a buffer, of its own. */
const char manifest_test[] = SERVICES
    "tcptest  512   0         5=console 16=client:netd 17=status:netd 20=door:netd\n" \
    "blktest  512   0         5=console 16=client:virtioblk 20=client:nvme\n" \
    "fstest   512   0         5=console 16=fs:ramfs\n";

/* netbench (bench/net/run) holds netd's TCP capability. */
const char manifest_bench[] = SERVICES
    "netbench 512   0         5=console 16=client:netd\n";

/* conprobe (tests/qemu/test_userspace.py) is a second console client,
   which logs every line it reads: a test probe, never in the manifest a
   user boots, where a line typed for it would land in the kernel log. */
const char manifest_console[] = SERVICES
    "conprobe 256   5         5=console 16=client:consoled\n";

/* oniontest (tests/onion/test_guest.py) is a second program holding a
   capability to oniond, and nothing else. */
const char manifest_onion[] = SERVICES
    "oniontest 512  0         5=console 16=client:oniond\n";
