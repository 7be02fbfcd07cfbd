/*
 * Reading files from the EFI system partition the loader was started
 * from. Paths are ASCII with '/' separators; they are converted to the
 * firmware's UCS-2 with '\' separators here.
 */
#include "boot/loader.h"
#include "lib/libc/string.h"

#define PATH_MAX_CHARS	128

static struct efi_file *root;

efi_status
esp_open(efi_handle image)
{
	static const struct efi_guid li_guid = EFI_LOADED_IMAGE_GUID;
	static const struct efi_guid fs_guid = EFI_SIMPLE_FILE_SYSTEM_GUID;
	struct efi_loaded_image *li;
	struct efi_simple_file_system *fs;
	efi_status s;

	s = bs->handle_protocol(image, &li_guid, (void **)&li);
	if (s != EFI_SUCCESS)
		return s;
	s = bs->handle_protocol(li->device_handle, &fs_guid, (void **)&fs);
	if (s != EFI_SUCCESS)
		return s;
	return fs->open_volume(fs, &root);
}

static int
to_efi_path(const char *path, char16 *out)
{
	size_t i, n = strlen(path);

	if (n >= PATH_MAX_CHARS)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = path[i] == '/' ? '\\' : (char16)(unsigned char)path[i];
	out[i] = 0;
	return 0;
}

static efi_status
open_path(const char *path, struct efi_file **f)
{
	char16 wpath[PATH_MAX_CHARS];

	if (to_efi_path(path, wpath) < 0)
		return EFI_INVALID_PARAMETER;
	return root->open(root, f, wpath, EFI_FILE_MODE_READ, 0);
}

/* Reads the EFI_FILE_INFO of f into buf (at least 512 bytes). */
static efi_status
file_info(struct efi_file *f, struct efi_file_info *buf, uint64_t bufsize)
{
	static const struct efi_guid info_guid = EFI_FILE_INFO_GUID;

	return f->get_info(f, &info_guid, &bufsize, buf);
}

efi_status
esp_read(const char *path, uint64_t max, struct loaded_file *out)
{
	uint64_t infobuf[64];
	struct efi_file_info *info = (struct efi_file_info *)infobuf;
	struct efi_file *f;
	uint64_t size, done = 0;
	efi_status s;

	out->data = NULL;
	out->size = 0;
	if ((s = open_path(path, &f)) != EFI_SUCCESS)
		return s;
	s = file_info(f, info, sizeof(infobuf));
	if (s == EFI_SUCCESS && (info->attribute & EFI_FILE_DIRECTORY))
		s = EFI_INVALID_PARAMETER;
	if (s == EFI_SUCCESS && info->file_size > max) {
		out->size = info->file_size;	/* for the caller's message */
		s = EFI_BAD_BUFFER_SIZE;
	}
	if (s != EFI_SUCCESS) {
		f->close(f);
		return s;
	}
	size = info->file_size;
	out->data = (void *)alloc_pages((size + 4095) / 4096 + (size == 0));
	if (out->data == NULL) {
		f->close(f);
		return EFI_OUT_OF_RESOURCES;
	}
	/* Firmware may return less than asked; read until the end. */
	while (done < size) {
		uint64_t chunk = size - done;

		s = f->read(f, &chunk, (uint8_t *)out->data + done);
		if (s != EFI_SUCCESS || chunk == 0)
			break;
		done += chunk;
	}
	f->close(f);
	if (s == EFI_SUCCESS && done != size)
		s = EFI_DEVICE_ERROR;
	out->size = done;
	return s;
}

void
esp_free(struct loaded_file *f)
{
	if (f->data != NULL)
		bs->free_pages((uint64_t)f->data, (f->size + 4095) / 4096 + (f->size == 0));
	f->data = NULL;
	f->size = 0;
}

efi_status
esp_each_file(const char *dir, efi_status (*fn)(const char *name, void *ctx),
    void *ctx)
{
	uint64_t infobuf[128];
	struct efi_file_info *info = (struct efi_file_info *)infobuf;
	struct efi_file *d;
	efi_status s;

	if ((s = open_path(dir, &d)) != EFI_SUCCESS)
		return s;
	for (;;) {
		uint64_t size = sizeof(infobuf);
		char name[BOOTINFO_NAME_LEN];
		size_t i;

		s = d->read(d, &size, info);
		if (s != EFI_SUCCESS || size == 0)
			break;
		if (info->attribute & EFI_FILE_DIRECTORY)
			continue;
		for (i = 0; info->file_name[i] && i < sizeof(name) - 1; i++)
			name[i] = info->file_name[i] < 128 ? (char)info->file_name[i] : '?';
		name[i] = 0;
		if (info->file_name[i] != 0) {
			s = EFI_INVALID_PARAMETER;
			break;
		}
		if ((s = fn(name, ctx)) != EFI_SUCCESS)
			break;
	}
	d->close(d);
	return s;
}
