/*
 * Start-up code for the application processors. smp.c copies this block
 * to physical address 0x8000 and sends each AP a STARTUP IPI pointing at
 * it. The AP starts in 16-bit real mode; the block takes it through
 * protected mode into long mode on the kernel's page tables and jumps to
 * ap_entry(cpu) on its own stack. The parameters at the end are filled in
 * by smp.c. All addresses are computed relative to the copy at 0x8000.
 */
#define BASE		0x8000
#define REL(x)		((x) - trampoline_start + BASE)

	.section .rodata
	.globl trampoline_start, trampoline_end
	.globl trampoline_cr3, trampoline_stack, trampoline_cpu, trampoline_entry

	.code16
trampoline_start:
	cli
	cld
	xorw	%ax, %ax
	movw	%ax, %ds
	lgdtl	REL(tramp_gdtr)
	movl	%cr0, %eax
	orl	$1, %eax			/* PE */
	movl	%eax, %cr0
	ljmpl	$0x08, $REL(tramp_32)

	.code32
tramp_32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax
	orl	$(1 << 5), %eax			/* PAE */
	movl	%eax, %cr4
	movl	REL(trampoline_cr3), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx		/* EFER */
	rdmsr
	orl	$((1 << 8) | (1 << 11)), %eax	/* LME, NXE */
	wrmsr
	movl	%cr0, %eax
	orl	$((1 << 31) | (1 << 16)), %eax	/* PG, WP */
	movl	%eax, %cr0
	ljmpl	$0x18, $REL(tramp_64)

	.code64
tramp_64:
	movq	REL(trampoline_stack), %rsp
	movq	REL(trampoline_cpu), %rdi
	movq	REL(trampoline_entry), %rax
	xorl	%ebp, %ebp
	jmp	*%rax

	.balign 8
tramp_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff		/* 0x08: 32-bit code */
	.quad	0x00cf92000000ffff		/* 0x10: data */
	.quad	0x00af9a000000ffff		/* 0x18: 64-bit code */
tramp_gdtr:
	.word	tramp_gdtr - tramp_gdt - 1
	.long	REL(tramp_gdt)

	.balign 8
trampoline_cr3:
	.quad	0
trampoline_stack:
	.quad	0
trampoline_cpu:
	.quad	0
trampoline_entry:
	.quad	0
trampoline_end:
