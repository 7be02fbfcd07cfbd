# mk/vault.mk: proof that lib/vault (with lib/path, lib/sign and
# lib/fmt/hex) builds for the kernel unchanged.
# `make $(B)/freestanding/vault-link-check` (part of `make check`) compiles them with the
# kernel's flags, links them (ld -r) with the freestanding liblz4.a, and
# checks that nothing is left undefined beyond the environment lib/crypto
# already needs (mk/sodium.mk) and lib/crypto's own functions (nc_*,
# blake3*, mlkem1024_*).

VAULT_FS_SRC := $(filter lib/vault/% lib/path/% lib/sign/%,$(LIB_SRC)) lib/fmt/hex.c
VAULT_FS_OBJ := $(VAULT_FS_SRC:%.c=$(B)/freestanding/vault/%.o)
VAULT_FS_ALLOWED := '^(nc_|blake3|mlkem1024_|(abort|calloc|free|malloc|memcmp|memcpy|memmove|memset|strlen|strncmp)$$)'

$(B)/freestanding/vault/%.o: %.c | $(SODIUM_STAMP) $(SODIUM_VERSION_H) $(LZ4_STAMP)
	@mkdir -p $(@D)
	@echo "  CC [fs]     $<"
	@$(CC) $(KERNEL_CFLAGS) $(SODIUM_INC) -isystem lib/crypto/shim $(LZ4_INC) \
		-MMD -MP -c $< -o $@

$(B)/freestanding/vault-link-check: $(VAULT_FS_OBJ) $(B)/freestanding/liblz4.a
	@echo "  LD -r       $@.o"
	@$(LD) -r -o $@.o $(VAULT_FS_OBJ) --whole-archive $(B)/freestanding/liblz4.a \
		--no-whole-archive
	@$(NM) -u $@.o | awk '{print $$NF}' | sort -u > $@
	@extra=$$(grep -Ev $(VAULT_FS_ALLOWED) $@ || true); if [ -n "$$extra" ]; then \
		echo "vault-link-check: undefined beyond the environment:" $$extra >&2; \
		rm -f $@; exit 1; fi
	@echo "vault-link-check: lib/vault links freestanding; needs: $$(tr '\n' ' ' < $@)"

LINK_CHECKS += $(B)/freestanding/vault-link-check
