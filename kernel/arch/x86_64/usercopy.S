/*
 * Copies between kernel and user memory. The caller (kernel/usercopy.c)
 * has already checked that the user range lies below the user-space top;
 * these routines only open SMAP for the copy and turn a fault into -1
 * through the fixup table. They return 0 on success. STAC and CLAC exist
 * only on CPUs with SMAP, hence a second routine for the others.
 */
	.text

/*
 * Eight bytes at a time, then the rest one at a time: the same result as
 * one REP MOVSB, but an emulator (QEMU's TCG runs each repetition on its
 * own) does an eighth of the repetitions for a long copy.
 */

/* int user_copy_smap(void *dst, const void *src, size_t n) */
	.globl user_copy_smap
user_copy_smap:
	movq	%rdx, %rcx
	shrq	$3, %rcx
	stac
1:	rep movsq
	movq	%rdx, %rcx
	andq	$7, %rcx
5:	rep movsb
	clac
	xorl	%eax, %eax
	ret
2:	clac
	movl	$-1, %eax
	ret
	.section .fixup_table, "a"
	.quad	1b, 2b
	.quad	5b, 2b
	.text

/* int user_copy_plain(void *dst, const void *src, size_t n) */
	.globl user_copy_plain
user_copy_plain:
	movq	%rdx, %rcx
	shrq	$3, %rcx
3:	rep movsq
	movq	%rdx, %rcx
	andq	$7, %rcx
6:	rep movsb
	xorl	%eax, %eax
	ret
4:	movl	$-1, %eax
	ret
	.section .fixup_table, "a"
	.quad	3b, 4b
	.quad	6b, 4b
	.text
