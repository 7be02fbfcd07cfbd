/* Framebuffer text console drawn with the built-in PSF font. */
#ifndef KERNEL_FBCON_H
#define KERNEL_FBCON_H

#include "lib/bootinfo/bootinfo.h"
#include "lib/term/parse.h"

/* Returns 0 when a usable framebuffer and font are present. */
int fbcon_init(const struct bootinfo_fb *fb);
/* Performs one terminal action (kernel/console.c parses the bytes). */
void fbcon_act(const struct vt_action *a);
/* Moves the view lines back (positive) or forward through the history. */
void fbcon_scroll(int lines);
/*
 * Forgets everything shown: the scrollback and screen model are zeroed
 * and the framebuffer cleared (at power off and reboot, after the RAM
 * wipe, which leaves the kernel image and the framebuffer alone).
 */
void fbcon_forget(void);

#endif
