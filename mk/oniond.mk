# mk/oniond.mk: oniond, the onion service (user/oniond), linked like
# mk/tor.mk's onion-user-check (included after it): its own objects, lib/onion
# and lib/date compiled with the user programs' flags ($(ONION_USER)/...), the
# nc_ API archive, the freestanding BearSSL and libsodium archives, crt0
# and the user runtime. The generic module rule links objects only, so
# oniond has its own.
#
# Its configuration is generated (tools/oniond-config.py) from make's
# variables, and rebuilt when they change:
#   AUTHORITIES=FILE   DirAuthority lines built into the image (tornet's
#                      DIR/authorities format); none by default
#   ONIOND_LOOPBACK=IP relays listed at 127.x are dialled at IP (tests: 10.0.2.2)
#   ONIOND_TIME=SECONDS the wall clock's floor (Unix s) while the kernel has
#                      no SYS_CLOCK (user/oniond/dir.c, wall_clock); none by
#                      default, so that the image's bytes do not depend on
#                      when it was built
#   ONIOND_CONSENSUS=FILE a consensus used instead of fetching one (tests)

AUTHORITIES ?=
ONIOND_LOOPBACK ?=
ONIOND_TIME ?=
ONIOND_CONSENSUS ?=
ONIOND_CONFIG_ARGS := $(if $(AUTHORITIES),--authorities $(abspath $(AUTHORITIES))) \
	$(if $(ONIOND_LOOPBACK),--loopback-as $(ONIOND_LOOPBACK)) \
	$(if $(ONIOND_TIME),--time $(ONIOND_TIME)) \
	$(if $(ONIOND_CONSENSUS),--consensus $(abspath $(ONIOND_CONSENSUS)))
ONIOND_CONFIG := $(B)/user/oniond-gen/config.c

# Regenerated every build (the files named may change without their names
# changing); the script rewrites the file only when its text changes.
$(ONIOND_CONFIG): FORCE tools/oniond-config.py
	@mkdir -p $(@D)
	@python3 tools/oniond-config.py $@ $(ONIOND_CONFIG_ARGS)

# Compiled in its own folder, so that the object (its file symbol) does not
# name the build directory: two builds elsewhere give the same bytes.
$(B)/user/oniond-gen/config.o: $(ONIOND_CONFIG)
	@echo "  CC [user]   $<"
	@cd $(@D) && $(CC) $(USER_CFLAGS) -c config.c -o config.o

ONIOND_OBJ := $(patsubst %.c,$(B)/user/%.o,$(wildcard user/oniond/*.c))
ONIOND_LIB_OBJ := $(patsubst %.c,$(ONION_USER)/%.o,$(filter lib/onion/%,$(LIB_SRC))) \
	$(ONION_USER)/lib/date/date.o
$(ONIOND_OBJ): USER_CFLAGS += $(BEARSSL_INC) $(SODIUM_INC) -isystem lib/crypto/shim
$(ONIOND_OBJ): | $(BEARSSL_STAMP) $(SODIUM_STAMP) $(SODIUM_VERSION_H)

.SECONDEXPANSION:
$(B)/modules/oniond: $(ONIOND_OBJ) $(B)/user/oniond-gen/config.o $(ONIOND_LIB_OBJ) \
		$(ONION_USER)/libnc.a $(B)/user/libbearssl.a \
		$(B)/freestanding/libsodium.a $$(USER_RT_OBJ) user/user.ld $(B)/user/oniond.srcs
	@mkdir -p $(@D)
	@echo "  LD [user]   $@"
	@$(LD) -T user/user.ld -nostdlib -z max-page-size=4096 --build-id=none \
		--strip-debug -o $@ $(ONIOND_OBJ) $(B)/user/oniond-gen/config.o \
		$(ONIOND_LIB_OBJ) $(USER_RT_OBJ) $(ONION_USER)/libnc.a \
		$(B)/user/libbearssl.a $(B)/freestanding/libsodium.a

# --- The in-guest test's image -------------------------------------------------
# tests/onion/test_guest.py (and test_wallet.py) build
# $(B)/onion-test/nonos.img with a test
# network's AUTHORITIES, ONIOND_LOOPBACK and ONIOND_TIME: the image of
# `make image` with this oniond in place of the default one, so the tests
# that boot build/nonos.img are not disturbed.
ONIOND_TEST := $(B)/onion-test

$(ONIOND_TEST)/config.c: FORCE tools/oniond-config.py
	@mkdir -p $(@D)
	@python3 tools/oniond-config.py $@ $(ONIOND_CONFIG_ARGS)

$(ONIOND_TEST)/config.o: $(ONIOND_TEST)/config.c
	@cd $(@D) && $(CC) $(USER_CFLAGS) -c config.c -o config.o

$(ONIOND_TEST)/modules/oniond: $(ONIOND_OBJ) $(ONIOND_TEST)/config.o $(ONIOND_LIB_OBJ) \
		$(ONION_USER)/libnc.a $(B)/user/libbearssl.a \
		$(B)/freestanding/libsodium.a $$(USER_RT_OBJ) user/user.ld
	@mkdir -p $(@D)
	@echo "  LD [user]   $@"
	@$(LD) -T user/user.ld -nostdlib -z max-page-size=4096 --build-id=none \
		--strip-debug -o $@ $(ONIOND_OBJ) $(ONIOND_TEST)/config.o \
		$(ONIOND_LIB_OBJ) $(USER_RT_OBJ) $(ONION_USER)/libnc.a \
		$(B)/user/libbearssl.a $(B)/freestanding/libsodium.a

$(ONIOND_TEST)/nonos.img: $(B)/BOOTX64.EFI $(B)/kernel.img.elf \
		$$(filter-out $(B)/modules/oniond,$$(BOOT_MODULES)) \
		$(ONIOND_TEST)/modules/oniond scripts/mkimage $$(BOOT_POLICY) \
		$$(MANIFEST_TOOL) $$(SIGNING_KEY) $(B)/boot/image-version
	NONOS_MANIFEST=$(MANIFEST_TOOL) scripts/mkimage -k $(SIGNING_KEY) \
		-V $(IMAGE_VERSION) -p $(BOOT_POLICY) $@ $(B)/BOOTX64.EFI \
		$(B)/kernel.img.elf $(filter-out $(B)/modules/oniond,$(BOOT_MODULES)) \
		$(ONIOND_TEST)/modules/oniond
