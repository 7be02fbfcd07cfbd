# mk/tor.mk: nonos-onion, the SOCKS5 proxy on lib/onion (included after
# mk/sodium.mk, mk/bearssl.mk and mk/tools.mk in the Makefile's MK list,
# whose variables it needs),
# twice:
#   $(B)/host/nonos-onion    host flags with the sanitizers, against
#                            libnonos.a; tests/onion/test_tornet.py runs it
#   $(B)/tools/nonos-onion   as people run it and bench/onion times it: -O2,
#                            no sanitizers, hardened: the tool, lib/onion
#                            and BearSSL compiled into $(B)/rel-onion,
#                            with tools/common (cli, fileio, progress),
#                            linked with mk/tools.mk's release archives
#                            (the nc_ API, lib/fmt/hex, libsodium)
# lib/onion itself is in libnonos.a by the Makefile's lib/*/*.c rule;
# mk/bearssl.mk gives it BearSSL's headers.

# tools/common: the command frame (cli.c) and whole-file reading (fileio.c,
# which needs progress.c).
ONION_TOOL_SRC := $(sort $(wildcard tools/nonos-onion/*.c)) \
	tools/common/cli.c tools/common/fileio.c tools/common/progress.c
ONION_TOOL_OBJ := $(ONION_TOOL_SRC:%.c=$(B)/host/%.o)

$(ONION_TOOL_OBJ): HOST_CFLAGS += $(BEARSSL_INC)
$(ONION_TOOL_OBJ): | $(BEARSSL_STAMP)

$(B)/host/nonos-onion: $(ONION_TOOL_OBJ) $(B)/host/libnonos.a $(HOST_EXTRA_DEPS)
	@mkdir -p $(@D)
	@echo "  LD [tool]   $@"
	@$(CC) $(HOST_CFLAGS) $(ONION_TOOL_OBJ) $(B)/host/libnonos.a \
		$(HOST_EXTRA_LIBS) -o $@

# --- Release build -------------------------------------------------------------
ONION_REL := $(B)/rel-onion
ONION_REL_CFLAGS := -std=c17 -O2 -g -fstack-protector-strong \
	-D_FORTIFY_SOURCE=2 -fPIE -I. -DNONOS_HOST -D_DEFAULT_SOURCE
ONION_REL_LDFLAGS := -pie -Wl,-z,relro,-z,now
ONION_REL_OWN := $(ONION_TOOL_SRC) $(filter lib/onion/%,$(LIB_SRC)) lib/date/date.c \
	lib/fmt/fmt.c
ONION_REL_OBJ := $(ONION_REL_OWN:%.c=$(ONION_REL)/own/%.o) \
	$(BEARSSL_SRC:$(BEARSSL_DIR)/src/%.c=$(ONION_REL)/bearssl/%.o)
ONION_REL_LIBS := $(REL)/libnonos-tools.a $(REL)/libsodium.a

$(ONION_REL)/own/%.o: %.c | $(BEARSSL_STAMP) $(SODIUM_STAMP) $(SODIUM_VERSION_H)
	@mkdir -p $(@D)
	@echo "  CC [rel]    $<"
	@$(CC) $(ONION_REL_CFLAGS) $(WARN) $(BEARSSL_INC) $(SODIUM_INC) -MMD -MP \
		-c $< -o $@

$(ONION_REL)/bearssl/%.o: $(BEARSSL_DIR)/src/%.c | $(BEARSSL_STAMP)
	@mkdir -p $(@D)
	@echo "  CC [rel]    $<"
	@$(CC) $(ONION_REL_CFLAGS) $(BEARSSL_NOWARN) $(BEARSSL_CPPFLAGS) -c $< -o $@

# Without BearSSL's source (before scripts/setup) its stamp's rule says so.
$(B)/tools/nonos-onion: $(BEARSSL_STAMP) $(ONION_REL_OBJ) $(ONION_REL_LIBS)
	@mkdir -p $(@D)
	@echo "  LD [tool]   $@"
	@$(CC) $(ONION_REL_LDFLAGS) $(ONION_REL_OBJ) $(ONION_REL_LIBS) -o $@

TOOLS += $(B)/host/nonos-onion $(B)/tools/nonos-onion
bench: $(B)/tools/nonos-onion

# --- Freestanding link check ---------------------------------------------------
# lib/onion is meant to run inside NØNOS. `make $(B)/freestanding/onion-link-check`
# (part of `make check`) compiles it, lib/date and lib/fmt/fmt.c with the
# kernel's flags and links them (ld -r) with the nc_ API, lib/crypto/sha3.c
# and the freestanding libsodium and BearSSL archives: what stays undefined
# must be in ONION_ENV_SYMS (libsodium's environment, and strnlen from
# lib/libc for lib/fmt), and no SSE register may appear.
ONION_FS_SRC := $(filter lib/onion/%,$(LIB_SRC)) lib/date/date.c lib/crypto/sha3.c \
	lib/fmt/hex.c lib/fmt/fmt.c
ONION_ENV_SYMS := $(SODIUM_ENV_SYMS) strnlen
ONION_FS_OBJ := $(ONION_FS_SRC:%.c=$(B)/freestanding/onion/%.o) \
	$(SODIUM_NC_SRC:lib/crypto/%.c=$(B)/freestanding/check/nc/%.o)

$(B)/freestanding/onion/%.o: %.c | $(BEARSSL_STAMP) $(SODIUM_STAMP) $(SODIUM_VERSION_H)
	@mkdir -p $(@D)
	@echo "  CC [fs]     $<"
	@$(CC) $(SODIUM_PORT_FS_CFLAGS) $(BEARSSL_INC) -MMD -MP -c $< -o $@

$(B)/freestanding/onion-link-check: $(ONION_FS_OBJ) \
		$(B)/freestanding/libbearssl.a $(B)/freestanding/libsodium.a
	@echo "  LD -r       $@.o"
	@$(LD) -r -o $@.o $(ONION_FS_OBJ) $(B)/freestanding/libbearssl.a \
		$(B)/freestanding/libsodium.a
	@$(NM) -u $@.o | awk '{print $$NF}' | sort -u > $@.undef
	@printf '%s\n' $(ONION_ENV_SYMS) | sort -u > $@.env
	@extra=$$(comm -23 $@.undef $@.env); if [ -n "$$extra" ]; then \
		echo "onion-link-check: undefined beyond the environment:" $$extra >&2; \
		exit 1; fi
	@if $(OBJDUMP) -d $@.o | grep -qE '%[xyz]mm[0-9]'; then \
		echo "onion-link-check: SSE/AVX instructions in freestanding code" >&2; \
		exit 1; fi
	@echo "onion-link-check: lib/onion links freestanding; needs only: $$(tr '\n' ' ' < $@.undef)"
	@touch $@

LINK_CHECKS += $(B)/freestanding/onion-link-check

# --- As a NØNOS user program ---------------------------------------------------
# `make $(B)/freestanding/onion-user-check` (part of `make check`) links
# lib/onion the way oniond will run it: compiled with the user programs'
# flags, with the nc_ API, lib/crypto/sha3.c and lib/fmt/hex.c as an
# archive (only what is used comes in), the user BearSSL archive (with
# AES-NI) and the freestanding libsodium, crt0 and the user runtime (user/lib, lib/libc),
# -nostdlib, user/user.ld. ld fails on any symbol left undefined: the
# program needs no C library beyond those. tests/freestanding/onion_user_check.c
# defines the two functions the platform adds (entropy, abort). The
# libsodium archive is built with -mcmodel=kernel: its 32-bit
# sign-extended addresses hold below 2 GiB, where user.ld puts programs,
# and ld checks every relocation. USER_RT_OBJ and USER_CFLAGS are set after mk/*.mk,
# hence the second expansion and the late recipes.
ONION_USER := $(B)/freestanding/onion-user
ONION_USER_NC_SRC := $(SODIUM_NC_SRC) lib/crypto/sha3.c lib/fmt/hex.c
ONION_USER_OBJ := $(patsubst %.c,$(ONION_USER)/%.o,$(filter lib/onion/%,$(LIB_SRC))) \
	$(ONION_USER)/lib/date/date.o \
	$(ONION_USER)/tests/freestanding/onion_user_check.o
ONION_USER_NC_OBJ := $(ONION_USER_NC_SRC:%.c=$(ONION_USER)/%.o)

$(ONION_USER)/%.o: %.c | $(BEARSSL_STAMP) $(SODIUM_STAMP) $(SODIUM_VERSION_H)
	@mkdir -p $(@D)
	@echo "  CC [user]   $<"
	@$(CC) $(USER_CFLAGS) $(BEARSSL_INC) $(SODIUM_INC) -isystem lib/crypto/shim \
		-MMD -MP -c $< -o $@

$(ONION_USER)/libnc.a: $(ONION_USER_NC_OBJ)
	@echo "  AR         $@"
	@rm -f $@
	@llvm-ar rcsD $@ $^

.SECONDEXPANSION:
$(B)/freestanding/onion-user-check: $(ONION_USER_OBJ) $(ONION_USER)/libnc.a \
		$(B)/user/libbearssl.a $(B)/freestanding/libsodium.a \
		$$(USER_RT_OBJ) user/user.ld
	@echo "  LD [user]   $@"
	@$(LD) -T user/user.ld -nostdlib -z max-page-size=4096 --build-id=none \
		-o $@ $(ONION_USER_OBJ) $(USER_RT_OBJ) $(ONION_USER)/libnc.a \
		$(B)/user/libbearssl.a $(B)/freestanding/libsodium.a
	@echo "onion-user-check: lib/onion links as a NØNOS user program ($$(llvm-size -A $@ | awk '/^.text/ {print $$2}') bytes of text)"

LINK_CHECKS += $(B)/freestanding/onion-user-check
