/*
 * usertests: the flags a user program may set with popfq must not follow
 * it into the kernel. The CPU keeps RFLAGS across SYSCALL except for the
 * bits in the kernel's SFMASK, and the kernel does not save RFLAGS when
 * it switches threads; a leaked NT bit made the next iretq in the kernel
 * (a preempted thread resuming) raise #GP and panic the kernel. Each
 * flag is set, then the thread yields and blocks many times while other
 * threads are preempted and resumed on every CPU; the flag must come back
 * as the user left it (SYSRET reloads it from r11). TF cannot be kept:
 * a user #DB ends the thread, like any other user exception.
 */
#include "user/usertests/common.h"

#define RFLAGS_TF	(1ULL << 8)
#define RFLAGS_DF	(1ULL << 10)
#define RFLAGS_NT	(1ULL << 14)
#define RFLAGS_AC	(1ULL << 18)
#define SLOT_NOTE	23
#define SLOT_NOTE_W	24
#define SLOT_TRAPPER	25
#define SLOT_SPINNER	26	/* 26..31 */
#define NSPINNERS	6
#define ROUNDS		40


static volatile int stop_spinning;
static volatile int trapper_reached;
static uint8_t spinner_stacks[NSPINNERS][4096] __attribute__((aligned(16)));
static uint8_t trapper_stack[4096] __attribute__((aligned(16)));

/* Runs until told to stop, so that the timer preempts it again and again. */
static void
spinner(uint64_t a)
{
	(void)a;
	while (!stop_spinning)
		;
	thread_exit();
}

/*
 * Sets the flags in set, yields `rounds` times, blocks once on the
 * notification in slot note (a timer signals it), and returns RFLAGS as
 * seen after the last call, before clearing set again. All in one asm
 * block: C code must not run with DF or AC set. The stack pointer drops
 * below the red zone first, since pushfq writes there.
 */
static uint64_t
flags_across_calls(uint64_t set, uint64_t rounds, uint64_t note)
{
	uint64_t after;

	__asm__ volatile(
	    "subq	$128, %%rsp\n\t"
	    "pushfq\n\t"
	    "orq	%[set], (%%rsp)\n\t"
	    "popfq\n"
	    "1:\n\t"
	    "movl	%[yield], %%eax\n\t"
	    "syscall\n\t"
	    "decq	%[rounds]\n\t"
	    "jnz	1b\n\t"
	    "movl	%[wait], %%eax\n\t"
	    "movq	%[note], %%rdi\n\t"
	    "syscall\n\t"
	    "pushfq\n\t"
	    "movq	(%%rsp), %[after]\n\t"
	    "notq	%[set]\n\t"
	    "andq	%[set], (%%rsp)\n\t"
	    "popfq\n\t"
	    "addq	$128, %%rsp"
	    : [after] "=&r"(after), [rounds] "+r"(rounds), [set] "+r"(set)
	    : [note] "r"(note), [yield] "i"(SYS_YIELD), [wait] "i"(SYS_WAIT)
	    : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
	      "memory", "cc");
	return after;
}

static void
check_flag(const char *name, uint64_t flag)
{
	uint64_t after;

	syscall6(SYS_TIMER_NOTIFY, SLOT_NOTE_W, 2, 0, 0, 0, 0);
	after = flags_across_calls(flag, ROUNDS, SLOT_NOTE);
	expect_true(name, (after & flag) != 0);
}

/* Sets TF and makes a system call: the #DB that follows must end us. */
static void
trapper(uint64_t a)
{
	(void)a;
	__asm__ volatile(
	    "pushfq\n\t"
	    "orq	%[tf], (%%rsp)\n\t"
	    "popfq\n\t"
	    "movl	%[yield], %%eax\n\t"
	    "syscall"
	    : : [tf] "r"(RFLAGS_TF), [yield] "i"(SYS_YIELD)
	    : "rax", "rcx", "r11", "memory", "cc");
	trapper_reached = 1;
	thread_exit();
}

static int
spawn_thread(uint64_t slot, void (*fn)(uint64_t), uint8_t *stack_top)
{
	int64_t err = thread_create(SLOT_MEMORY, slot, fn, stack_top, 0);

	expect("thread_create", err, E_OK);
	return err == E_OK;
}

void
test_rflags(void)
{
	uint64_t t0;
	int n = 0;

	if (notification_create(SLOT_MEMORY, SLOT_NOTE) != E_OK ||
	    cap_derive(SLOT_NOTE, SLOT_NOTE_W, RIGHT_WRITE, 1) != E_OK) {
		expect_true("a notification for the timer", 0);
		return;
	}
	stop_spinning = 0;
	for (; n < NSPINNERS; n++) {
		if (!spawn_thread(SLOT_SPINNER + n, spinner,
		    spinner_stacks[n] + sizeof(spinner_stacks[n])))
			break;
	}
	check_flag("NT", RFLAGS_NT);
	check_flag("AC", RFLAGS_AC);
	check_flag("DF", RFLAGS_DF);
	check_flag("NT, AC and DF together", RFLAGS_NT | RFLAGS_AC | RFLAGS_DF);

	trapper_reached = 0;
	if (spawn_thread(SLOT_TRAPPER, trapper, trapper_stack + sizeof(trapper_stack))) {
		t0 = ticks();
		while (ticks() < t0 + 3)
			yield();
		expect_true("a thread with TF set dies of its #DB", !trapper_reached);
		cap_delete(SLOT_TRAPPER);
	}

	stop_spinning = 1;
	t0 = ticks();
	while (ticks() < t0 + 3)
		yield();
	for (int i = 0; i < n; i++)
		cap_delete(SLOT_SPINNER + i);
	cap_delete(SLOT_NOTE_W);
	cap_delete(SLOT_NOTE);
}
