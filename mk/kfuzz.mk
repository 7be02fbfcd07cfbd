# The kernel's object model on the host, fuzzed through its system calls
# (tests/fuzz/fuzz_kobj.c). The kernel sources are built unchanged with the
# fuzzer's sanitizers; tests/kfuzz/host_kernel.c stands in for the hardware,
# the page allocator, the heap and the context switch. kernel/sched.c is
# left out: it switches kernel stacks (host_kernel.c says more); its run
# queues, kernel/runq.c, are built.
KFUZZ_KERNEL_SRC := kernel/syscall.c kernel/proc.c kernel/seal.c kernel/random.c kernel/ceiling.c \
	kernel/clock.c kernel/counter.c \
	kernel/timer.c kernel/usercopy.c kernel/window.c kernel/acpi.c kernel/runq.c \
	$(sort $(wildcard kernel/obj/*.c)) kernel/arch/x86_64/vspace.c
KFUZZ_SRC := tests/kfuzz/host_kernel.c $(KFUZZ_KERNEL_SRC)

# HOST_EXTRA_DEPS is complete only once every fragment is read: expand it late.
.SECONDEXPANSION:
$(B)/fuzz/fuzz_kobj: tests/fuzz/fuzz_kobj.c $(KFUZZ_SRC) $(wildcard tests/kfuzz/*.h) \
		$(LIB_HOST_SRC) $$(HOST_EXTRA_DEPS)
	@mkdir -p $(@D)
	@echo "  LD [fuzz]   $@"
	@$(CC) $(FUZZ_CFLAGS) -D_DEFAULT_SOURCE $< $(KFUZZ_SRC) $(LIB_HOST_SRC) \
		$(HOST_EXTRA_LIBS) -o $@
