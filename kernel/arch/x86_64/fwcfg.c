/*
 * Kernel options from QEMU's firmware configuration device: the harness
 * passes `-fw_cfg name=opt/nonos/cmdline,string=...`. On real hardware
 * the device is absent (its signature does not match) and no option is
 * set. Options are words separated by spaces, e.g. "qemu-exit crash-pf".
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/kernel.h"
#include "lib/libc/string.h"

#define FWCFG_SELECT	0x510
#define FWCFG_DATA	0x511
#define FWCFG_SIGNATURE	0x0000
#define FWCFG_FILE_DIR	0x0019
#define CMDLINE_MAX	256

static char cmdline[CMDLINE_MAX];

static void
fwcfg_read(void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n--)
		*p++ = inb(FWCFG_DATA);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int
fwcfg_present(void)
{
	uint8_t sig[4];
	uint32_t r[4];

	/* Port 0x510 is only probed under a hypervisor. */
	cpuid(1, 0, r);
	if (!(r[2] & (1u << 31)))
		return 0;
	outw(FWCFG_SELECT, FWCFG_SIGNATURE);
	fwcfg_read(sig, 4);
	return memcmp(sig, "QEMU", 4) == 0;
}

void
cmdline_init(void)
{
	uint8_t cnt[4], ent[64];
	uint32_t n;

	if (!fwcfg_present())
		return;
	outw(FWCFG_SELECT, FWCFG_FILE_DIR);
	fwcfg_read(cnt, 4);
	n = be32(cnt);
	for (uint32_t i = 0; i < n && i < 4096; i++) {
		uint32_t size;
		uint16_t key;

		fwcfg_read(ent, sizeof(ent));
		ent[63] = 0;
		if (strcmp((char *)ent + 8, "opt/nonos/cmdline") != 0)
			continue;
		size = be32(ent);
		key = (uint16_t)(ent[4] << 8 | ent[5]);
		if (size >= CMDLINE_MAX)
			size = CMDLINE_MAX - 1;
		outw(FWCFG_SELECT, key);
		fwcfg_read(cmdline, size);
		cmdline[size] = 0;
		return;
	}
}

/* 1 when word appears as a whole option. */
int
cmdline_has(const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = cmdline; *p; ) {
		size_t n = 0;

		while (p[n] && p[n] != ' ')
			n++;
		if (n == wl && strncmp(p, word, wl) == 0)
			return 1;
		p += n;
		while (*p == ' ')
			p++;
	}
	return 0;
}

int
cmdline_value(const char *key, char *buf, size_t size)
{
	size_t kl = strlen(key);

	for (const char *p = cmdline; *p; ) {
		size_t n = 0;

		while (p[n] && p[n] != ' ')
			n++;
		if (n > kl && p[kl] == '=' && strncmp(p, key, kl) == 0) {
			size_t vl = n - kl - 1;

			if (vl >= size)
				vl = size - 1;
			memcpy(buf, p + kl + 1, vl);
			buf[vl] = 0;
			return 1;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return 0;
}
