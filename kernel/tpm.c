/*
 * A TPM 2.0 over the Command Response Buffer interface at locality 0
 * (TCG PC Client Platform TPM Profile, 6.5), and the counter commands of
 * lib/tpm over it (tpm.h).
 *
 * One command at a time: claim locality 0, ask the TPM to get ready,
 * write the command into its buffer, set the start register and wait for
 * the TPM to clear it, read the response, send the TPM back to idle and
 * give the locality up. The buffers' addresses come from the TPM's own
 * registers and must lie in the page of its control area, which is the
 * only page mapped. Every wait has a time limit: a TPM that never
 * answers makes the counter unusable, it does not hang the kernel.
 */
#include "kernel/acpi.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/kernel.h"
#include "kernel/pci.h"
#include "kernel/tpm.h"
#include "lib/tpm/tpm.h"

/* Locality 0's registers, as offsets in its page. */
#define LOC_STATE	0x00
#define LOC_CTRL	0x08
#define LOC_STS		0x0c
#define CTRL_REQ	0x40	/* where the ACPI table's control area begins */
#define CTRL_STS	0x44
#define CTRL_START	0x4c
#define CMD_SIZE	0x58
#define CMD_LADDR	0x5c
#define CMD_HADDR	0x60
#define RSP_SIZE	0x64
#define RSP_ADDR	0x68
#define REGS_END	0x80	/* the registers end; buffers may follow */

#define LOC_STATE_VALID	0x80u	/* tpmRegValidSts */
#define LOC_REQUEST	0x1u
#define LOC_RELINQUISH	0x2u
#define LOC_GRANTED	0x1u
#define REQ_CMD_READY	0x1u
#define REQ_GO_IDLE	0x2u
#define STS_FATAL	0x1u
#define START_INVOKE	0x1u

#define WAIT_US		5000000	/* longer than any TPM's NV write */
#define RETRIES		10	/* for TPM_RC_RETRY and friends */
#define RSP_MAX		256	/* our responses are at most 62 bytes and a longer name */

static volatile uint8_t *regs;		/* NULL until crb_setup succeeds */
static volatile uint8_t *cmd_buf, *rsp_buf;
static uint32_t cmd_size, rsp_size;
static uint8_t rsp[RSP_MAX];
static size_t rsp_len;
static uint64_t count;			/* the counter's last value read */

static uint32_t
rd32(uint32_t off)
{
	return *(volatile uint32_t *)(regs + off);
}

static void
wr32(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(regs + off) = v;
}

/* Waits until (register & mask) == want; 0, or -1 after WAIT_US. */
static int
wait_for(uint32_t off, uint32_t mask, uint32_t want)
{
	uint64_t start = rdtsc(), limit = WAIT_US * tsc_per_us;

	while ((rd32(off) & mask) != want) {
		if (rdtsc() - start > limit)
			return -1;
		__asm__ volatile("pause");
	}
	return 0;
}

/* 1 when [pa, pa + len) lies in the page at base, after the registers. */
static int
in_page(uint64_t base, uint64_t pa, uint64_t len)
{
	return pa >= base + REGS_END && pa <= base + PAGE_SIZE &&
	    len <= base + PAGE_SIZE - pa;
}

static const char *
crb_setup(void)
{
	uint64_t base = acpi_tpm2.control - CTRL_REQ, cmd_pa, rsp_pa;

	if ((acpi_tpm2.control & (PAGE_SIZE - 1)) != CTRL_REQ)
		return "its control area is not where the CRB interface puts it";
	if (pci_map_mmio(base, PAGE_SIZE) < 0)
		return "out of memory mapping its registers";
	regs = phys_to_virt(base);
	if ((rd32(LOC_STATE) & LOC_STATE_VALID) == 0) {
		regs = NULL;
		return "its registers are not valid";
	}
	cmd_pa = (uint64_t)rd32(CMD_HADDR) << 32 | rd32(CMD_LADDR);
	cmd_size = rd32(CMD_SIZE);
	rsp_pa = *(volatile uint64_t *)(regs + RSP_ADDR);
	rsp_size = rd32(RSP_SIZE);
	if (!in_page(base, cmd_pa, cmd_size) || cmd_size < TPM_CMD_MAX ||
	    !in_page(base, rsp_pa, rsp_size) || rsp_size < TPM_RSP_MIN) {
		regs = NULL;
		return "its buffers are outside its register page";
	}
	cmd_buf = phys_to_virt(cmd_pa);
	rsp_buf = phys_to_virt(rsp_pa);
	return NULL;
}

/* One command, its response into rsp/rsp_len; NULL or why not. */
static const char *
crb_transact(const uint8_t *cmd, size_t n)
{
	const char *err = NULL;
	uint32_t size;

	wr32(LOC_CTRL, LOC_REQUEST);
	if (wait_for(LOC_STS, LOC_GRANTED, LOC_GRANTED) < 0)
		return "locality 0 was not granted";
	wr32(CTRL_REQ, REQ_CMD_READY);
	if (wait_for(CTRL_REQ, REQ_CMD_READY, 0) < 0)
		err = "it did not get ready for a command";
	else if (rd32(CTRL_STS) & STS_FATAL)
		err = "it reports a fatal error";
	if (err == NULL) {
		for (size_t i = 0; i < n; i++)
			cmd_buf[i] = cmd[i];
		wr32(CTRL_START, START_INVOKE);
		if (wait_for(CTRL_START, START_INVOKE, 0) < 0)
			err = "a command did not complete";
	}
	if (err == NULL) {
		for (size_t i = 0; i < TPM_RSP_MIN; i++)
			rsp[i] = rsp_buf[i];
		size = (uint32_t)rsp[2] << 24 | rsp[3] << 16 | rsp[4] << 8 | rsp[5];
		if (size < TPM_RSP_MIN || size > rsp_size || size > RSP_MAX)
			err = "a response does not fit its buffer";
		for (size_t i = TPM_RSP_MIN; err == NULL && i < size; i++)
			rsp[i] = rsp_buf[i];
		rsp_len = err == NULL ? size : 0;
	}
	wr32(CTRL_REQ, REQ_GO_IDLE);
	wr32(LOC_CTRL, LOC_RELINQUISH);
	return err;
}

/* Sends a command, again while the TPM asks for a retry; its response code in *rc. */
static const char *
call(const uint8_t *cmd, size_t n, uint32_t *rc)
{
	const char *err;

	for (int i = 0; i < RETRIES; i++) {
		if ((err = crb_transact(cmd, n)) != NULL ||
		    (err = tpm_rsp_header(rsp, rsp_len, rc)) != NULL)
			return err;
		if (*rc != TPM_RC_RETRY && *rc != TPM_RC_YIELDED && *rc != TPM_RC_TESTING)
			return NULL;
	}
	return "it kept asking for a retry";
}

/* A command that must succeed; its response left in rsp. */
static const char *
call_ok(const uint8_t *cmd, size_t n, const char *what)
{
	const char *err;
	uint32_t rc;

	if ((err = call(cmd, n, &rc)) != NULL)
		return err;
	if (rc != TPM_RC_SUCCESS) {
		printk("tpm: %s: response code %#x\n", what, rc);
		return "it refused a command (response code above)";
	}
	return NULL;
}

static const char *
increment(void)
{
	uint8_t cmd[TPM_CMD_MAX];
	const char *err;

	if ((err = call_ok(cmd, tpm_cmd_nv_increment(cmd, TPM_COUNTER_INDEX),
	    "NV_Increment")) != NULL)
		return err;
	return tpm_rsp_no_output(rsp, rsp_len);
}

static const char *
read_count(void)
{
	uint8_t cmd[TPM_CMD_MAX];
	const char *err;

	if ((err = call_ok(cmd, tpm_cmd_nv_read_counter(cmd, TPM_COUNTER_INDEX),
	    "NV_Read")) != NULL)
		return err;
	return tpm_rsp_nv_read_counter(rsp, rsp_len, &count);
}

/* Our index, defined if absent; NULL with its public area, or why not. */
static const char *
find_index(struct tpm_nv_public *pub)
{
	uint8_t cmd[TPM_CMD_MAX];
	const char *err;
	uint32_t rc;

	if ((err = call(cmd, tpm_cmd_nv_read_public(cmd, TPM_COUNTER_INDEX), &rc)) != NULL)
		return err;
	if (rc == TPM_RC_HANDLE_1) {
		printk("tpm: defining NV counter %#x\n", TPM_COUNTER_INDEX);
		if ((err = call_ok(cmd, tpm_cmd_nv_define_counter(cmd, TPM_COUNTER_INDEX),
		    "NV_DefineSpace")) != NULL ||
		    (err = tpm_rsp_no_output(rsp, rsp_len)) != NULL ||
		    (err = call_ok(cmd, tpm_cmd_nv_read_public(cmd, TPM_COUNTER_INDEX),
		    "NV_ReadPublic")) != NULL)
			return err;
	} else if (rc != TPM_RC_SUCCESS) {
		printk("tpm: NV_ReadPublic: response code %#x\n", rc);
		return "it refused to describe our index";
	}
	if ((err = tpm_rsp_nv_read_public(rsp, rsp_len, pub)) != NULL)
		return err;
	return tpm_counter_ok(pub, TPM_COUNTER_INDEX);
}

const char *
tpm_counter_init(uint64_t *value, int *present)
{
	struct tpm_nv_public pub;
	uint8_t cmd[TPM_CMD_MAX];
	const char *err;
	uint32_t rc;

	*present = acpi_tpm2.start_method != 0;
	if (!*present)
		return "no TPM";
	if (acpi_tpm2.start_method == ACPI_TPM2_START_TIS)
		return "a TPM with the FIFO (TIS) interface, which NONOS does not drive";
	if (acpi_tpm2.start_method != ACPI_TPM2_START_CRB)
		return "a TPM started through ACPI methods, which NONOS does not drive";
	if ((err = crb_setup()) != NULL)
		return err;
	/* Firmware normally started it; TPM_RC_INITIALIZE says so. */
	if ((err = call(cmd, tpm_cmd_startup(cmd), &rc)) != NULL)
		return err;
	if (rc != TPM_RC_SUCCESS && rc != TPM_RC_INITIALIZE) {
		printk("tpm: Startup: response code %#x\n", rc);
		return "it refused to start";
	}
	if ((err = find_index(&pub)) != NULL)
		return err;
	/* A new counter has no value until its first increment. */
	if ((pub.attrs & TPMA_NV_WRITTEN) == 0 && (err = increment()) != NULL)
		return err;
	if ((err = read_count()) != NULL)
		return err;
	*value = count;
	return NULL;
}

const char *
tpm_counter_raise(uint64_t target, uint64_t *value)
{
	const char *err;

	if (regs == NULL)
		return "no TPM";
	if (target <= count)
		return "the TPM counter is already there";
	if (target - count > TPM_RAISE_MAX)
		return "the TPM counter is too far behind to follow";
	for (uint64_t steps = target - count; steps > 0; steps--) {
		if ((err = increment()) != NULL)
			return err;
	}
	if ((err = read_count()) != NULL)
		return err;
	*value = count;
	if (count != target)
		return "the TPM counter moved by itself";
	return NULL;
}
