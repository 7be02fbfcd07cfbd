# mk/lz4.mk: LZ4 (block format only, lib/lz4.c) from Debian's source package
# (pinned in scripts/fetch-sources, unpacked to deps/lz4), for lib/vault:
#   $(B)/host/liblz4.a          host flags with the sanitizers (HOST_EXTRA_LIBS)
#   $(B)/freestanding/liblz4.a  kernel flags, LZ4_FREESTANDING: needs only
#                               memcpy, memmove and memset
# Release builds for the tools and benchmarks are in mk/tools.mk.

LZ4_DIR := deps/lz4
LZ4_STAMP := $(LZ4_DIR)/.nonos-version
LZ4_VERSION := $(shell sed -n 's/^lz4=//p' scripts/fetch-sources)
LZ4_SRC := $(LZ4_DIR)/lib/lz4.c
# For code that includes <lz4.h>: a system header, so our warnings stay ours.
LZ4_INC := -isystem $(LZ4_DIR)/lib
LZ4_NOWARN := -Wno-everything
LZ4_FS_DEFS := -DLZ4_FREESTANDING=1 -DLZ4_memcpy=__builtin_memcpy \
	-DLZ4_memmove=__builtin_memmove -DLZ4_memset=__builtin_memset

ifneq ($(wildcard $(LZ4_STAMP)),)
ifneq ($(shell cat $(LZ4_STAMP)),$(LZ4_VERSION))
$(LZ4_STAMP): lz4-refetch
endif
endif
$(LZ4_STAMP):
	@echo "$(LZ4_DIR) is missing or not $(LZ4_VERSION): run scripts/setup (make never runs apt)" >&2
	@exit 1

$(LZ4_SRC): | $(LZ4_STAMP) ;

$(B)/host/lz4/lz4.o: $(LZ4_SRC) $(LZ4_STAMP)
	@mkdir -p $(@D)
	@echo "  CC [lz4-host] $<"
	@$(CC) $(filter-out -W%,$(HOST_CFLAGS)) $(LZ4_NOWARN) -c $< -o $@

$(B)/freestanding/lz4/lz4.o: $(LZ4_SRC) $(LZ4_STAMP)
	@mkdir -p $(@D)
	@echo "  CC [lz4-fs] $<"
	@$(CC) $(filter-out -W%,$(KERNEL_CFLAGS)) $(LZ4_NOWARN) $(LZ4_FS_DEFS) -c $< -o $@

$(B)/host/liblz4.a: $(B)/host/lz4/lz4.o
	@rm -f $@
	@llvm-ar rcsD $@ $^

$(B)/freestanding/liblz4.a: $(B)/freestanding/lz4/lz4.o
	@rm -f $@
	@llvm-ar rcsD $@ $^

HOST_EXTRA_LIBS += $(B)/host/liblz4.a
HOST_EXTRA_DEPS += $(B)/host/liblz4.a

# lib/vault includes <lz4.h>: the host library objects and the fuzzers.
$(B)/host/lib/vault/%.o: HOST_CFLAGS += $(LZ4_INC)
$(B)/fuzz/%: FUZZ_CFLAGS += $(LZ4_INC)
$(patsubst %.c,$(B)/host/%.o,$(filter lib/vault/%,$(LIB_SRC))): | $(LZ4_STAMP)

.PHONY: lz4-refetch
