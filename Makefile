# NØNOS top-level build: the UEFI loader, the kernel, the boot image,
# host tools and host tests. `make run` boots in QEMU; `make check` runs
# every test. Every object goes under build/; nothing is written elsewhere.

.SUFFIXES:
.DELETE_ON_ERROR:

B := build
CC := clang
LD := ld.lld
OBJCOPY := llvm-objcopy
NM := llvm-nm

# Warnings are errors everywhere. Paths in debug info are made relative so
# that two builds in different folders give the same bytes.
WARN := -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter
REPRO := -ffile-prefix-map=$(CURDIR)=. -fdebug-prefix-map=$(CURDIR)=.

# Portable library code shared by everything. lib/libc supplies the few
# C library functions a freestanding target lacks; the host has its own.
# The kernel links only the library folders it uses, listed here.
LIB_SRC := $(sort $(wildcard lib/*/*.c))
KERNEL_LIB_DIRS := libc fmt frame heap elf acpi font bootinfo cap manifest term rtc date tpm
# lib/manifest/verify.c is the loader's checks (lib/sign, SHA-256): not the kernel's.
LIB_FREESTANDING_SRC := $(filter-out lib/manifest/verify.c,\
	$(filter $(KERNEL_LIB_DIRS:%=lib/%/%),$(LIB_SRC))) lib/crypto/blake3.c \
	lib/crypto/fkrng.c
LIB_HOST_SRC := $(filter-out lib/libc/%,$(LIB_SRC))

# Extra archives (e.g. libraries built from Debian source by mk/*.mk).
HOST_EXTRA_LIBS :=
HOST_EXTRA_DEPS :=

# Per-component fragments (libraries from Debian source, host tools). They
# may append to HOST_EXTRA_LIBS/DEPS, TOOLS and LINK_CHECKS. The order is
# the order of their needs: the Debian libraries first, then the tools
# and checks built on them, then what boots next to the image. A fragment
# missing from the list is an error rather than a silent omission.
TOOLS :=
LINK_CHECKS :=
MK := mk/bearssl.mk mk/lz4.mk mk/sodium.mk mk/lwip.mk mk/tools.mk mk/verified-boot.mk \
	mk/vault.mk mk/vault-bench.mk mk/ledger.mk mk/tor.mk mk/kfuzz.mk mk/bench.mk \
	mk/ipcbench.mk mk/ramfsbench.mk mk/netbench.mk mk/persistd.mk mk/oniond.mk \
	mk/wallet.mk mk/onionbench.mk
ifneq ($(filter-out $(MK),$(wildcard mk/*.mk)),)
$(error $(filter-out $(MK),$(wildcard mk/*.mk)): not in the Makefile's MK list)
endif
include $(MK)

# $(B)/objs/NAME holds the value of the variable NAME, a list of objects or
# sources, and is rewritten only when that list changes. An archive or a
# program that depends on it is rebuilt when a source is added or removed,
# even if every remaining object is older than it.
$(B)/objs/%: FORCE
	@mkdir -p $(@D)
	@echo $($*) > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

# --- UEFI loader (PE/COFF, no library) --------------------------------------
EFI_CFLAGS := $(WARN) $(REPRO) -target x86_64-unknown-windows -ffreestanding \
	-fshort-wchar -mno-red-zone -fno-stack-protector -mno-stack-arg-probe \
	-mgeneral-regs-only -fno-builtin -O2 -I.
EFI_SRC := $(sort $(wildcard boot/*.c)) lib/libc/string.c lib/elf/elf64.c lib/fmt/fmt.c \
	lib/fmt/hex.c lib/manifest/manifest.c lib/manifest/verify.c lib/sign/check.c \
	lib/crypto/blake3.c lib/crypto/sha256.c lib/crypto/verify.c
# The signing key's public half and libsodium's Ed25519: mk/verified-boot.mk.
EFI_OBJ := $(EFI_SRC:%.c=$(B)/efi/%.o) $(B)/efi/boot/pubkey.o

$(B)/efi/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC [efi]    $<"
	@$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(B)/BOOTX64.EFI: $(EFI_OBJ) $(B)/efi/libsodium.a $(B)/objs/EFI_OBJ
	@# -brepro: no time stamp in the PE header, so builds are reproducible.
	lld-link -brepro -subsystem:efi_application -entry:efi_main \
		-nodefaultlib -out:$@ $(EFI_OBJ) $(B)/efi/libsodium.a

# --- Kernel (ELF64, higher half) --------------------------------------------
KERNEL_CFLAGS := $(WARN) $(REPRO) -target x86_64-unknown-none-elf \
	-ffreestanding -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-mcmodel=kernel -mno-red-zone -fno-pic -fno-pie -mgeneral-regs-only \
	-fno-omit-frame-pointer -fno-stack-protector \
	-fno-asynchronous-unwind-tables -O2 -g -I.
KERNEL_SRC := $(sort $(wildcard kernel/*.c kernel/*/*.c kernel/arch/x86_64/*.c))
KERNEL_ASM := $(sort $(wildcard kernel/arch/x86_64/*.S))
KERNEL_OBJ := $(KERNEL_SRC:%.c=$(B)/kernel/%.o) $(KERNEL_ASM:%.S=$(B)/kernel/%.o) \
	$(LIB_FREESTANDING_SRC:%.c=$(B)/kernel/%.o) $(B)/kernel/font.o
KERNEL_LDS := kernel/arch/x86_64/kernel.ld
FONT := /usr/share/consolefonts/Lat15-VGA16.psf.gz

$(B)/kernel/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC [kernel] $<"
	@$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/kernel/%.o: %.S
	@mkdir -p $(@D)
	@echo "  AS [kernel] $<"
	@$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

# The console font comes from Debian's console-setup-linux at build time.
$(B)/kernel/font.psf: $(FONT)
	@mkdir -p $(@D)
	gzip -dc $< > $@

$(B)/kernel/font.o: $(B)/kernel/font.psf
	cd $(B)/kernel && $(LD) -m elf_x86_64 -r -b binary -o font.o font.psf

# The kernel is linked twice: the second link adds the symbol table built
# from the first. The table sits in its own segment after every other one,
# so adding it moves no code.
$(B)/kernel/pass1.elf: $(KERNEL_OBJ) $(B)/kernel/nosyms.o $(KERNEL_LDS) $(B)/objs/KERNEL_OBJ
	$(LD) -T $(KERNEL_LDS) -nostdlib -z max-page-size=4096 --build-id=none \
		-o $@ $(KERNEL_OBJ) $(B)/kernel/nosyms.o

$(B)/kernel/nosyms.o: tools/ksyms.py
	@mkdir -p $(@D)
	python3 tools/ksyms.py /dev/null > $(B)/kernel/nosyms.S
	$(CC) $(KERNEL_CFLAGS) -c $(B)/kernel/nosyms.S -o $@

$(B)/kernel/syms.o: $(B)/kernel/pass1.elf tools/ksyms.py
	$(NM) -n --defined-only $< | python3 tools/ksyms.py - > $(B)/kernel/syms.S
	$(CC) $(KERNEL_CFLAGS) -c $(B)/kernel/syms.S -o $@

$(B)/kernel.elf: $(KERNEL_OBJ) $(B)/kernel/syms.o $(KERNEL_LDS) $(B)/objs/KERNEL_OBJ
	$(LD) -T $(KERNEL_LDS) -nostdlib -z max-page-size=4096 --build-id=none \
		-o $@ $(KERNEL_OBJ) $(B)/kernel/syms.o

# --- User programs (boot modules) -------------------------------------------
# Every folder under user/ except lib/ is one program; user/lib is the
# runtime linked into each. The ELF file's name is the module's name.
USER_CFLAGS := $(WARN) $(REPRO) -target x86_64-unknown-none-elf \
	-ffreestanding -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -O2 -g -I.
USER_RT_SRC := $(sort $(wildcard user/lib/*.c user/lib/*.S)) lib/libc/string.c lib/fmt/fmt.c \
	lib/ramfs/ramfs.c lib/line/edit.c lib/line/parse.c \
	lib/heap/heap.c
USER_RT_OBJ := $(addprefix $(B)/user/,$(addsuffix .o,$(basename $(USER_RT_SRC))))
USER_PROGS := $(filter-out lib,$(notdir $(patsubst %/,%,$(sort $(dir $(wildcard user/*/*.c))))))
USER_BINS := $(USER_PROGS:%=$(B)/modules/%)
USER_PROG_OBJ := $(addprefix $(B)/user/,$(addsuffix .o,$(basename \
	$(wildcard $(USER_PROGS:%=user/%/*.c) $(USER_PROGS:%=user/%/*.S)))))

$(B)/user/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC [user]   $<"
	@$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(B)/user/%.o: %.S
	@mkdir -p $(@D)
	@echo "  AS [user]   $<"
	@$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

# A program's source list, rewritten only when a file is added or removed,
# so that the program is linked again without it (as $(B)/objs/ above).
$(B)/user/%.srcs: FORCE
	@mkdir -p $(@D)
	@echo $(wildcard user/$*/*.c user/$*/*.S) > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

# Library code only some programs link: USER_LIBS_name lists its sources.
NIC_SRC := user/lib/nic/nic.c lib/pktring/pktring.c
USER_LIBS_virtionet := $(NIC_SRC) lib/virtio/virtq.c lib/virtio/pci.c
USER_LIBS_e1000e := $(NIC_SRC)
BLKDEV_SRC := user/lib/blkdev/blkdev.c lib/gpt/gpt.c lib/gpt/crc32.c
USER_LIBS_virtioblk := $(BLKDEV_SRC) lib/virtio/virtq.c lib/virtio/pci.c
USER_LIBS_nvme := $(BLKDEV_SRC) lib/nvme/queue.c lib/nvme/identify.c
USER_LIBS_nettest := lib/pktring/pktring.c
USER_LIBS_shell += lib/crypto/blake3.c
USER_LIBS_oniontest := lib/crypto/blake3.c
USER_LIBS_OBJ := $(addprefix $(B)/user/,$(addsuffix .o,$(basename $(sort \
	$(foreach p,$(USER_PROGS),$(USER_LIBS_$(p)))))))

.SECONDEXPANSION:
$(B)/modules/%: $$(addprefix $(B)/user/,$$(addsuffix .o,$$(basename $$(wildcard user/$$*/*.c user/$$*/*.S) $$(USER_LIBS_$$*)))) $(USER_RT_OBJ) user/user.ld \
		$(B)/user/%.srcs $(B)/objs/USER_RT_OBJ
	@mkdir -p $(@D)
	@echo "  LD [user]   $@"
	@$(LD) -T user/user.ld -nostdlib -z max-page-size=4096 --build-id=none \
		--strip-debug -o $@ $(filter %.o,$^)

# Named as targets so that they are not intermediate files of the pattern
# rules: make would delete them after each build, and would not build a
# missing one whose source is older than the program.
$(USER_PROG_OBJ) $(USER_RT_OBJ) $(USER_LIBS_OBJ) $(USER_PROGS:%=$(B)/user/%.srcs) $(B)/objs/USER_RT_OBJ:

# --- Boot image --------------------------------------------------------------
BOOT_MODULES := $(USER_BINS)
# Each module's capability ceiling, written into the signed manifest.
BOOT_POLICY := boot/ceilings

# The image carries the kernel without debug information (kept in
# $(B)/kernel.elf for gdb): smaller, and free of build-directory paths.
$(B)/kernel.img.elf: $(B)/kernel.elf
	$(OBJCOPY) --strip-debug $< $@

# mkimage writes the manifest, signs it with SIGNING_KEY and prints the
# measurements a TPM will hold after booting it (also in nonos.img.measure).
# SIGNING_KEY and IMAGE_VERSION are in mk/verified-boot.mk.
$(B)/nonos.img: $(B)/BOOTX64.EFI $(B)/kernel.img.elf $(BOOT_MODULES) scripts/mkimage \
		$(BOOT_POLICY) $(MANIFEST_TOOL) $(SIGNING_KEY) $(B)/boot/image-version
	NONOS_MANIFEST=$(MANIFEST_TOOL) scripts/mkimage -k $(SIGNING_KEY) \
		-V $(IMAGE_VERSION) -p $(BOOT_POLICY) $@ $(B)/BOOTX64.EFI \
		$(B)/kernel.img.elf $(BOOT_MODULES)

image: $(B)/nonos.img

# --- Host library, unit tests, tools ----------------------------------------
HOST_CFLAGS := $(WARN) $(REPRO) -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all -I. -DNONOS_HOST -D_DEFAULT_SOURCE
HOST_LIB_OBJ := $(LIB_HOST_SRC:%.c=$(B)/host/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/host/tests/%)

$(B)/host/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC [host]   $<"
	@$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(B)/host/libnonos.a: $(HOST_LIB_OBJ) $(B)/objs/HOST_LIB_OBJ
	@rm -f $@
	llvm-ar rcsD $@ $(HOST_LIB_OBJ)

$(B)/host/tests/%: tests/unit/%.c $(B)/host/libnonos.a $(HOST_EXTRA_DEPS)
	@mkdir -p $(@D)
	@echo "  LD [test]   $@"
	@$(CC) $(HOST_CFLAGS) -MMD -MP $< $(B)/host/libnonos.a $(HOST_EXTRA_LIBS) -lcmocka -o $@

# Fuzz targets: one per parser, built with libFuzzer (fuzz_kobj, the
# kernel objects, has its own rule in mk/kfuzz.mk).
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_CFLAGS := $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined -I. -DNONOS_HOST

$(B)/fuzz/%: tests/fuzz/%.c $(LIB_HOST_SRC) $(B)/objs/LIB_HOST_SRC $(HOST_EXTRA_DEPS)
	@mkdir -p $(@D)
	@echo "  LD [fuzz]   $@"
	@$(CC) $(FUZZ_CFLAGS) $< $(LIB_HOST_SRC) $(HOST_EXTRA_LIBS) -o $@

# Not an intermediate file of the rule above (see USER_PROG_OBJ).
$(B)/objs/LIB_HOST_SRC:

unit: $(UNIT_BIN)
fuzz: $(FUZZ_BIN)

# --- Entry points -------------------------------------------------------------
# make never installs packages. scripts/setup does (apt), and leaves a copy
# of itself in build/.setup-done; the entry points refuse to start until
# that copy matches, i.e. until setup has run with today's package list.
# scripts/check and scripts/run run setup first.
ifneq ($(filter all run check bench prove,$(or $(MAKECMDGOALS),all)),)
ifneq ($(shell cmp -s scripts/setup build/.setup-done && echo same),same)
$(error scripts/setup has not run here, or has changed since it ran: run scripts/setup (it installs packages with apt, which make never does))
endif
endif

all: image unit fuzz $(TOOLS)

# make run's TPM 2.0 (swtpm) keeps its state here, as a chip keeps its NV;
# TPM= boots without one.
TPM ?= $(B)/tpm

run: image
	tests/qemu/run.py --interactive $(if $(TPM),--tpm $(TPM)) $(B)/nonos.img

# The freestanding link checks (LINK_CHECKS, from mk/*.mk) pass when they
# are built: each links lib/ code with the kernel's flags and fails the
# build if anything beyond the allowed environment is left undefined.
check: image unit fuzz $(TOOLS) $(LINK_CHECKS)
	tests/run-all

bench: image
	bench/run-all

# The Frama-C WP proofs of the trusted core (docs/proofs.md); also part of
# tests/run-all. Prints `N goals proved, M not`; fails on any unproved goal.
prove:
	tests/proofs/run

# The call numbers and user wrappers, from lib/abi/syscalls.tab. Their
# outputs are committed (tests/tools/abi_check.py checks they are current),
# so a build never needs this.
abi:
	python3 tools/gensyscalls.py

clean:
	rm -rf $(B)

.PHONY: all image unit fuzz run check bench prove abi clean FORCE
FORCE:
.DEFAULT_GOAL := all

-include $(shell find $(B) -name '*.d' 2>/dev/null)
