/*
 * The verified boot manifest, as the loader hands it over (boot-info v2,
 * docs/boot-manifest.md): capability ceilings for SYS_SPAWN and the
 * measured-boot log.
 */
#ifndef KERNEL_MANIFEST_H
#define KERNEL_MANIFEST_H

#include "lib/bootinfo/bootinfo.h"

/*
 * Parses the manifest the loader verified and sets every module's
 * capability ceiling (ceiling_set). Panics if the manifest is unusable or
 * does not describe the modules the loader passed: without it no ceiling
 * would hold. Call once, after the TSC is calibrated and before any
 * process starts.
 */
void manifest_load(const struct bootinfo *bi);

/* Prints the measured-boot log and the ceilings (monitor: bootlog). */
void manifest_print_bootlog(void);

#endif
