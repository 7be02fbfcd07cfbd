/*
 * The modern virtio-PCI transport (virtio 1.x §4.1): where the common,
 * notify, ISR and device-specific configuration structures live, found by
 * walking the function's capability list, and the layout of the common
 * structure. The device's configuration space is not trusted: every
 * pointer, length and BAR reference in it is checked against the BARs the
 * kernel reported before the driver maps anything.
 */
#ifndef LIB_VIRTIO_PCI_H
#define LIB_VIRTIO_PCI_H

#include <stdint.h>

#define VIRTIO_VENDOR		0x1af4
#define VIRTIO_DEV_NET_MODERN	0x1041	/* 0x1040 + device type 1 */
#define VIRTIO_DEV_NET_LEGACY	0x1000	/* transitional: modern caps too */
#define VIRTIO_DEV_BLK_MODERN	0x1042	/* 0x1040 + device type 2 */
#define VIRTIO_DEV_BLK_LEGACY	0x1001

/* The vendor capability's cfg_type. */
#define VIRTIO_PCI_CAP_COMMON	1
#define VIRTIO_PCI_CAP_NOTIFY	2
#define VIRTIO_PCI_CAP_ISR	3
#define VIRTIO_PCI_CAP_DEVICE	4

/* The common configuration structure (§4.1.4.3), offsets in its region. */
#define VIRTIO_COMMON_DFSELECT	0x00	/* le32 device_feature_select */
#define VIRTIO_COMMON_DF	0x04	/* le32 device_feature */
#define VIRTIO_COMMON_GFSELECT	0x08	/* le32 driver_feature_select */
#define VIRTIO_COMMON_GF	0x0c	/* le32 driver_feature */
#define VIRTIO_COMMON_MSIX	0x10	/* le16 config_msix_vector */
#define VIRTIO_COMMON_NUMQ	0x12	/* le16 num_queues */
#define VIRTIO_COMMON_STATUS	0x14	/* u8 device_status */
#define VIRTIO_COMMON_CFGGEN	0x15	/* u8 config_generation */
#define VIRTIO_COMMON_Q_SELECT	0x16	/* le16 queue_select */
#define VIRTIO_COMMON_Q_SIZE	0x18	/* le16 queue_size */
#define VIRTIO_COMMON_Q_MSIX	0x1a	/* le16 queue_msix_vector */
#define VIRTIO_COMMON_Q_ENABLE	0x1c	/* le16 queue_enable */
#define VIRTIO_COMMON_Q_NOFF	0x1e	/* le16 queue_notify_off */
#define VIRTIO_COMMON_Q_DESC	0x20	/* le64 queue_desc */
#define VIRTIO_COMMON_Q_DRIVER	0x28	/* le64 queue_driver (avail) */
#define VIRTIO_COMMON_Q_DEVICE	0x30	/* le64 queue_device (used) */
#define VIRTIO_COMMON_LEN	0x38

/* device_status bits (§2.1). */
#define VIRTIO_STATUS_ACK		1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	64
#define VIRTIO_STATUS_FAILED		128

#define VIRTIO_MSI_NO_VECTOR	0xffff

/* Feature bits (device-independent ones are above 31). */
#define VIRTIO_F_VERSION_1	32
#define VIRTIO_F_ACCESS_PLATFORM 33	/* DMA through the platform's IOMMU */

struct virtio_pci_region {
	uint8_t present;
	uint8_t bar;
	uint32_t offset, length;
};

struct virtio_pci_layout {
	struct virtio_pci_region common, notify, isr, device;
	uint32_t notify_mult;	/* notify_off_multiplier */
};

/* Reads width (1, 2, 4) bytes of configuration space at off; ~0 on failure. */
typedef uint32_t (*virtio_cfg_read)(void *ctx, uint32_t off, unsigned width);

/*
 * Walks the capability list (at most 48 entries, inside the first 256
 * bytes, each entry 4-byte aligned and whole) and takes the first valid
 * structure of each type: its BAR is a memory BAR (bar_size[bar] != 0)
 * and offset + length lies inside it. NULL when the common, notify and
 * ISR structures were all found, else the reason.
 */
const char *virtio_pci_find(virtio_cfg_read rd, void *ctx, const uint64_t bar_size[6],
    struct virtio_pci_layout *out);

/*
 * The offset in the notify structure's BAR where a queue with the given
 * queue_notify_off is notified: 0, or -1 when the 16-bit write would fall
 * outside the structure (a value the device chose, so it is checked).
 */
int virtio_pci_notify_at(const struct virtio_pci_layout *l, uint16_t queue_notify_off,
    uint32_t *off);

/*
 * Steps 1-6 of a modern device's initialisation (virtio 1.x §3.1.1)
 * through its mapped common configuration: reset (waiting for it),
 * ACKNOWLEDGE, DRIVER, then the features: VERSION_1 (required),
 * ACCESS_PLATFORM when offered (the device's DMA then goes through the
 * IOMMU, which holds the driver's frames), and those of want_lo (bits
 * 0..31) the device offers; FEATURES_OK, checked; no configuration
 * interrupt. NULL and *features, or the reason.
 */
const char *virtio_negotiate(volatile uint8_t *common, uint32_t want_lo,
    uint64_t *features);

#endif
