/*
 * Register hygiene probe: fills every general register with a known
 * pattern, makes one system call, and stores what came back into
 * regs_seen[] (rbx, rbp, rdi, rsi, rdx, r8, r9, r10, r12, r13, r14, r15,
 * rax, rcx, r11, and the flags before the call). The C side checks that
 * the kernel returned the caller's own values and nothing of its own.
 *
 * void regs_probe(uint64_t nr)
 */
	.text
	.globl regs_probe
	.globl regs_return_point
regs_probe:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %rax
	pushfq
	popq	%r11
	movq	%r11, regs_seen+120(%rip)
	movabsq	$0x1111111111111111, %rbx
	movabsq	$0x2222222222222222, %rbp
	movabsq	$0x3333333333333333, %rdi
	movabsq	$0x4444444444444444, %rsi
	movabsq	$0x5555555555555555, %rdx
	movabsq	$0x6666666666666666, %r8
	movabsq	$0x7777777777777777, %r9
	movabsq	$0x8888888888888888, %r10
	movabsq	$0x9999999999999999, %r12
	movabsq	$0xaaaaaaaaaaaaaaaa, %r13
	movabsq	$0xbbbbbbbbbbbbbbbb, %r14
	movabsq	$0xcccccccccccccccc, %r15
	movabsq	$0xdddddddddddddddd, %rcx
	movabsq	$0xeeeeeeeeeeeeeeee, %r11
	syscall
regs_return_point:
	movq	%rbx, regs_seen+0(%rip)
	movq	%rbp, regs_seen+8(%rip)
	movq	%rdi, regs_seen+16(%rip)
	movq	%rsi, regs_seen+24(%rip)
	movq	%rdx, regs_seen+32(%rip)
	movq	%r8, regs_seen+40(%rip)
	movq	%r9, regs_seen+48(%rip)
	movq	%r10, regs_seen+56(%rip)
	movq	%r12, regs_seen+64(%rip)
	movq	%r13, regs_seen+72(%rip)
	movq	%r14, regs_seen+80(%rip)
	movq	%r15, regs_seen+88(%rip)
	movq	%rax, regs_seen+96(%rip)
	movq	%rcx, regs_seen+104(%rip)
	movq	%r11, regs_seen+112(%rip)
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

	.bss
	.balign 8
	.globl regs_seen
regs_seen:
	.skip 128
