# mk/lwip.mk: lwIP (IPv4, ARP, DHCP, TCP; raw API, NO_SYS) built from
# Debian's source package (pinned in scripts/fetch-sources, unpacked to
# deps/lwip), configured by lib/net/lwipopts.h and lib/net/arch/cc.h,
# twice:
#   $(B)/host/liblwip.a   host flags with the sanitizers, for the unit
#                         tests and fuzzers that run the stack (HOST_EXTRA_LIBS)
#   $(B)/user/lwip/*.o    user-program flags, linked into netd with lib/net,
#                         lib/pktring and BLAKE3 (lib/crypto/blake3.c)
# The freestanding build needs only lib/libc's string functions
# (lib/net/shim supplies the headers lwIP includes). Third-party code is
# compiled without warnings; lib/net, our glue, with the project's.

LWIP_DIR := deps/lwip
LWIP_STAMP := $(LWIP_DIR)/.nonos-version
LWIP_VERSION := $(shell sed -n 's/^lwip=//p' scripts/fetch-sources)
LWIP_SRC := $(sort $(wildcard $(LWIP_DIR)/src/core/*.c $(LWIP_DIR)/src/core/ipv4/*.c)) \
	$(LWIP_DIR)/src/netif/ethernet.c

# For code that includes lwIP's headers: system headers, so the project's
# warnings stay on for our code only.
LWIP_INC := -isystem $(LWIP_DIR)/src/include -isystem lib/net
LWIP_NOWARN := -Wno-everything -Werror=implicit-function-declaration \
	-Werror=implicit-int -Werror=incompatible-pointer-types \
	-Werror=int-conversion -Werror=return-type

# Recursive (=): HOST_CFLAGS and USER_CFLAGS are set after mk/*.mk.
LWIP_HOST_CFLAGS = $(filter-out -W%,$(HOST_CFLAGS)) $(LWIP_NOWARN) $(LWIP_INC)
LWIP_USER_CFLAGS = $(filter-out -W%,$(USER_CFLAGS)) $(LWIP_NOWARN) $(LWIP_INC) \
	-isystem lib/net/shim

LWIP_HOST_OBJ := $(LWIP_SRC:$(LWIP_DIR)/src/%.c=$(B)/host/lwip/%.o)
LWIP_USER_OBJ := $(LWIP_SRC:$(LWIP_DIR)/src/%.c=$(B)/user/lwip/%.o)
# The configuration is on a system include path, which -MMD leaves out of
# the dependency files: name it here, so that a changed option rebuilds.
LWIP_CONFIG := lib/net/lwipopts.h lib/net/arch/cc.h lib/net/hooks.h \
	$(wildcard lib/net/shim/*.h)

# --- Source -------------------------------------------------------------------
ifneq ($(wildcard $(LWIP_STAMP)),)
ifneq ($(shell cat $(LWIP_STAMP)),$(LWIP_VERSION))
$(LWIP_STAMP): lwip-refetch
endif
endif
$(LWIP_STAMP):
	@echo "$(LWIP_DIR) is missing or not $(LWIP_VERSION): run scripts/setup (make never runs apt)" >&2
	@exit 1

$(LWIP_DIR)/src/%.c: | $(LWIP_STAMP) ;

# --- Objects and archives -----------------------------------------------------
$(B)/host/lwip/%.o: $(LWIP_DIR)/src/%.c $(LWIP_STAMP) $(LWIP_CONFIG)
	@mkdir -p $(@D)
	@echo "  CC [lwip-host] $<"
	@$(CC) $(LWIP_HOST_CFLAGS) -MMD -MP -c $< -o $@

$(B)/user/lwip/%.o: $(LWIP_DIR)/src/%.c $(LWIP_STAMP) $(LWIP_CONFIG)
	@mkdir -p $(@D)
	@echo "  CC [lwip-user] $<"
	@$(CC) $(LWIP_USER_CFLAGS) -MMD -MP -c $< -o $@

$(B)/host/liblwip.a: $(LWIP_STAMP) $(LWIP_HOST_OBJ)
	@echo "  AR         $@"
	@rm -f $@
	@llvm-ar rcsD $@ $(LWIP_HOST_OBJ)

HOST_EXTRA_LIBS += $(B)/host/liblwip.a
HOST_EXTRA_DEPS += $(B)/host/liblwip.a

# --- Our glue (lib/net) and its users -------------------------------------------
NET_SRC := $(sort $(wildcard lib/net/*.c))
$(NET_SRC:%.c=$(B)/host/%.o): HOST_CFLAGS += $(LWIP_INC)
$(NET_SRC:%.c=$(B)/host/%.o) $(NET_SRC:%.c=$(B)/user/%.o): $(LWIP_CONFIG) | $(LWIP_STAMP)
$(B)/host/tests/test_net: $(LWIP_CONFIG)
$(B)/host/tests/test_net $(B)/host/tests/test_net_%: HOST_CFLAGS += $(LWIP_INC)
$(B)/fuzz/%: FUZZ_CFLAGS += $(LWIP_INC)

# netd: lwIP's objects beside its own, the runtime and (USER_LIBS_netd, the
# Makefile's list of library code only some programs link) our glue.
USER_LIBS_netd := $(NET_SRC) lib/pktring/pktring.c lib/crypto/blake3.c lib/crypto/fkrng.c
NETD_OBJ := $(patsubst %.c,$(B)/user/%.o,$(wildcard user/netd/*.c))
$(NET_SRC:%.c=$(B)/user/%.o) $(NETD_OBJ): USER_CFLAGS += $(LWIP_INC) -isystem lib/net/shim
$(NETD_OBJ): $(LWIP_CONFIG) | $(LWIP_STAMP)
$(B)/modules/netd: $(LWIP_USER_OBJ)
$(LWIP_USER_OBJ):

.PHONY: lwip-refetch
