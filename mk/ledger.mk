# mk/ledger.mk: the NØN ledger outside the unit tests (docs/ledger.md).
#   $(B)/tools/nonos-ledger          the host tool, release build (mk/tools.mk's
#                                    flags and libraries)
#   $(B)/bench/ledger-apply          bench/ledger's program
#   $(B)/freestanding/ledger-link-check
#                                    proof that lib/ledger and lib/dp build with
#                                    the kernel's flags and need nothing beyond
#                                    lib/crypto's environment
# Included after mk/tools.mk, whose rules and variables it uses.

LEDGER_LIB_SRC := $(filter lib/ledger/% lib/dp/%,$(LIB_SRC))
LEDGER_REL_OBJ := $(LEDGER_LIB_SRC:%.c=$(REL)/%.o)
LEDGER_TOOL_OBJ := $(patsubst %.c,$(REL)/%.o,$(sort $(wildcard tools/nonos-ledger/*.c)))

$(B)/tools/nonos-ledger: $(LEDGER_TOOL_OBJ) $(TOOL_COMMON_OBJ) $(LEDGER_REL_OBJ) $(REL_LIBS)
	@mkdir -p $(@D)
	@echo "  LD [tool]   $@"
	@$(CC) $(REL_LDFLAGS) $(LEDGER_TOOL_OBJ) $(TOOL_COMMON_OBJ) \
		$(LEDGER_REL_OBJ) $(REL_LIBS) -o $@

TOOLS += $(B)/tools/nonos-ledger

$(B)/bench/ledger-apply: bench/ledger/apply.c $(LEDGER_REL_OBJ) $(REL_LIBS)
	@mkdir -p $(@D)
	@echo "  LD [bench]  $@"
	@$(CC) $(REL_CFLAGS) $(SODIUM_INC) $< $(LEDGER_REL_OBJ) $(REL_LIBS) -o $@

LEDGER_FS_OBJ := $(LEDGER_LIB_SRC:%.c=$(B)/freestanding/ledger/%.o)
LEDGER_FS_ALLOWED := '^(nc_|blake3|(memcmp|memcpy|memmove|memset|strlen)$$)'

$(B)/freestanding/ledger/%.o: %.c | $(SODIUM_STAMP) $(SODIUM_VERSION_H)
	@mkdir -p $(@D)
	@echo "  CC [fs]     $<"
	@$(CC) $(KERNEL_CFLAGS) $(SODIUM_INC) -isystem lib/crypto/shim \
		-MMD -MP -c $< -o $@

$(B)/freestanding/ledger-link-check: $(LEDGER_FS_OBJ)
	@echo "  LD -r       $@.o"
	@$(LD) -r -o $@.o $(LEDGER_FS_OBJ)
	@$(NM) -u $@.o | awk '{print $$NF}' | sort -u > $@
	@extra=$$(grep -Ev $(LEDGER_FS_ALLOWED) $@ || true); if [ -n "$$extra" ]; then \
		echo "ledger-link-check: undefined beyond the environment:" $$extra >&2; \
		rm -f $@; exit 1; fi
	@echo "ledger-link-check: lib/ledger and lib/dp link freestanding; need: $$(tr '\n' ' ' < $@)"

LINK_CHECKS += $(B)/freestanding/ledger-link-check

# nonos-ledgerd: the replicated node (docs/ledger.md): lib/ledger on
# Canonical's Raft (Debian's libraft-dev) and libuv, linked dynamically
# against the Debian libraries; nonos-ledger's parsers are shared.
LEDGERD_OBJ := $(patsubst %.c,$(REL)/%.o,$(sort $(wildcard tools/nonos-ledgerd/*.c))) \
	$(REL)/tools/nonos-ledger/util.o

$(B)/tools/nonos-ledgerd: $(LEDGERD_OBJ) $(TOOL_COMMON_OBJ) $(LEDGER_REL_OBJ) $(REL_LIBS)
	@mkdir -p $(@D)
	@echo "  LD [tool]   $@"
	@$(CC) $(REL_LDFLAGS) $(LEDGERD_OBJ) $(TOOL_COMMON_OBJ) \
		$(LEDGER_REL_OBJ) $(REL_LIBS) -lraft -luv -o $@

TOOLS += $(B)/tools/nonos-ledgerd

# bench/ledger's etcd peer load (bench/ledger/cluster.py): puts over
# etcd's JSON gateway, shaped like nonos-ledger's load.
$(B)/bench/etcd-put: bench/ledger/etcdput.c
	@mkdir -p $(@D)
	@echo "  LD [bench]  $@"
	@$(CC) $(REL_CFLAGS) $< -lpthread -o $@
