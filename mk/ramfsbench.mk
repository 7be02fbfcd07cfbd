# mk/ramfsbench.mk: what bench/ramfs boots besides build/nonos.img (whose
# module user/ramfsbench the Makefile builds like every program):
#   $(B)/bench/ramfs-linux_bench  user/ramfsbench's checks and workload
#                                 for Linux (static glibc); also run on
#                                 the host by tests/qemu/test_files.py
#   $(B)/bench/ramfs-initrd.img   busybox, bench/ramfs/init and that program
#   $(B)/bench/ramfs-linux.img    GPT+FAT disk: chainloader, Debian vmlinuz,
#                                 that initramfs (bench/boot/mklinuximage)
# The chainloader, busybox and the Linux kernel are mk/bench.mk's.

RFSB := $(B)/bench
RFSB_SRC := bench/ramfs/linux_bench.c user/ramfsbench/workload.c user/ramfsbench/checks.c

$(RFSB)/ramfs-linux_bench: $(RFSB_SRC) user/ramfsbench/workload.h
	@mkdir -p $(@D)
	@echo "  CC [linux]  $@"
	@clang -static -std=c17 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -I. -o $@ $(RFSB_SRC)

$(RFSB)/ramfs-initrd.img: bench/ramfs/init $(RFSB)/ramfs-linux_bench /bin/busybox bench/boot/mkinitrd
	@echo "  CPIO        $@"
	@bench/boot/mkinitrd $@ bench/ramfs/init $(RFSB)/ramfs-linux_bench

$(RFSB)/ramfs-linux.img: $(RFSB)/linuxboot.efi deps/linux/vmlinuz \
		$(RFSB)/ramfs-initrd.img bench/boot/mklinuximage
	@echo "  IMAGE       $@"
	@bench/boot/mklinuximage $@ $(RFSB)/linuxboot.efi deps/linux/vmlinuz \
		$(RFSB)/ramfs-initrd.img

# The host half of the checks' differential test is part of every build.
all check: $(RFSB)/ramfs-linux_bench
bench: $(RFSB)/ramfs-linux.img
