/*
 * void switch_context(uint64_t *save_rsp, uint64_t new_rsp)
 * Saves the callee-saved registers on the current kernel stack, stores
 * the stack pointer in *save_rsp, and resumes the context whose stack
 * pointer is new_rsp (saved the same way, or built by thread_create so
 * that the "return" lands in trap_return).
 */
	.text
	.globl switch_context
switch_context:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

/*
 * First instructions of a new thread: the switch that brought us here
 * left the big kernel lock held for us. thread_started reaps what died
 * and drops the lock; then we enter user mode.
 */
	.globl thread_first_run
thread_first_run:
	call	thread_started
	jmp	trap_return
