# mk/bench.mk: what the benchmarks boot besides build/nonos.img.
# bench/boot compares NØNOS with a Linux peer under the same QEMU settings:
#   $(B)/bench/linuxboot.efi  our chainloader, built like BOOTX64.EFI
#   $(B)/bench/initrd.img     static busybox and bench/boot/init, cpio newc
#   $(B)/bench/linux.img      GPT+FAT disk: chainloader, Debian vmlinuz, initrd
# The recipes use EFI_CFLAGS, which the Makefile defines after including us;
# recipes expand late, so that is fine.

BENCH_DIR := $(B)/bench
LINUX_PEER := deps/linux/vmlinuz
BUSYBOX := /bin/busybox
# cpio and mtools stamp files with this time (as scripts/mkimage does).
BENCH_EPOCH := 1767225600

$(BENCH_DIR)/linuxboot.o: bench/boot/linuxboot.c
	@mkdir -p $(@D)
	@echo "  CC [efi]    $<"
	@$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(BENCH_DIR)/linuxboot.efi: $(BENCH_DIR)/linuxboot.o
	@echo "  LD [efi]    $@"
	@lld-link -brepro -subsystem:efi_application -entry:efi_main \
		-nodefaultlib -out:$@ $<

# Entries in sorted order, owned by root, with one fixed time stamp, so the
# same busybox gives the same bytes. /dev/console comes from the kernel's
# built-in initramfs, which is unpacked before ours.
$(BENCH_DIR)/initrd.img: bench/boot/init $(BUSYBOX)
	@echo "  CPIO        $@"
	@rm -rf $(BENCH_DIR)/initrd.d
	@mkdir -p $(BENCH_DIR)/initrd.d/bin $(BENCH_DIR)/initrd.d/proc
	@cp bench/boot/init $(BENCH_DIR)/initrd.d/init
	@cp $(BUSYBOX) $(BENCH_DIR)/initrd.d/bin/busybox
	@chmod 755 $(BENCH_DIR)/initrd.d/init $(BENCH_DIR)/initrd.d/bin \
		$(BENCH_DIR)/initrd.d/bin/busybox $(BENCH_DIR)/initrd.d/proc
	@find $(BENCH_DIR)/initrd.d -exec touch -h -d @$(BENCH_EPOCH) {} +
	@cd $(BENCH_DIR)/initrd.d && find . -mindepth 1 | LC_ALL=C sort | \
		cpio -o -H newc -R 0:0 --reproducible --quiet > ../initrd.cpio
	@gzip -n -9 -c $(BENCH_DIR)/initrd.cpio > $@
	@rm -rf $(BENCH_DIR)/initrd.d $(BENCH_DIR)/initrd.cpio

# scripts/setup unpacks the Debian cloud kernel here (never installs it).
$(LINUX_PEER):
	scripts/setup

$(BENCH_DIR)/linux.img: $(BENCH_DIR)/linuxboot.efi $(LINUX_PEER) \
		$(BENCH_DIR)/initrd.img bench/boot/mklinuximage
	@echo "  IMAGE       $@"
	@bench/boot/mklinuximage $@ $(BENCH_DIR)/linuxboot.efi $(LINUX_PEER) \
		$(BENCH_DIR)/initrd.img

# `make bench` (Makefile) runs bench/run-all; it needs the peer's image too.
bench: $(BENCH_DIR)/linux.img
