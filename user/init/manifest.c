/*
 * The service manifest compiled into init: one line per service with its
 * memory quota, how often it may be restarted, and every capability it
 * gets (slot=kind). Only what is listed is given; docs/userspace.md
 * describes the kinds. Endpoint kinds name the services it may talk to.
 */
#include "user/init/init.h"

const char manifest[] =
    "# name   KiB   restarts  capabilities\n"
    "ramfs    2560  5         5=console 16=serve:ramfs\n"
    "shell    1536  5         5=console 16=fs:ramfs 17=control 18=ioport:0x3f8:8 19=irq:4\n";
