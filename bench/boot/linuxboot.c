/*
 * linuxboot: the Linux peer's stand-in for the NØNOS loader in the boot
 * benchmark. OVMF starts it from the same kind of ESP as BOOTX64.EFI; it
 * asks the firmware to load \vmlinuz from that partition, gives the
 * kernel's EFI stub its command line and starts it. The stub itself then
 * reads \initrd.img from the same partition (initrd= on the command line),
 * which works because LoadImage from a device path sets the new image's
 * DeviceHandle to the ESP.
 */
#include "boot/efi.h"

#define EFI_DEVICE_PATH_GUID \
	{ 0x09576e91, 0x6d3f, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }

/* Device path node header; nodes follow each other, unaligned. */
struct dp_node {
	uint8_t type;
	uint8_t subtype;
	uint8_t len[2];		/* little endian, header included */
};

#define DP_MEDIA	0x04
#define DP_MEDIA_FILE	0x04
#define DP_END		0x7f
#define DP_END_ALL	0xff

static const char16 kernel_path[] = L"\\vmlinuz";

/*
 * The benchmark times kernel entry by the kernel's first console line,
 * "Linux version ...". earlyprintk replays the log so far when it starts,
 * before loglevel=5 (the order here matters) cuts the console down to
 * warnings and worse, so the serial port is not what we measure. Seen:
 * the same time to "linux-ready" as with "quiet", within the noise.
 */
static const char16 cmdline[] =
    L"console=ttyS0 earlyprintk=serial,ttyS0 initrd=\\initrd.img loglevel=5";

static struct efi_system_table *st;

static void
say(const char16 *s)
{
	st->con_out->output_string(st->con_out, s);
}

static efi_status
fail(const char16 *what, efi_status s)
{
	say(L"linuxboot: error: ");
	say(what);
	say(L"\r\n");
	return s;
}

static void
copy(void *dst, const void *src, uint64_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
}

static uint64_t
node_len(const struct dp_node *n)
{
	return n->len[0] | (uint64_t)n->len[1] << 8;
}

static void
set_node(struct dp_node *n, uint8_t type, uint8_t subtype, uint64_t len)
{
	n->type = type;
	n->subtype = subtype;
	n->len[0] = len & 0xff;
	n->len[1] = len >> 8;
}

/*
 * Returns a new device path: dev (the ESP) followed by a file node for
 * path and the end node. NULL when out of memory or dev is malformed.
 */
static void *
file_path(struct efi_boot_services *bs, const struct dp_node *dev,
    const char16 *path, uint64_t pathbytes)
{
	const uint8_t *p = (const uint8_t *)dev;
	uint64_t devlen = 0, filelen = sizeof(struct dp_node) + pathbytes;
	uint8_t *buf;

	/* The ESP's path ends at its first end node; a sane one is short. */
	for (;;) {
		const struct dp_node *n = (const struct dp_node *)(p + devlen);

		if (n->type == DP_END && n->subtype == DP_END_ALL)
			break;
		if (node_len(n) < sizeof(*n) || devlen > 4096)
			return NULL;
		devlen += node_len(n);
	}
	if (bs->allocate_pool(EfiLoaderData, devlen + filelen + sizeof(struct dp_node),
	    (void **)&buf) != EFI_SUCCESS)
		return NULL;
	copy(buf, p, devlen);
	set_node((struct dp_node *)(buf + devlen), DP_MEDIA, DP_MEDIA_FILE, filelen);
	copy(buf + devlen + sizeof(struct dp_node), path, pathbytes);
	set_node((struct dp_node *)(buf + devlen + filelen), DP_END, DP_END_ALL,
	    sizeof(struct dp_node));
	return buf;
}

EFIAPI efi_status efi_main(efi_handle image, struct efi_system_table *systab);

EFIAPI efi_status
efi_main(efi_handle image, struct efi_system_table *systab)
{
	static const struct efi_guid li_guid = EFI_LOADED_IMAGE_GUID;
	static const struct efi_guid dp_guid = EFI_DEVICE_PATH_GUID;
	struct efi_boot_services *bs = systab->boot_services;
	struct efi_loaded_image *li, *kli;
	struct dp_node *dev;
	efi_handle kernel;
	void *path;
	efi_status s;

	st = systab;
	/* Same as the NØNOS loader: no watchdog, one line on entry. */
	bs->set_watchdog_timer(0, 0, 0, NULL);
	say(L"linuxboot: start\r\n");

	if ((s = bs->handle_protocol(image, &li_guid, (void **)&li)) != EFI_SUCCESS)
		return fail(L"no loaded-image protocol", s);
	if ((s = bs->handle_protocol(li->device_handle, &dp_guid, (void **)&dev)) != EFI_SUCCESS)
		return fail(L"boot device has no device path", s);
	if ((path = file_path(bs, dev, kernel_path, sizeof(kernel_path))) == NULL)
		return fail(L"cannot build the kernel's device path", EFI_OUT_OF_RESOURCES);

	if ((s = bs->load_image(0, image, path, NULL, 0, &kernel)) != EFI_SUCCESS)
		return fail(L"LoadImage \\vmlinuz failed", s);
	if ((s = bs->handle_protocol(kernel, &li_guid, (void **)&kli)) != EFI_SUCCESS)
		return fail(L"kernel has no loaded-image protocol", s);
	kli->load_options = (void *)cmdline;
	kli->load_options_size = sizeof(cmdline);

	say(L"linuxboot: starting \\vmlinuz\r\n");
	s = bs->start_image(kernel, NULL, NULL);
	/* Only reached if the stub gave up before ExitBootServices. */
	return fail(L"StartImage returned", s);
}
