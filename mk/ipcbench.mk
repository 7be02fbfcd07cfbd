# mk/ipcbench.mk: what bench/ipc boots and loads besides build/nonos.img
# (whose module user/ipcbench the Makefile builds like every program):
#   $(B)/bench/ipc-linux_bench  the Linux peer's program, static glibc
#   $(B)/bench/ipc-initrd.img   busybox, bench/ipc/init and that program
#   $(B)/bench/ipc-linux.img    GPT+FAT disk: chainloader, Debian vmlinuz,
#                               that initramfs (bench/boot/mklinuximage)
#   $(B)/bench/insncount.so     QEMU plugin counting IPC instructions
# The chainloader, busybox and the Linux kernel are mk/bench.mk's.

IPCB := $(B)/bench

# Debian's gcc with static glibc (libc6-dev): the peer runs a stock
# Debian toolchain's code, and needs no libraries in the initramfs.
$(IPCB)/ipc-linux_bench: bench/ipc/linux_bench.c
	@mkdir -p $(@D)
	@echo "  CC [linux]  $<"
	@gcc -static -O2 -Wall -Wextra -Werror -o $@ $<

$(IPCB)/ipc-initrd.img: bench/ipc/init $(IPCB)/ipc-linux_bench /bin/busybox bench/boot/mkinitrd
	@echo "  CPIO        $@"
	@bench/boot/mkinitrd $@ bench/ipc/init $(IPCB)/ipc-linux_bench

$(IPCB)/ipc-linux.img: $(IPCB)/linuxboot.efi deps/linux/vmlinuz \
		$(IPCB)/ipc-initrd.img bench/boot/mklinuximage
	@echo "  IMAGE       $@"
	@bench/boot/mklinuximage $@ $(IPCB)/linuxboot.efi deps/linux/vmlinuz \
		$(IPCB)/ipc-initrd.img

$(IPCB)/insncount.so: bench/ipc/insncount.c
	@mkdir -p $(@D)
	@echo "  CC [plugin] $<"
	@$(CC) -std=c17 -Wall -Wextra -Werror -Wno-unused-parameter -O2 -fPIC \
		-fvisibility=hidden -shared -o $@ $<

# `make bench` runs bench/run-all, bench/ipc/run among them.
bench: $(IPCB)/ipc-linux.img $(IPCB)/insncount.so
