# mk/vault-bench.mk: bench/vault's peer program, libsodium's secretstream
# on the same release libsodium as the tools (mk/tools.mk), -O2, no
# sanitizers. bench/vault/run builds it with the tools.

$(B)/bench/vault-secretstream: bench/vault/secretstream.c $(REL)/libnonos-tools.a \
		$(REL)/libsodium.a
	@mkdir -p $(@D)
	@echo "  LD [bench]  $@"
	@$(CC) $(REL_CFLAGS) $(SODIUM_INC) $< $(REL)/libnonos-tools.a \
		$(REL)/libsodium.a -o $@
