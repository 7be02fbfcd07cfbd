/*
 * The service manifest compiled into init: one line per service with its
 * memory quota (KiB, or a share of the memory free when it starts: the
 * RAM file system takes half, like tmpfs), how often it may be
 * restarted, and every capability it gets (slot=kind). Only what is
 * listed is given; docs/userspace.md describes the kinds. Endpoint kinds
 * name the services it may talk to.
 */
#include "user/init/init.h"

const char manifest[] =
    "# name   KiB   restarts  capabilities\n"
    "ramfs    50%   5         5=console 16=serve:ramfs\n"
    "consoled 256   5         5=console:term 16=serve:consoled 17=ioport:0x3f8:8 18=irq:4"
    " 19=ioport:0x60:1 20=ioport:0x64:1 21=irq:1\n"
    "shell    1536  5         5=console:read 16=fs:ramfs 17=control 18=client:consoled\n"
    "conprobe 256   5         5=console 16=client:consoled\n";
