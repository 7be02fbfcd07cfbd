/*
 * The small part of the UEFI 2.x interface the NØNOS loader uses, written
 * from the UEFI specification. Table layouts must match the spec exactly;
 * entries we never call are kept as opaque pointers to hold their place.
 */
#ifndef BOOT_EFI_H
#define BOOT_EFI_H

#include <stddef.h>
#include <stdint.h>

#include "lib/rtc/efitime.h"	/* struct efi_time */

#define EFIAPI __attribute__((ms_abi))

typedef uint64_t efi_status;
typedef void *efi_handle;
typedef uint16_t char16;

#define EFI_ERR(n)		(0x8000000000000000ULL | (n))
#define EFI_SUCCESS		0
#define EFI_LOAD_ERROR		EFI_ERR(1)
#define EFI_INVALID_PARAMETER	EFI_ERR(2)
#define EFI_UNSUPPORTED		EFI_ERR(3)
#define EFI_BAD_BUFFER_SIZE	EFI_ERR(4)
#define EFI_BUFFER_TOO_SMALL	EFI_ERR(5)
#define EFI_NOT_READY		EFI_ERR(6)
#define EFI_DEVICE_ERROR	EFI_ERR(7)
#define EFI_OUT_OF_RESOURCES	EFI_ERR(9)
#define EFI_VOLUME_CORRUPTED	EFI_ERR(10)
#define EFI_WRITE_PROTECTED	EFI_ERR(8)
#define EFI_NOT_FOUND		EFI_ERR(14)
#define EFI_ACCESS_DENIED	EFI_ERR(15)
#define EFI_SECURITY_VIOLATION	EFI_ERR(26)

struct efi_guid {
	uint32_t a;
	uint16_t b;
	uint16_t c;
	uint8_t d[8];
};

struct efi_table_header {
	uint64_t signature;
	uint32_t revision;
	uint32_t header_size;
	uint32_t crc32;
	uint32_t reserved;
};

/* Simple text output protocol. */
struct efi_simple_text_output {
	efi_status (EFIAPI *reset)(struct efi_simple_text_output *, uint8_t);
	efi_status (EFIAPI *output_string)(struct efi_simple_text_output *, const char16 *);
	void *test_string;
	void *query_mode;
	void *set_mode;
	void *set_attribute;
	void *clear_screen;
	void *set_cursor_position;
	void *enable_cursor;
	void *mode;
};

/* Memory types (AllocatePages, memory map). */
enum efi_memory_type {
	EfiReservedMemoryType,
	EfiLoaderCode,
	EfiLoaderData,
	EfiBootServicesCode,
	EfiBootServicesData,
	EfiRuntimeServicesCode,
	EfiRuntimeServicesData,
	EfiConventionalMemory,
	EfiUnusableMemory,
	EfiACPIReclaimMemory,
	EfiACPIMemoryNVS,
	EfiMemoryMappedIO,
	EfiMemoryMappedIOPortSpace,
	EfiPalCode,
	EfiPersistentMemory,
	EfiMaxMemoryType
};

enum efi_allocate_type {
	AllocateAnyPages,
	AllocateMaxAddress,
	AllocateAddress,
};

#define EFI_MEMORY_RUNTIME	0x8000000000000000ULL	/* descriptor attribute */

struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t number_of_pages;
	uint64_t attribute;
};

struct efi_boot_services {
	struct efi_table_header hdr;
	void *raise_tpl;
	void *restore_tpl;
	efi_status (EFIAPI *allocate_pages)(int type, int memtype, uint64_t pages, uint64_t *addr);
	efi_status (EFIAPI *free_pages)(uint64_t addr, uint64_t pages);
	efi_status (EFIAPI *get_memory_map)(uint64_t *size, struct efi_memory_descriptor *map,
	    uint64_t *key, uint64_t *desc_size, uint32_t *desc_version);
	efi_status (EFIAPI *allocate_pool)(int memtype, uint64_t size, void **buf);
	efi_status (EFIAPI *free_pool)(void *buf);
	void *create_event;
	void *set_timer;
	void *wait_for_event;
	void *signal_event;
	void *close_event;
	void *check_event;
	void *install_protocol_interface;
	void *reinstall_protocol_interface;
	void *uninstall_protocol_interface;
	efi_status (EFIAPI *handle_protocol)(efi_handle, const struct efi_guid *, void **);
	void *reserved;
	void *register_protocol_notify;
	void *locate_handle;
	void *locate_device_path;
	void *install_configuration_table;
	efi_status (EFIAPI *load_image)(uint8_t boot_policy, efi_handle parent, void *path,
	    void *source, uint64_t size, efi_handle *image);
	efi_status (EFIAPI *start_image)(efi_handle image, uint64_t *exit_size, char16 **exit_data);
	void *exit;
	void *unload_image;
	efi_status (EFIAPI *exit_boot_services)(efi_handle, uint64_t key);
	void *get_next_monotonic_count;
	efi_status (EFIAPI *stall)(uint64_t microseconds);
	efi_status (EFIAPI *set_watchdog_timer)(uint64_t timeout, uint64_t code,
	    uint64_t data_size, char16 *data);
	void *connect_controller;
	void *disconnect_controller;
	void *open_protocol;
	void *close_protocol;
	void *open_protocol_information;
	void *protocols_per_handle;
	void *locate_handle_buffer;
	efi_status (EFIAPI *locate_protocol)(const struct efi_guid *, void *registration, void **);
	void *install_multiple_protocol_interfaces;
	void *uninstall_multiple_protocol_interfaces;
	void *calculate_crc32;
	void *copy_mem;
	void *set_mem;
	void *create_event_ex;
};

/* Variable attributes. */
#define EFI_VARIABLE_NON_VOLATILE		0x1
#define EFI_VARIABLE_BOOTSERVICE_ACCESS		0x2
#define EFI_VARIABLE_RUNTIME_ACCESS		0x4

struct efi_runtime_services {
	struct efi_table_header hdr;
	efi_status (EFIAPI *get_time)(struct efi_time *time, void *capabilities);
	void *set_time;
	void *get_wakeup_time;
	void *set_wakeup_time;
	void *set_virtual_address_map;
	void *convert_pointer;
	efi_status (EFIAPI *get_variable)(const char16 *name, const struct efi_guid *vendor,
	    uint32_t *attributes, uint64_t *size, void *data);
	void *get_next_variable_name;
	efi_status (EFIAPI *set_variable)(const char16 *name, const struct efi_guid *vendor,
	    uint32_t attributes, uint64_t size, const void *data);
	void *get_next_high_monotonic_count;
	void *reset_system;
	void *update_capsule;
	void *query_capsule_capabilities;
	void *query_variable_info;
};

struct efi_configuration_table {
	struct efi_guid guid;
	void *table;
};

struct efi_system_table {
	struct efi_table_header hdr;
	char16 *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle console_in_handle;
	void *con_in;
	efi_handle console_out_handle;
	struct efi_simple_text_output *con_out;
	efi_handle standard_error_handle;
	struct efi_simple_text_output *std_err;
	struct efi_runtime_services *runtime_services;
	struct efi_boot_services *boot_services;
	uint64_t number_of_table_entries;
	struct efi_configuration_table *configuration_table;
};

struct efi_loaded_image {
	uint32_t revision;
	efi_handle parent_handle;
	struct efi_system_table *system_table;
	efi_handle device_handle;
	void *file_path;
	void *reserved;
	uint32_t load_options_size;
	void *load_options;
	void *image_base;
	uint64_t image_size;
	int image_code_type;
	int image_data_type;
	void *unload;
};

#define EFI_FILE_MODE_READ 0x1ULL
#define EFI_FILE_DIRECTORY 0x10ULL

struct efi_file {
	uint64_t revision;
	efi_status (EFIAPI *open)(struct efi_file *, struct efi_file **out,
	    const char16 *name, uint64_t mode, uint64_t attributes);
	efi_status (EFIAPI *close)(struct efi_file *);
	void *delete_file;
	efi_status (EFIAPI *read)(struct efi_file *, uint64_t *size, void *buf);
	void *write;
	void *get_position;
	void *set_position;
	efi_status (EFIAPI *get_info)(struct efi_file *, const struct efi_guid *,
	    uint64_t *size, void *buf);
	void *set_info;
	void *flush;
};

struct efi_file_info {
	uint64_t size;
	uint64_t file_size;
	uint64_t physical_size;
	struct efi_time create_time;
	struct efi_time last_access_time;
	struct efi_time modification_time;
	uint64_t attribute;
	char16 file_name[];
};

struct efi_simple_file_system {
	uint64_t revision;
	efi_status (EFIAPI *open_volume)(struct efi_simple_file_system *, struct efi_file **root);
};

enum efi_gop_pixel_format {
	PixelRedGreenBlueReserved8BitPerColor,
	PixelBlueGreenRedReserved8BitPerColor,
	PixelBitMask,
	PixelBltOnly,
};

struct efi_gop_mode_info {
	uint32_t version;
	uint32_t horizontal_resolution;
	uint32_t vertical_resolution;
	uint32_t pixel_format;
	uint32_t pixel_mask[4];
	uint32_t pixels_per_scan_line;
};

struct efi_gop_mode {
	uint32_t max_mode;
	uint32_t mode;
	struct efi_gop_mode_info *info;
	uint64_t size_of_info;
	uint64_t frame_buffer_base;
	uint64_t frame_buffer_size;
};

struct efi_gop {
	void *query_mode;
	void *set_mode;
	void *blt;
	struct efi_gop_mode *mode;
};

struct efi_rng {
	void *get_info;
	efi_status (EFIAPI *get_rng)(struct efi_rng *, const struct efi_guid *alg,
	    uint64_t len, uint8_t *out);
};

/*
 * EFI_TCG2_PROTOCOL, from the TCG EFI Protocol Specification (TPM 2.0),
 * family 2.0, level 00 revision 00.13. The capability structure has the
 * natural layout; the event is packed.
 */
struct efi_tcg2_version {
	uint8_t major;
	uint8_t minor;
};

struct efi_tcg2_capability {
	uint8_t size;			/* set by the caller: sizeof(*this) */
	struct efi_tcg2_version structure_version;
	struct efi_tcg2_version protocol_version;
	uint32_t hash_algorithm_bitmap;
	uint32_t supported_event_logs;
	uint8_t tpm_present;
	uint16_t max_command_size;
	uint16_t max_response_size;
	uint32_t manufacturer_id;
	uint32_t number_of_pcr_banks;
	uint32_t active_pcr_banks;
};

#define EFI_TCG2_BOOT_HASH_ALG_SHA1	0x1
#define EFI_TCG2_BOOT_HASH_ALG_SHA256	0x2
#define EFI_TCG2_EVENT_LOG_FORMAT_TCG_2	0x2
#define EFI_TCG2_EVENT_HEADER_VERSION	1

struct __attribute__((packed)) efi_tcg2_event_header {
	uint32_t header_size;		/* sizeof(struct efi_tcg2_event_header): 14 */
	uint16_t header_version;	/* EFI_TCG2_EVENT_HEADER_VERSION */
	uint32_t pcr_index;
	uint32_t event_type;
};

struct __attribute__((packed)) efi_tcg2_event {
	uint32_t size;			/* of all of this, event data included */
	struct efi_tcg2_event_header header;
	uint8_t event[];
};

struct efi_tcg2 {
	efi_status (EFIAPI *get_capability)(struct efi_tcg2 *, struct efi_tcg2_capability *);
	void *get_event_log;
	efi_status (EFIAPI *hash_log_extend_event)(struct efi_tcg2 *, uint64_t flags,
	    uint64_t data, uint64_t len, struct efi_tcg2_event *event);
	efi_status (EFIAPI *submit_command)(struct efi_tcg2 *, uint32_t in_size,
	    const uint8_t *in, uint32_t out_size, uint8_t *out);
	void *get_active_pcr_banks;
	void *set_active_pcr_banks;
	void *get_result_of_set_active_pcr_banks;
};

#define EFI_TCG2_PROTOCOL_GUID \
	{ 0x607f766c, 0x7455, 0x42be, { 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f } }
#define EFI_LOADED_IMAGE_GUID \
	{ 0x5b1b31a1, 0x9562, 0x11d2, { 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_SIMPLE_FILE_SYSTEM_GUID \
	{ 0x964e5b22, 0x6459, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_FILE_INFO_GUID \
	{ 0x09576e92, 0x6d3f, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_GOP_GUID \
	{ 0x9042a9de, 0x23dc, 0x4a38, { 0x96, 0xfb, 0x7a, 0xde, 0xd0, 0x80, 0x51, 0x6a } }
#define EFI_RNG_PROTOCOL_GUID \
	{ 0x3152bca5, 0xeade, 0x433d, { 0x86, 0x2e, 0xc0, 0x1c, 0xdc, 0x29, 0x1f, 0x44 } }
#define EFI_ACPI_20_TABLE_GUID \
	{ 0x8868e871, 0xe4f1, 0x11d3, { 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 } }
#define EFI_ACPI_10_TABLE_GUID \
	{ 0xeb9d2d30, 0x2d88, 0x11d3, { 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d } }

#endif
