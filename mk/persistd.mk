# mk/persistd.mk: persistd, the user program that seals and writes vaults
# (user/persistd). Besides the user runtime it links lib/vault, lib/store,
# lib/sign and lib/fmt/hex (signing keys for signed vaults),
# lib/path, lib/crypto's nc_ API, BLAKE3, SHA-3 and ML-KEM, compiled here
# with the user programs' flags, and the freestanding libsodium and LZ4
# archives (kernel flags: -mcmodel=kernel addresses hold below 2 GiB,
# where user/user.ld puts programs, as mk/tor.mk's onion-user-check
# shows). The generic rule in the Makefile links only objects, hence this
# rule of its own. USER_CFLAGS and USER_RT_OBJ are set after mk/*.mk:
# second expansion, late recipes.
PERSISTD := $(B)/persistd
PERSISTD_LIB_SRC := $(filter lib/vault/% lib/store/% lib/path/% lib/sign/%,$(LIB_SRC)) lib/fmt/hex.c \
	$(SODIUM_NC_SRC) lib/crypto/blake3.c lib/crypto/sha3.c lib/crypto/mlkem.c
PERSISTD_LIB_OBJ := $(PERSISTD_LIB_SRC:%.c=$(PERSISTD)/%.o)
PERSISTD_OBJ := $(patsubst %.c,$(PERSISTD)/%.o,$(wildcard user/persistd/*.c))

$(PERSISTD)/%.o: %.c | $(SODIUM_STAMP) $(SODIUM_VERSION_H) $(LZ4_STAMP)
	@mkdir -p $(@D)
	@echo "  CC [user]   $<"
	@$(CC) $(USER_CFLAGS) $(SODIUM_INC) -isystem lib/crypto/shim $(LZ4_INC) \
		-MMD -MP -c $< -o $@

$(PERSISTD)/libpersist.a: $(PERSISTD_LIB_OBJ)
	@echo "  AR         $@"
	@rm -f $@
	@llvm-ar rcsD $@ $^

-include $(PERSISTD_LIB_OBJ:.o=.d) $(PERSISTD_OBJ:.o=.d)

.SECONDEXPANSION:
$(B)/modules/persistd: $(PERSISTD_OBJ) $(PERSISTD)/libpersist.a \
		$(B)/freestanding/libsodium.a $(B)/freestanding/liblz4.a \
		$$(USER_RT_OBJ) user/user.ld $(B)/user/persistd.srcs
	@mkdir -p $(@D)
	@echo "  LD [user]   $@"
	@$(LD) -T user/user.ld -nostdlib -z max-page-size=4096 --build-id=none \
		--strip-debug -o $@ $(PERSISTD_OBJ) $(USER_RT_OBJ) $(PERSISTD)/libpersist.a \
		$(B)/freestanding/libsodium.a $(B)/freestanding/liblz4.a

# The shell makes and reads the archive itself (user/shell/persist.c):
# lib/vault's archive code and messages, and lib/path. They include
# <string.h>, which user programs find in lib/crypto/shim.
USER_LIBS_shell += lib/vault/archive.c lib/vault/error.c lib/path/path.c
$(B)/user/lib/vault/%.o $(B)/user/lib/path/%.o: USER_CFLAGS += -isystem lib/crypto/shim
