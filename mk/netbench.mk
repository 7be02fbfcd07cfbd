# mk/netbench.mk: what bench/net boots besides build/nonos.img (whose
# module user/netbench the Makefile builds like every program):
#   $(B)/bench/net-linux_bench  user/netbench's script for Linux (static glibc)
#   $(B)/bench/net-initrd.img   busybox, bench/net/init, that program and
#                               the virtio-net modules scripts/setup keeps
#                               from the peer kernel's package
#   $(B)/bench/net-linux.img    GPT+FAT disk: chainloader, Debian vmlinuz,
#                               that initramfs (bench/boot/mklinuximage)
# The chainloader, busybox and the Linux kernel are mk/bench.mk's.

NETB := $(B)/bench
NETB_MODULES := $(addprefix deps/linux/modules/,virtio.ko virtio_ring.ko \
	virtio_pci_legacy_dev.ko virtio_pci_modern_dev.ko virtio_pci.ko failover.ko \
	net_failover.ko virtio_net.ko)

$(NETB)/net-linux_bench: bench/net/linux_bench.c
	@mkdir -p $(@D)
	@echo "  CC [linux]  $@"
	@gcc -static -std=c17 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -o $@ $<

$(NETB_MODULES):
	@echo "$@ is missing: run scripts/setup" >&2
	@exit 1

$(NETB)/net-initrd.img: bench/net/init $(NETB)/net-linux_bench $(NETB_MODULES) \
		/bin/busybox bench/boot/mkinitrd
	@echo "  CPIO        $@"
	@bench/boot/mkinitrd $@ bench/net/init $(NETB)/net-linux_bench $(NETB_MODULES)

$(NETB)/net-linux.img: $(NETB)/linuxboot.efi deps/linux/vmlinuz \
		$(NETB)/net-initrd.img bench/boot/mklinuximage
	@echo "  IMAGE       $@"
	@bench/boot/mklinuximage $@ $(NETB)/linuxboot.efi deps/linux/vmlinuz \
		$(NETB)/net-initrd.img

bench: $(NETB)/net-linux.img
