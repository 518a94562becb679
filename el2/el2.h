/* The EL2 core: a freestanding image of the implementation of layers 5-8 and
 * 27-29 over an AbstractMachine whose page-table pools, vCPU contexts, VM
 * infos and s2page records are real memory, booted at EL2 on QEMU's virt
 * board. This header is shared by the image's own sources only;
 * the implementation sources see nothing but hypsec/sekvm.h. */
#ifndef HYPSEC_EL2_H
#define HYPSEC_EL2_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;

/* ---- board (QEMU virt) ---- */

/* PL011 UART of the virt board. */
#define EL2_UART_BASE 0x09000000UL
/* Pool address p lives at EL2_POOL_BASE + p (virt RAM starts at 1 GiB). */
#define EL2_POOL_BASE 0x40000000UL
/* Pools of VMs 0..COREVISOR end below pool_end(COREVISOR) = 0x22010000; the
 * image is linked above them (el2.ld). */
#define EL2_POOL_LIMIT 0x22010000UL

/* ---- console and exit (uart.c, main.c) ---- */

void uart_putc(char c);
void uart_puts(const char *s);
/* printf for the console: %% %c %s %d %u %x with l/ll, '0' flag and width. */
void el2_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void el2_vprintf(const char *fmt, va_list ap);
/* Semihosting SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit and code. */
_Noreturn void el2_exit(int code);
/* Called from vectors.S: report and exit with EL2_EXIT_EXCEPTION. */
_Noreturn void el2_unexpected_exception(u64 kind, u64 esr, u64 elr, u64 far, u64 spsr);

/* Exit codes of the image (the host script reads them too). */
enum {
    EL2_EXIT_OK = 0,
    EL2_EXIT_MISMATCH = 1,   /* a vector or a translation disagreed */
    EL2_EXIT_WRONG_EL = 3,   /* not entered at EL2 */
    EL2_EXIT_EXCEPTION = 4,  /* an unexpected exception */
    EL2_EXIT_BAD_TABLE = 5   /* the embedded vector table is inconsistent */
};

/* ---- freestanding runtime (rt.c): what GCC may call on its own ---- */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* ---- the real-memory AbstractMachine (am_real.c) ---- */

/* VRM RData: NPT_ID and ID_END; LockStatus as stored in the lock map. */
#define EL2_NPT_ID 5u
#define EL2_ID_END 39u
enum { EL2_LockFalse = 0, EL2_LockOwnFalse = 1, EL2_LockOwnTrue = 2 };

/* What a primitive of the real AbstractMachine found when its spec would be
 * None (a rely failed, or a None branch): the vector runner catches it. */
struct el2_stuck {
    const char *prim;
    const char *why;
};

/* The machine state besides the pools: halt, tstate, lock statuses, next
 * pointers of every VM (0..COREVISOR). */
struct am_state {
    bool halt;
    u64 tstate;
    u8 lock[EL2_ID_END];
    u64 pgd_next[17], pud_next[17], pmd_next[17];
};

/* Zero the pool area that boot may have left non-zero (QEMU's device tree
 * sits at the start of RAM) and reset the state. */
void am_boot(void);
/* Everything back to the empty machine: dirty pool pages zeroed, locks free. */
void am_reset(void);
struct am_state *am_state(void);
/* A pool word in the model's representation (what pt_load would return). */
u64 am_pool_get(u64 addr);
/* Store a model value at pool address addr (marks the page dirty). */
void am_pool_set(u64 addr, u64 value);
/* The raw word the hardware walker sees at pool address addr, and a raw
 * overwrite of it (the corruption test uses it). */
u64 am_pool_raw(u64 addr);
void am_pool_raw_set(u64 addr, u64 raw);
/* The real ticket lock of lock id agrees with its status (held iff LockOwn). */
bool am_lock_consistent(u32 id);
/* Install lock id with a status (a pre-state): its ticket lock held or free. */
void am_lock_install(u32 id, u8 status);
/* Visit every non-zero pool word of [lo, hi) in address order (model values). */
typedef void (*am_visit)(u64 addr, u64 value, void *ctx);
void am_pool_foreach(u64 lo, u64 hi, am_visit f, void *ctx);

/* Run f(ctx) catching a stuck primitive: true when it ran to the end, else
 * *st says which primitive was stuck and why. */
bool am_run_guarded(void (*f)(void *), void *ctx, struct el2_stuck *st);
/* Called by a primitive whose spec is None. */
_Noreturn void am_stuck(const char *prim, const char *why);

/* The encoding of table descriptors in the pools of levels 0-2: the real
 * memory holds the real physical address of the next table. */
u64 am_encode(u64 addr, u64 value);
u64 am_decode(u64 addr, u64 raw);

/* ---- the vCPU part of the real-memory AbstractMachine (am_vcpu.c) ---- */

/* A context: the fields a register index names at that index (0..ESR_EL2),
 * then the fields no index names. el2/tools/vec2c.py lowers contexts to the
 * same layout. */
enum {
    EL2_FP_Q0 = 73,          /* fp_q0..fp_q31 at 73..104 */
    EL2_FP_FPSR = 105,
    EL2_FP_FPCR = 106,
    EL2_SP_EL0 = 107,
    EL2_SPSR_EL2 = 108,
    EL2_VMPIDR_EL2 = 109,
    EL2_SP_EL1 = 110,
    EL2_VTTBR_EL2 = 111,
    EL2_TPIDR_EL2 = 112,
    EL2_PMUSELR_EL0 = 113,   /* the trap registers */
    EL2_PMUSERENR_EL0 = 114,
    EL2_MDCR_EL2 = 115,
    EL2_CPTR_EL2 = 116,
    EL2_CNTHCTL_EL2 = 117,
    EL2_CTXT_WORDS = 118
};
/* Shadow contexts of VMs 0..COREVISOR, 8 vCPUs each (ctxt_id). */
#define EL2_NCTXTS (17 * 8)
/* A VM's info: vm_state, vm_vcpu_state[8], vm_next_load_info, and per image
 * (MAX_LOAD_INFO_NUM) vm_load_addr, vm_load_size, vm_remap_addr. */
enum {
    EL2_INFO_STATE = 0,
    EL2_INFO_VCPU_STATE = 1,
    EL2_INFO_NEXT_LOAD = 9,
    EL2_INFO_LOAD_ADDR = 10,
    EL2_INFO_LOAD_SIZE = 15,
    EL2_INFO_REMAP_ADDR = 20,
    EL2_INFO_WORDS = 25
};
#define EL2_NVMINFO 17
/* The words from curid to core_data_log, in this order, as the table gives them. */
#define EL2_VCORE_WORDS 39

struct vcpu_machine {
    u64 curid, cur_vmid, cur_vcpuid;
    u64 doracle, core_doracle;              /* the DataOracles' seeds */
    u64 data_log[17], core_data_log[17];    /* per VM: the next oracle position */
    u64 cpu[EL2_CTXT_WORDS];                /* this CPU's registers */
    u64 shadow[EL2_NCTXTS][EL2_CTXT_WORDS];
    u64 info[EL2_NVMINFO][EL2_INFO_WORDS];
    u64 int_gpr[17][8][32];                 /* registers handed to the host (not related) */
};
struct vcpu_machine *vcpu_machine(void);
/* Everything back to zero (the empty contexts, logs and infos). */
void vcpu_reset(void);
/* hs_data_oracle of src/spec/commlib.c on arguments below 2^64. */
u64 el2_data_oracle(u64 seed, u64 a, u64 b);
/* A register index names a field of a context. */
bool el2_ctxt_has_field(u64 index);
/* Take / give back lock id as a primitive of this CPU does (status and
 * ticket; tstate 0 on taking, 1 on giving). */
void am_lock_take(const char *prim, u32 id);
void am_lock_give(const char *prim, u32 id);

/* ---- s2page records and flat memory (low_mem.c) ---- */

/* Frames the image's s2page and flat-memory tables hold at once. */
#define EL2_PAGE_SLOTS 4096u
struct el2_s2page {
    u64 owner, count, gfn;
};
struct page_tables {
    u64 s2page_key[EL2_PAGE_SLOTS];    /* pfn + 1; 0: free */
    struct el2_s2page s2page[EL2_PAGE_SLOTS];
    u64 flat_key[EL2_PAGE_SLOTS];
    u64 flat[EL2_PAGE_SLOTS];
};
struct page_tables *page_tables(void);
void pages_reset(void);
/* Install a record or word (false: the table is full). */
bool el2_s2page_set(u64 pfn, u64 owner, u64 count, u64 gfn);
bool el2_flatmem_set(u64 pfn, u64 value);
const struct el2_s2page *el2_s2page_get(u64 pfn);
u64 el2_flatmem_get(u64 pfn);

/* ---- EL2's own translation (mmu.c) ---- */

/* Identity map of the low 4 GiB at EL2: RAM Normal write-back, the rest
 * Device; then MMU and caches on. */
void mmu_enable(void);

/* ---- the hardware walker (hwcheck.c) ---- */

/* The IPA and PA sizes the stage-2 configuration uses (from ID_AA64MMFR0_EL1). */
struct hw_config {
    unsigned pa_bits;     /* PARange of the CPU */
    unsigned ipa_bits;    /* min(48, pa_bits): T0SZ = 64 - ipa_bits */
    u64 vtcr;
};
void hw_init(struct hw_config *cfg);
/* AT S12E1R of ipa on VM vmid's tables (VTTBR_EL2 = real pool_start | vmid);
 * the PAR_EL1 it left. */
u64 hw_translate(u32 vmid, u64 ipa);
/* Invalidate the stage-1+2 TLB entries after the tables changed. */
void hw_flush(void);

/* The answer of a translation: an output address or a fault. */
enum hw_kind { HW_OK, HW_TRANSLATION, HW_ACCESS_FLAG, HW_PERMISSION, HW_ADDR_SIZE, HW_OTHER };
struct hw_answer {
    enum hw_kind kind;
    int level;            /* fault level (-1: any level of a translation fault) */
    int stage;            /* stage of the fault (1 or 2); 0 for HW_OK */
    u64 pa;               /* HW_OK: the output page (bits 47:12, as PAR_EL1) */
};
/* PAR_EL1 after AT S12E1R, decoded. */
struct hw_answer hw_decode_par(u64 par);
/* What the architecture says a stage-2 read of ipa gives when the walk ends
 * at a leaf entry pte of level 2 (block) or 3 (page), or at an empty entry
 * (level 0: unmapped). */
struct hw_answer hw_expect(const struct hw_config *cfg, int level, u64 pte, u64 ipa);
bool hw_answer_eq(struct hw_answer a, struct hw_answer b);
/* "PA 0x..." or "translation fault level n" into buf (>= 64 bytes). */
const char *hw_answer_str(struct hw_answer a, char *buf);

#endif
