/*
 * Memory probes that survive a fault: each instruction that may fault is
 * listed in .fixup_table with the address to resume at, and trap() sends
 * a fault there instead of panicking. Used by the backtrace (which must
 * not fault while reporting a fault) and by tests of the kernel's own
 * page protections. Each returns 0 on success and -1 after a fault.
 */
	.text

/* int probe_read64(const void *addr, uint64_t *out) */
	.globl probe_read64
probe_read64:
1:	movq	(%rdi), %rax
	movq	%rax, (%rsi)
	xorl	%eax, %eax
	ret
2:	movl	$-1, %eax
	ret
	.section .fixup_table, "a"
	.quad	1b, 2b
	.text

/* int probe_write8(void *addr, uint8_t value) */
	.globl probe_write8
probe_write8:
3:	movb	%sil, (%rdi)
	xorl	%eax, %eax
	ret
4:	movl	$-1, %eax
	ret
	.section .fixup_table, "a"
	.quad	3b, 4b
	.text

/*
 * int probe_exec(void *addr): calls addr. If the page is not executable
 * the fetch faults at addr itself; trap() then returns to our caller
 * with -1 (see trap_fixup). Returns 0 if the code at addr ran and returned.
 */
	.globl probe_exec
probe_exec:
	xorl	%eax, %eax
	movq	%rdi, probe_exec_target(%rip)
	call	*%rdi
	movq	$0, probe_exec_target(%rip)
	ret

	.bss
	.balign 8
	.globl probe_exec_target
probe_exec_target:
	.quad 0
