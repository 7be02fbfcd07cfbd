/* Framebuffer text console drawn with the built-in PSF font. */
#ifndef KERNEL_FBCON_H
#define KERNEL_FBCON_H

#include "lib/bootinfo/bootinfo.h"

/* Returns 0 when a usable framebuffer and font are present. */
int fbcon_init(const struct bootinfo_fb *fb);
void fbcon_putc(char c);
void fbcon_clear(void);
/* Moves the view lines back (positive) or forward through the history. */
void fbcon_scroll(int lines);

#endif
