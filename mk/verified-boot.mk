# mk/verified-boot.mk: what the verified boot chain needs at build time
# (docs/boot-manifest.md, docs/security-model.md):
#   $(B)/tools/nonos-manifest   makes, signs and measures boot manifests
#   keys/dev.key, keys/dev.pub  the development signing key, made on first
#                               use; keys/ is never committed. A release
#                               key is given by path: make SIGNING_KEY=...
#   $(B)/boot/pubkey.c          the signing key's public half, built into
#                               the loader
#   $(B)/efi/libsodium.a        the part of libsodium (Debian source,
#                               mk/sodium.mk) the loader needs to check an
#                               Ed25519 signature and compute SHA-256,
#                               compiled for the UEFI target
# IMAGE_VERSION is the image's anti-rollback version (a number from 1):
# a machine that booted version N refuses every image below N.
# Included after mk/sodium.mk (the Makefile's MK list), whose variables
# the rules need.

SIGNING_KEY ?= keys/dev.key
IMAGE_VERSION ?= 1
DEV_KEY := keys/dev.key

# --- The tool -------------------------------------------------------------------
# Host build with the sanitizers, from an explicit list of sources, so the
# image depends on nothing else in lib/.
MANIFEST_TOOL := $(B)/tools/nonos-manifest
MANIFEST_TOOL_SRC := tools/nonos-manifest/main.c tools/common/cli.c \
	tools/common/fileio.c tools/common/keyfile.c tools/common/progress.c \
	lib/manifest/manifest.c lib/manifest/verify.c lib/sign/check.c \
	lib/sign/sign.c lib/fmt/fmt.c lib/fmt/hex.c lib/path/path.c \
	lib/crypto/blake3.c lib/crypto/crypto.c lib/crypto/sign.c \
	lib/crypto/verify.c lib/crypto/hashes.c lib/crypto/sha256.c
MANIFEST_TOOL_OBJ := $(MANIFEST_TOOL_SRC:%.c=$(B)/host/%.o)

$(MANIFEST_TOOL): $(MANIFEST_TOOL_OBJ) $(B)/host/libsodium.a
	@mkdir -p $(@D)
	@echo "  LD [tool]   $@"
	@$(CC) $(HOST_CFLAGS) $^ -o $@

TOOLS += $(MANIFEST_TOOL)

# --- Keys -------------------------------------------------------------------------
# The development key is made once and kept; keygen never overwrites.
$(DEV_KEY): | $(MANIFEST_TOOL)
	@mkdir -p $(@D)
	$(MANIFEST_TOOL) keygen -o $(basename $@)

ifneq ($(SIGNING_KEY),$(DEV_KEY))
$(SIGNING_KEY):
	@echo "SIGNING_KEY=$@: no such file (nonos-manifest keygen -o NAME makes a key)" >&2
	@exit 1
endif

# Rewritten only when the key or the version changes, so that a build with
# another key rebuilds the loader and the image, and a build with the same
# one rebuilds nothing.
$(B)/boot/pubkey.c: $(SIGNING_KEY) FORCE | $(MANIFEST_TOOL)
	@mkdir -p $(@D)
	@$(MANIFEST_TOOL) pubkey -k $(SIGNING_KEY) -o $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(B)/boot/image-version: FORCE
	@mkdir -p $(@D)
	@echo $(IMAGE_VERSION) > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(B)/efi/boot/pubkey.o: $(B)/boot/pubkey.c
	@mkdir -p $(@D)
	@echo "  CC [efi]    $<"
	@$(CC) $(EFI_CFLAGS) -c $< -o $@

# --- libsodium for the loader -------------------------------------------------------
# Ed25519 verification (ref10), SHA-512 (which it uses), SHA-256 (the TPM
# bank, through lib/crypto/sha256.c) and sodium/utils.c (memzero, memcmp, is_zero), nothing else. The
# UEFI target is x86_64-unknown-windows, so clang defines _WIN32 and
# _MSC_VER, which would make libsodium expect <windows.h>; the loader is
# no Windows program, so they are undefined here. The environment these
# objects need is boot/sodium_env.c's: no heap, no random numbers.
EFI_SODIUM_SRC := \
	crypto_core/ed25519/ref10/ed25519_ref10.c \
	crypto_hash/sha256/cp/hash_sha256_cp.c \
	crypto_hash/sha512/cp/hash_sha512_cp.c \
	crypto_sign/ed25519/ref10/open.c \
	crypto_sign/ed25519/ref10/sign.c \
	crypto_verify/sodium/verify.c \
	sodium/utils.c
EFI_SODIUM_OBJ := $(EFI_SODIUM_SRC:%.c=$(B)/efi/sodium/%.o)
EFI_SODIUM_DEFS := -U_WIN32 -U_WIN64 -U_MSC_VER -U_M_X64 -U_M_AMD64 \
	-DSODIUM_STATIC=1
EFI_SODIUM_CFLAGS = $(filter-out -W%,$(EFI_CFLAGS)) $(SODIUM_NOWARN) \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-isystem lib/crypto/shim $(SODIUM_CPPFLAGS) $(EFI_SODIUM_DEFS)

$(B)/efi/sodium/%.o: $(SODIUM_SRCDIR)/%.c $(SODIUM_STAMP) | $(SODIUM_VERSION_H)
	@mkdir -p $(@D)
	@echo "  CC [sodium-efi] $<"
	@$(CC) $(EFI_SODIUM_CFLAGS) -MMD -MP -c $< -o $@

$(B)/efi/libsodium.a: $(EFI_SODIUM_OBJ)
	@rm -f $@
	@llvm-ar rcsD $@ $^

# Loader files that include <sodium/...>.
EFI_SODIUM_USERS := $(B)/efi/lib/crypto/verify.o $(B)/efi/lib/crypto/sha256.o \
	$(B)/efi/boot/sodium_env.o
$(EFI_SODIUM_USERS): EFI_CFLAGS += $(SODIUM_INC) -isystem lib/crypto/shim \
	$(EFI_SODIUM_DEFS)
$(EFI_SODIUM_USERS): | $(SODIUM_STAMP) $(SODIUM_VERSION_H)

