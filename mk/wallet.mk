# mk/wallet.mk: the wallet (user/wallet), the NØN ledger's client inside
# NØNOS (docs/ledger.md, "The wallet"). Besides the user runtime it links
# lib/ledger unchanged (transactions, the client protocol, replica
# signatures), lib/crypto's nc_ API and BLAKE3, compiled here with the
# user programs' flags, and the freestanding libsodium archive, as
# mk/persistd.mk does for persistd. USER_RT_OBJ is set after mk/*.mk:
# second expansion.
WALLET := $(B)/wallet
WALLET_LIB_SRC := $(filter lib/ledger/%,$(LIB_SRC)) $(SODIUM_NC_SRC) lib/fmt/hex.c \
	lib/crypto/blake3.c
WALLET_LIB_OBJ := $(WALLET_LIB_SRC:%.c=$(WALLET)/%.o)
WALLET_OBJ := $(patsubst %.c,$(WALLET)/%.o,$(wildcard user/wallet/*.c))

$(WALLET)/%.o: %.c | $(SODIUM_STAMP) $(SODIUM_VERSION_H)
	@mkdir -p $(@D)
	@echo "  CC [user]   $<"
	@$(CC) $(USER_CFLAGS) $(SODIUM_INC) -isystem lib/crypto/shim -MMD -MP -c $< -o $@

$(WALLET)/libwallet.a: $(WALLET_LIB_OBJ)
	@echo "  AR         $@"
	@rm -f $@
	@llvm-ar rcsD $@ $^

-include $(WALLET_LIB_OBJ:.o=.d) $(WALLET_OBJ:.o=.d)

.SECONDEXPANSION:
$(B)/modules/wallet: $(WALLET_OBJ) $(WALLET)/libwallet.a $(B)/freestanding/libsodium.a \
		$$(USER_RT_OBJ) user/user.ld $(B)/user/wallet.srcs
	@mkdir -p $(@D)
	@echo "  LD [user]   $@"
	@$(LD) -T user/user.ld -nostdlib -z max-page-size=4096 --build-id=none \
		--strip-debug -o $@ $(WALLET_OBJ) $(USER_RT_OBJ) $(WALLET)/libwallet.a \
		$(B)/freestanding/libsodium.a
