# mk/bench.mk: what the benchmarks boot besides build/nonos.img.
# bench/boot compares NØNOS with a Linux peer under the same QEMU settings:
#   $(B)/bench/linuxboot.efi  our chainloader, built like BOOTX64.EFI
#   $(B)/bench/initrd.img     static busybox and bench/boot/init (bench/boot/mkinitrd)
#   $(B)/bench/linux.img      GPT+FAT disk: chainloader, Debian vmlinuz, initrd
# The recipes use EFI_CFLAGS, which the Makefile defines after including us;
# recipes expand late, so that is fine.

BENCH_DIR := $(B)/bench
LINUX_PEER := deps/linux/vmlinuz
BUSYBOX := /bin/busybox

$(BENCH_DIR)/linuxboot.o: bench/boot/linuxboot.c
	@mkdir -p $(@D)
	@echo "  CC [efi]    $<"
	@$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(BENCH_DIR)/linuxboot.efi: $(BENCH_DIR)/linuxboot.o
	@echo "  LD [efi]    $@"
	@lld-link -brepro -subsystem:efi_application -entry:efi_main \
		-nodefaultlib -out:$@ $<

$(BENCH_DIR)/initrd.img: bench/boot/init $(BUSYBOX) bench/boot/mkinitrd
	@echo "  CPIO        $@"
	@bench/boot/mkinitrd $@ bench/boot/init

# scripts/setup unpacks the Debian cloud kernel here (never installs it);
# make does not run setup itself.
$(LINUX_PEER):
	@echo "$@ is missing: run scripts/setup" >&2
	@exit 1

$(BENCH_DIR)/linux.img: $(BENCH_DIR)/linuxboot.efi $(LINUX_PEER) \
		$(BENCH_DIR)/initrd.img bench/boot/mklinuximage
	@echo "  IMAGE       $@"
	@bench/boot/mklinuximage $@ $(BENCH_DIR)/linuxboot.efi $(LINUX_PEER) \
		$(BENCH_DIR)/initrd.img

# `make bench` (Makefile) runs bench/run-all; it needs the peer's image too.
bench: $(BENCH_DIR)/linux.img
