/*
 * Loader console: formatted ASCII text on the firmware's text output,
 * which OVMF also copies to the serial port.
 */
#include <stdarg.h>

#include "boot/loader.h"
#include "lib/fmt/fmt.h"

struct line {
	char16 buf[128];
	int len;
};

static void
flush(struct line *l)
{
	l->buf[l->len] = 0;
	st->con_out->output_string(st->con_out, l->buf);
	l->len = 0;
}

static void
put(void *ctx, char c)
{
	struct line *l = ctx;

	if (l->len >= (int)(sizeof(l->buf) / sizeof(l->buf[0])) - 3)
		flush(l);
	if (c == '\n')
		l->buf[l->len++] = '\r';
	l->buf[l->len++] = (char16)(unsigned char)c;
}

static void
con_vprintf(const char *fmt, va_list ap)
{
	struct line l = { .len = 0 };

	fmt_vformat(put, &l, fmt, ap);
	flush(&l);
}

void
con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
}

const char *
efi_strerror(efi_status s)
{
	switch (s) {
	case EFI_SUCCESS: return "success";
	case EFI_LOAD_ERROR: return "load error";
	case EFI_INVALID_PARAMETER: return "invalid parameter";
	case EFI_UNSUPPORTED: return "unsupported";
	case EFI_BAD_BUFFER_SIZE: return "file too large";
	case EFI_WRITE_PROTECTED: return "write protected";
	case EFI_BUFFER_TOO_SMALL: return "buffer too small";
	case EFI_DEVICE_ERROR: return "device error";
	case EFI_OUT_OF_RESOURCES: return "out of memory";
	case EFI_VOLUME_CORRUPTED: return "volume corrupted";
	case EFI_NOT_FOUND: return "not found";
	case EFI_ACCESS_DENIED: return "access denied";
	case EFI_SECURITY_VIOLATION: return "security violation";
	default: return "firmware error";
	}
}

efi_status
fail(efi_status s, const char *fmt, ...)
{
	va_list ap;

	con_printf("nonos-loader: error: ");
	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
	con_printf("\nnonos-loader: boot stopped; the kernel was not started.\n");
	/* Leave the message on screen before the firmware moves on. */
	bs->stall(5 * 1000 * 1000);
	return s;
}
