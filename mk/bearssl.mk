# mk/bearssl.mk: BearSSL (TLS 1.2, X.509, RSA, AES, SHA-1), built from
# Debian's source package (pinned in scripts/fetch-sources, unpacked to
# deps/bearssl), every src/**/*.c, three times:
#   $(B)/host/libbearssl.a          host flags with the sanitizers, for unit
#                                   tests, fuzzers and tools (HOST_EXTRA_LIBS)
#   $(B)/freestanding/libbearssl.a  kernel flags: no SSE, no libc, no rdrand
#                                   (the proof that lib/onion could run
#                                   without SSE: onion-link-check)
#   $(B)/user/libbearssl.a          user programs' flags (oniond): no libc,
#                                   no rdrand, but AES-NI and PCLMUL where
#                                   CPUID shows them, as on the host. User
#                                   threads may use SSE: the scheduler saves
#                                   each one's registers (kernel/sched.c).
# No variant reads /dev/urandom or the clock (BR_USE_URANDOM=0,
# BR_USE_UNIX_TIME=0): lib/onion injects entropy from nc_random_bytes() and
# never asks BearSSL for the time (Tor's own CERTS checks replace X.509
# path validation). Third-party code is compiled without warnings.

BEARSSL_DIR := deps/bearssl
BEARSSL_STAMP := $(BEARSSL_DIR)/.nonos-version
BEARSSL_VERSION := $(shell sed -n 's/^bearssl=//p' scripts/fetch-sources)
BEARSSL_SRC := $(sort $(shell find $(BEARSSL_DIR)/src -name '*.c' 2>/dev/null))

# For code that includes <bearssl.h> (lib/onion, its tests and tools).
BEARSSL_INC := -isystem $(BEARSSL_DIR)/inc

BEARSSL_CPPFLAGS := -I$(BEARSSL_DIR)/inc -I$(BEARSSL_DIR)/src \
	-DBR_USE_URANDOM=0 -DBR_USE_UNIX_TIME=0 -DBR_USE_WIN32_RAND=0 \
	-DBR_USE_WIN32_TIME=0
# The kernel has no SSE and no C library; AES-NI and rdrand code is left out.
BEARSSL_FS_ONLY := -DBR_AES_X86NI=0 -DBR_SSE2=0 -DBR_RDRAND=0 -DBR_POWER8=0
BEARSSL_NOWARN := -Wno-everything -Werror=implicit-function-declaration \
	-Werror=implicit-int -Werror=incompatible-pointer-types \
	-Werror=int-conversion -Werror=return-type

# Recursive (=): HOST_CFLAGS, KERNEL_CFLAGS and USER_CFLAGS are set after mk/*.mk.
BEARSSL_HOST_CFLAGS = $(filter-out -W%,$(HOST_CFLAGS)) $(BEARSSL_NOWARN) \
	$(BEARSSL_CPPFLAGS)
BEARSSL_FS_CFLAGS = $(filter-out -W%,$(KERNEL_CFLAGS)) $(BEARSSL_NOWARN) \
	$(BEARSSL_CPPFLAGS) $(BEARSSL_FS_ONLY) -isystem lib/crypto/shim
BEARSSL_USER_CFLAGS = $(filter-out -W%,$(USER_CFLAGS)) $(BEARSSL_NOWARN) \
	$(BEARSSL_CPPFLAGS) -DBR_RDRAND=0 -DBR_POWER8=0 -isystem lib/crypto/shim

BEARSSL_HOST_OBJ := $(BEARSSL_SRC:$(BEARSSL_DIR)/src/%.c=$(B)/host/bearssl/%.o)
BEARSSL_FS_OBJ := $(BEARSSL_SRC:$(BEARSSL_DIR)/src/%.c=$(B)/freestanding/bearssl/%.o)
BEARSSL_USER_OBJ := $(BEARSSL_SRC:$(BEARSSL_DIR)/src/%.c=$(B)/user/bearssl/%.o)

# --- Source -------------------------------------------------------------------
# scripts/setup fetches it; make stops with a message when it is missing
# or the pin in scripts/fetch-sources has changed.
ifneq ($(wildcard $(BEARSSL_STAMP)),)
ifneq ($(shell cat $(BEARSSL_STAMP)),$(BEARSSL_VERSION))
$(BEARSSL_STAMP): bearssl-refetch
endif
endif
$(BEARSSL_STAMP):
	@echo "$(BEARSSL_DIR) is missing or not $(BEARSSL_VERSION): run scripts/setup (make never runs apt)" >&2
	@exit 1

$(BEARSSL_DIR)/src/%.c: | $(BEARSSL_STAMP) ;

# --- Objects and archives -----------------------------------------------------
$(B)/host/bearssl/%.o: $(BEARSSL_DIR)/src/%.c $(BEARSSL_STAMP)
	@mkdir -p $(@D)
	@echo "  CC [bearssl-host] $<"
	@$(CC) $(BEARSSL_HOST_CFLAGS) -MMD -MP -c $< -o $@

$(B)/freestanding/bearssl/%.o: $(BEARSSL_DIR)/src/%.c $(BEARSSL_STAMP)
	@mkdir -p $(@D)
	@echo "  CC [bearssl-fs] $<"
	@$(CC) $(BEARSSL_FS_CFLAGS) -MMD -MP -c $< -o $@

$(B)/user/bearssl/%.o: $(BEARSSL_DIR)/src/%.c $(BEARSSL_STAMP)
	@mkdir -p $(@D)
	@echo "  CC [bearssl-user] $<"
	@$(CC) $(BEARSSL_USER_CFLAGS) -MMD -MP -c $< -o $@

# Without the source (before scripts/setup) the stamp's rule says so.
$(B)/host/libbearssl.a: $(BEARSSL_STAMP) $(BEARSSL_HOST_OBJ)
	@echo "  AR         $@"
	@rm -f $@
	@llvm-ar rcsD $@ $(BEARSSL_HOST_OBJ)

$(B)/freestanding/libbearssl.a: $(BEARSSL_STAMP) $(BEARSSL_FS_OBJ)
	@echo "  AR         $@"
	@rm -f $@
	@llvm-ar rcsD $@ $(BEARSSL_FS_OBJ)

$(B)/user/libbearssl.a: $(BEARSSL_STAMP) $(BEARSSL_USER_OBJ)
	@echo "  AR         $@"
	@rm -f $@
	@llvm-ar rcsD $@ $(BEARSSL_USER_OBJ)

HOST_EXTRA_LIBS += $(B)/host/libbearssl.a
HOST_EXTRA_DEPS += $(B)/host/libbearssl.a

# --- Users of <bearssl.h> -----------------------------------------------------
$(B)/host/lib/onion/%.o: HOST_CFLAGS += $(BEARSSL_INC)
$(B)/host/tests/test_onion $(B)/host/tests/test_onion_%: HOST_CFLAGS += $(BEARSSL_INC)
$(B)/fuzz/%: FUZZ_CFLAGS += $(BEARSSL_INC)
$(patsubst %.c,$(B)/host/%.o,$(filter lib/onion/%,$(LIB_SRC))): | $(BEARSSL_STAMP)

.PHONY: bearssl-refetch
