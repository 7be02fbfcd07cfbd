# mk/tools.mk: the host tools nonos-vault and nonos-sign as people run
# them: -O2, no sanitizers, hardened (stack protector, FORTIFY, PIE), linked
# against release builds of libsodium and lz4 from the same Debian sources.
#   $(B)/rel/         release objects and archives (also used by bench/vault)
#   $(B)/tools/       nonos-vault, nonos-sign
# The unit tests and fuzzers cover the same lib/ code with the sanitizers;
# tests/tools/vault_cli.sh drives these binaries.
# Included after mk/sodium.mk and mk/lz4.mk (the Makefile's MK list), whose
# variables the prerequisite lists below need.

REL := $(B)/rel
REL_CFLAGS = $(WARN) $(REPRO) -O2 -g -fstack-protector-strong \
	-D_FORTIFY_SOURCE=2 -fPIE -I. -DNONOS_HOST -D_DEFAULT_SOURCE
REL_LDFLAGS := -pie -Wl,-z,relro,-z,now

# The release libsodium also has the x86-64 SIMD code that libsodium picks
# at run time from CPUID (SSSE3/SSE4.1/AVX2 ChaCha20, Poly1305, BLAKE2b and
# Argon2 fill); each such file is compiled for its instruction set only.
# HAVE_AVX_ASM is given to runtime.c alone (its XGETBV check): elsewhere
# it would select the sandy2x assembly, which we do not build.
REL_SODIUM_SIMD := \
	crypto_generichash/blake2b/ref/blake2b-compress-ssse3.c \
	crypto_generichash/blake2b/ref/blake2b-compress-sse41.c \
	crypto_generichash/blake2b/ref/blake2b-compress-avx2.c \
	crypto_onetimeauth/poly1305/sse2/poly1305_sse2.c \
	crypto_pwhash/argon2/argon2-fill-block-ssse3.c \
	crypto_pwhash/argon2/argon2-fill-block-avx2.c \
	crypto_stream/chacha20/dolbeau/chacha20_dolbeau-ssse3.c \
	crypto_stream/chacha20/dolbeau/chacha20_dolbeau-avx2.c \
	crypto_stream/salsa20/xmm6int/salsa20_xmm6int-sse2.c \
	crypto_stream/salsa20/xmm6int/salsa20_xmm6int-avx2.c
REL_SODIUM_DEFS := -DHAVE_CPUID=1 -DHAVE_MMINTRIN_H=1 -DHAVE_EMMINTRIN_H=1 \
	-DHAVE_PMMINTRIN_H=1 -DHAVE_TMMINTRIN_H=1 -DHAVE_SMMINTRIN_H=1 \
	-DHAVE_AVXINTRIN_H=1 -DHAVE_AVX2INTRIN_H=1
$(REL)/sodium/%ssse3.o: REL_SODIUM_ARCH := -mssse3
$(REL)/sodium/%sse41.o: REL_SODIUM_ARCH := -msse4.1
$(REL)/sodium/%avx2.o: REL_SODIUM_ARCH := -mavx2
$(REL)/sodium/sodium/runtime.o: REL_SODIUM_ARCH := -DHAVE_AVX_ASM=1

REL_LIB_SRC := $(filter lib/crypto/% lib/vault/% lib/sign/% lib/path/% lib/gpt/% lib/store/%,$(LIB_SRC)) \
	lib/fmt/hex.c
REL_LIB_OBJ := $(REL_LIB_SRC:%.c=$(REL)/%.o)
REL_SODIUM_OBJ := $(SODIUM_SRC:%.c=$(REL)/sodium/%.o) \
	$(REL_SODIUM_SIMD:%.c=$(REL)/sodium/%.o) \
	$(REL)/sodium/port/nonos_random.o $(REL)/sodium/port/host_entropy.o
REL_LIBS := $(REL)/libnonos-tools.a $(REL)/libsodium.a $(REL)/liblz4.a

$(REL)/lib/%.o: lib/%.c | $(SODIUM_STAMP) $(SODIUM_VERSION_H) $(LZ4_STAMP)
	@mkdir -p $(@D)
	@echo "  CC [rel]    $<"
	@$(CC) $(REL_CFLAGS) $(SODIUM_INC) $(LZ4_INC) -MMD -MP -c $< -o $@

$(REL)/sodium/%.o: $(SODIUM_SRCDIR)/%.c $(SODIUM_STAMP) | $(SODIUM_VERSION_H)
	@mkdir -p $(@D)
	@echo "  CC [sodium-rel] $<"
	@$(CC) $(filter-out -W%,$(REL_CFLAGS)) $(SODIUM_NOWARN) $(SODIUM_CPPFLAGS) \
		-DHAVE_PTHREAD=1 $(REL_SODIUM_DEFS) $(REL_SODIUM_ARCH) $(SODIUM_EXTRA) \
		-MMD -MP -c $< -o $@

$(REL)/sodium/randombytes/randombytes.o: SODIUM_EXTRA := -include lib/crypto/port/nonos_random.h
$(REL)/sodium/randombytes/randombytes.o: lib/crypto/port/nonos_random.h

$(REL)/sodium/port/%.o: lib/crypto/port/%.c $(SODIUM_STAMP) | $(SODIUM_VERSION_H)
	@mkdir -p $(@D)
	@echo "  CC [rel]    $<"
	@$(CC) $(REL_CFLAGS) $(SODIUM_INC) -MMD -MP -c $< -o $@

$(REL)/lz4/lz4.o: $(LZ4_SRC) $(LZ4_STAMP)
	@mkdir -p $(@D)
	@echo "  CC [lz4-rel] $<"
	@$(CC) $(filter-out -W%,$(REL_CFLAGS)) $(LZ4_NOWARN) -c $< -o $@

$(REL)/libnonos-tools.a: $(REL_LIB_OBJ)
	@rm -f $@
	@llvm-ar rcsD $@ $^

$(REL)/libsodium.a: $(REL_SODIUM_OBJ)
	@rm -f $@
	@llvm-ar rcsD $@ $^

$(REL)/liblz4.a: $(REL)/lz4/lz4.o
	@rm -f $@
	@llvm-ar rcsD $@ $^

$(REL)/tools/%.o: tools/%.c | $(SODIUM_STAMP) $(SODIUM_VERSION_H) $(LZ4_STAMP)
	@mkdir -p $(@D)
	@echo "  CC [tool]   $<"
	@$(CC) $(REL_CFLAGS) -MMD -MP -c $< -o $@

TOOL_COMMON_OBJ := $(patsubst %.c,$(REL)/%.o,$(sort $(wildcard tools/common/*.c)))
VAULT_TOOL_OBJ := $(patsubst %.c,$(REL)/%.o,$(sort $(wildcard tools/nonos-vault/*.c)))
SIGN_TOOL_OBJ := $(patsubst %.c,$(REL)/%.o,$(sort $(wildcard tools/nonos-sign/*.c)))

$(B)/tools/nonos-vault: $(VAULT_TOOL_OBJ) $(TOOL_COMMON_OBJ) $(REL_LIBS)
	@mkdir -p $(@D)
	@echo "  LD [tool]   $@"
	@$(CC) $(REL_LDFLAGS) $(VAULT_TOOL_OBJ) $(TOOL_COMMON_OBJ) $(REL_LIBS) -o $@

$(B)/tools/nonos-sign: $(SIGN_TOOL_OBJ) $(TOOL_COMMON_OBJ) $(REL_LIBS)
	@mkdir -p $(@D)
	@echo "  LD [tool]   $@"
	@$(CC) $(REL_LDFLAGS) $(SIGN_TOOL_OBJ) $(TOOL_COMMON_OBJ) $(REL_LIBS) -o $@

TOOLS += $(B)/tools/nonos-vault $(B)/tools/nonos-sign
tools: $(B)/tools/nonos-vault $(B)/tools/nonos-sign
.PHONY: tools
