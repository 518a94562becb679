/* The AbstractMachine of layers 5-8 over real memory and registers: the
 * primitives the implementation of PTAlloc, PTWalk, NPTWalk and NPTOps calls,
 * under their SeKVM names and C signatures, with the behaviour of their
 * VRM specs (AbstractMachineSpec, LocksSpec) on a machine that has one CPU.
 *
 * Pool address p is the real word at EL2_POOL_BASE + p. In the pools of
 * levels 0-2 (vttbr, pgd, pud) a table descriptor (low bits 0b11) holds the
 * real physical address of the next table, so the hardware walker can walk
 * the very tables the implementation wrote: the stored word is the model
 * value plus EL2_POOL_BASE (mod 2^64), and pt_load subtracts it again. Both
 * maps keep the low two bits, so decoding inverts encoding for every value.
 *
 * What the specs keep abstract is real state here: halt and tstate are
 * variables, each lock has a real ticket lock word besides its LockStatus,
 * and a spec that would be None (a rely, a None branch) stops the primitive
 * through am_stuck, which the vector runner reports. */
#include "el2.h"
#include "hypsec/sekvm.h"

#define POOL_PAGES (EL2_POOL_LIMIT / PAGE_SIZE)
#define DIRTY_WORDS ((POOL_PAGES + 63) / 64)

/* The ticket lock of one lock id: take a ticket, wait for the owner. */
struct ticket_lock {
    u32 next;
    u32 owner;
};

static struct am_state am;
static struct ticket_lock tickets[EL2_ID_END];
/* Pool pages that may hold non-zero words; every other pool page is zero. */
static u64 dirty[DIRTY_WORDS];

/* The flat memory window and the register file that mem_load_raw and
 * mem_store_raw move words between (their specs leave the state unchanged). */
#define FLAT_WORDS 4096u
static u64 flat_mem[FLAT_WORDS];
static u64 vcpu_regs[MAX_REGISTER_NUM];

static void *stuck_jmp[5];
static struct el2_stuck stuck_info;
static bool guarded;

/* ---- Constants of the pool layout (u64: vm <= COREVISOR here) ---- */

/* VRM Constants: is_vmid */
static bool am_is_vmid(u64 vmid)
{
    return vmid <= COREVISOR;
}

/* VRM Constants: pool_start */
static u64 am_pool_start(u64 vm)
{
    return PT_POOL_START + PT_POOL_PER_VM * vm;
}

/* VRM Constants: pud_start */
static u64 am_pud_start(u64 vm)
{
    return am_pool_start(vm) + PUD_OFFSET;
}

/* VRM Constants: pmd_start */
static u64 am_pmd_start(u64 vm)
{
    return am_pool_start(vm) + PMD_OFFSET;
}

/* VRM Constants: pool_end */
static u64 am_pool_end(u64 vm)
{
    return PT_POOL_START + PT_POOL_PER_VM * (vm + 1);
}

/* The table level a pool address belongs to: 0 vttbr, 1 pgd, 2 pud, 3 pmd
 * pool; -1 outside every pool. */
static int pool_level(u64 addr)
{
    if (addr < PT_POOL_START || addr >= EL2_POOL_LIMIT)
        return -1;
    u64 off = (addr - PT_POOL_START) % PT_POOL_PER_VM;
    if (off < PGD_OFFSET)
        return 0;
    if (off < PUD_OFFSET)
        return 1;
    if (off < PMD_OFFSET)
        return 2;
    return 3;
}

/* ---- the pools as real memory ---- */

static volatile u64 *pool_word(u64 addr)
{
    return (volatile u64 *)(EL2_POOL_BASE + addr);
}

static void mark_dirty(u64 addr)
{
    u64 page = addr / PAGE_SIZE;
    dirty[page / 64] |= 1ULL << (page % 64);
}

u64 am_encode(u64 addr, u64 value)
{
    int level = pool_level(addr);
    /* Only table descriptors of the levels that have tables move. */
    if (level >= 0 && level <= 2 && (value & 3) == 3)
        return value + EL2_POOL_BASE;
    return value;
}

u64 am_decode(u64 addr, u64 raw)
{
    int level = pool_level(addr);
    if (level >= 0 && level <= 2 && (raw & 3) == 3)
        return raw - EL2_POOL_BASE;
    return raw;
}

u64 am_pool_raw(u64 addr)
{
    return *pool_word(addr);
}

void am_pool_raw_set(u64 addr, u64 raw)
{
    mark_dirty(addr);
    *pool_word(addr) = raw;
}

u64 am_pool_get(u64 addr)
{
    return am_decode(addr, am_pool_raw(addr));
}

void am_pool_set(u64 addr, u64 value)
{
    am_pool_raw_set(addr, am_encode(addr, value));
}

void am_pool_foreach(u64 lo, u64 hi, am_visit f, void *ctx)
{
    if (hi > EL2_POOL_LIMIT)
        hi = EL2_POOL_LIMIT;
    for (u64 page = lo / PAGE_SIZE; page * PAGE_SIZE < hi; page++) {
        /* Clean pages are zero: nothing to visit. */
        if (!(dirty[page / 64] & (1ULL << (page % 64))))
            continue;
        for (u64 a = page * PAGE_SIZE; a < (page + 1) * PAGE_SIZE; a += 8) {
            if (a < lo || a >= hi)
                continue;
            u64 v = am_pool_get(a);
            if (v)
                f(a, v, ctx);
        }
    }
}

/* ---- state, reset ---- */

struct am_state *am_state(void)
{
    return &am;
}

void am_reset(void)
{
    for (u64 w = 0; w < DIRTY_WORDS; w++) {
        while (dirty[w]) {
            unsigned bit = (unsigned)__builtin_ctzll(dirty[w]);
            volatile u64 *p = pool_word((w * 64 + bit) * PAGE_SIZE);
            for (u64 i = 0; i < PAGE_SIZE / 8; i++)
                p[i] = 0;
            dirty[w] &= dirty[w] - 1;
        }
    }
    memset(&am, 0, sizeof am);
    memset(tickets, 0, sizeof tickets);
}

void am_boot(void)
{
    /* QEMU puts the device tree at the start of RAM (pool address 0); treat
     * the first 2 MiB as dirty so that reset zeroes them. */
    for (u64 a = 0; a < 0x200000; a += PAGE_SIZE)
        mark_dirty(a);
    am_reset();
}

/* ---- stuck primitives ---- */

bool am_run_guarded(void (*f)(void *), void *ctx, struct el2_stuck *st)
{
    if (__builtin_setjmp(stuck_jmp)) {
        guarded = false;
        *st = stuck_info;
        return false;
    }
    guarded = true;
    f(ctx);
    guarded = false;
    return true;
}

_Noreturn void am_stuck(const char *prim, const char *why)
{
    stuck_info.prim = prim;
    stuck_info.why = why;
    if (!guarded) {
        el2_printf("stuck outside a guarded run: %s: %s\n", prim, why);
        el2_exit(EL2_EXIT_MISMATCH);
    }
    __builtin_longjmp(stuck_jmp, 1);
}

/* ---- the real ticket locks ---- */

static void ticket_acquire(u32 id)
{
    u32 mine = __atomic_fetch_add(&tickets[id].next, 1, __ATOMIC_ACQUIRE);
    while (__atomic_load_n(&tickets[id].owner, __ATOMIC_ACQUIRE) != mine)
        __asm__ volatile("wfe");
}

static void ticket_release(u32 id)
{
    u32 owner = __atomic_load_n(&tickets[id].owner, __ATOMIC_RELAXED);
    __atomic_store_n(&tickets[id].owner, owner + 1, __ATOMIC_RELEASE);
    __asm__ volatile("sev");
}

bool am_lock_consistent(u32 id)
{
    u32 held = tickets[id].next - tickets[id].owner;
    if (am.lock[id] == EL2_LockOwnTrue || am.lock[id] == EL2_LockOwnFalse)
        return held == 1;
    return held == 0;
}

/* Install lock id as held (a ticket taken) or free, for a pre-state. */
void am_lock_install(u32 id, u8 status)
{
    am.lock[id] = status;
    tickets[id].owner = 0;
    tickets[id].next = (status == EL2_LockFalse) ? 0 : 1;
}

/* The vmid's lock is held by this CPU (LockOwn true). */
static bool own_lock(u32 vmid)
{
    return am.lock[EL2_NPT_ID + vmid] == EL2_LockOwnTrue;
}

/* ---- AbstractMachine primitives ---- */

/* VRM AbstractMachineSpec: panic_spec */
void panic(void)
{
    am.halt = true;
}

/* VRM AbstractMachineSpec: check_spec */
u32 check(u32 n)
{
    if (am.halt)
        return 0;
    return n;
}

/* VRM AbstractMachineSpec: check64_spec */
u64 check64(u64 n)
{
    if (am.halt)
        return 0;
    return n;
}

/* VRM AbstractMachineSpec: get_pgd_next_spec */
u64 get_pgd_next(u32 vmid)
{
    if (am.halt)
        return 0;
    if (!am_is_vmid(vmid))
        am_stuck("get_pgd_next", "vmid out of range");
    if (!own_lock(vmid))
        am_stuck("get_pgd_next", "page-table lock not held");
    return am.pgd_next[vmid];
}

/* VRM AbstractMachineSpec: get_pud_next_spec */
u64 get_pud_next(u32 vmid)
{
    if (am.halt)
        return 0;
    if (!am_is_vmid(vmid))
        am_stuck("get_pud_next", "vmid out of range");
    if (!own_lock(vmid))
        am_stuck("get_pud_next", "page-table lock not held");
    return am.pud_next[vmid];
}

/* VRM AbstractMachineSpec: get_pmd_next_spec */
u64 get_pmd_next(u32 vmid)
{
    if (am.halt)
        return 0;
    if (!am_is_vmid(vmid))
        am_stuck("get_pmd_next", "vmid out of range");
    if (!own_lock(vmid))
        am_stuck("get_pmd_next", "page-table lock not held");
    return am.pmd_next[vmid];
}

/* VRM AbstractMachineSpec: set_pgd_next_spec */
void set_pgd_next(u32 vmid, u64 next)
{
    if (am.halt)
        return;
    if (!am_is_vmid(vmid))
        am_stuck("set_pgd_next", "vmid out of range");
    if (!own_lock(vmid))
        am_stuck("set_pgd_next", "page-table lock not held");
    am.pgd_next[vmid] = next;
}

/* VRM AbstractMachineSpec: set_pud_next_spec */
void set_pud_next(u32 vmid, u64 next)
{
    if (am.halt)
        return;
    if (!am_is_vmid(vmid))
        am_stuck("set_pud_next", "vmid out of range");
    if (!own_lock(vmid))
        am_stuck("set_pud_next", "page-table lock not held");
    am.pud_next[vmid] = next;
}

/* VRM AbstractMachineSpec: set_pmd_next_spec */
void set_pmd_next(u32 vmid, u64 next)
{
    if (am.halt)
        return;
    if (!am_is_vmid(vmid))
        am_stuck("set_pmd_next", "vmid out of range");
    if (!own_lock(vmid))
        am_stuck("set_pmd_next", "page-table lock not held");
    am.pmd_next[vmid] = next;
}

/* The relies shared by pt_load and pt_store: vmid, the address inside the
 * VM's pool, the lock; and what real memory adds: an 8-byte aligned word. */
static void pool_access_relies(const char *prim, u32 vmid, u64 addr)
{
    if (!am_is_vmid(vmid))
        am_stuck(prim, "vmid out of range");
    if (addr < am_pool_start(vmid) || addr >= am_pool_end(vmid))
        am_stuck(prim, "address outside the VM's pool");
    if (!own_lock(vmid))
        am_stuck(prim, "page-table lock not held");
    if (addr % 8)
        am_stuck(prim, "unaligned pool address (real memory holds 8-byte words)");
}

/* VRM AbstractMachineSpec: pt_load_spec */
u64 pt_load(u32 vmid, u64 addr)
{
    if (am.halt)
        return 0;
    pool_access_relies("pt_load", vmid, addr);
    return am_pool_get(addr);
}

/* VRM AbstractMachineSpec: pt_store_spec */
void pt_store(u32 vmid, u64 addr, u64 value)
{
    if (am.halt)
        return;
    pool_access_relies("pt_store", vmid, addr);
    /* The vttbr and pgd pools take any value. */
    if (addr < am_pud_start(vmid)) {
        am_pool_set(addr, value);
        return;
    }
    /* A table entry in the pud pool is free; a leaf is the one leaf store
     * allowed between acquiring and releasing the lock (tstate 0 -> 1). */
    if (addr < am_pmd_start(vmid) && (value & PMD_TYPE_TABLE) == PMD_TYPE_TABLE) {
        am_pool_set(addr, value);
        return;
    }
    if (am.tstate != 0)
        am_stuck("pt_store", "second leaf store under one lock (tstate is 1)");
    am.tstate = 1;
    am_pool_set(addr, value);
}

/* VRM AbstractMachineSpec: get_pt_vttbr_spec */
u64 get_pt_vttbr(u32 vmid)
{
    if (am.halt)
        return 0;
    if (!am_is_vmid(vmid))
        am_stuck("get_pt_vttbr", "vmid out of range");
    return am_pool_start(vmid) | ((u64)vmid << VTTBR_VMID_SHIFT);
}

/* VRM AbstractMachineSpec: mem_load_raw_spec */
void mem_load_raw(u64 gfn, u32 reg)
{
    /* The spec leaves the state unchanged; the real machine moves a word of
     * flat memory into a register of the current vCPU. */
    vcpu_regs[reg % MAX_REGISTER_NUM] = flat_mem[gfn % FLAT_WORDS];
}

/* VRM AbstractMachineSpec: mem_store_raw_spec */
void mem_store_raw(u64 gfn, u32 reg)
{
    flat_mem[gfn % FLAT_WORDS] = vcpu_regs[reg % MAX_REGISTER_NUM];
}

/* ---- Locks primitives (one CPU: no other CPU adds events) ---- */

/* VRM LocksSpec: acquire_lock_pt_spec */
void acquire_lock_pt(u32 vmid)
{
    if (am.halt)
        return;
    if (!am_is_vmid(vmid))
        am_stuck("acquire_lock_pt", "vmid out of range");
    u32 id = EL2_NPT_ID + vmid;
    if (am.lock[id] != EL2_LockFalse)
        am_stuck("acquire_lock_pt", "lock already held");
    ticket_acquire(id);
    am.tstate = 0;
    am.lock[id] = EL2_LockOwnTrue;
}

/* VRM LocksSpec: release_lock_pt_spec */
void release_lock_pt(u32 vmid)
{
    if (am.halt)
        return;
    if (!am_is_vmid(vmid))
        am_stuck("release_lock_pt", "vmid out of range");
    u32 id = EL2_NPT_ID + vmid;
    if (am.lock[id] != EL2_LockOwnTrue)
        am_stuck("release_lock_pt", "lock not held");
    am.tstate = 1;
    am.lock[id] = EL2_LockFalse;
    ticket_release(id);
}

/* ---- locks taken by the primitives of the layers above Locks ---- */

void am_lock_take(const char *prim, u32 id)
{
    if (id >= EL2_ID_END)
        am_stuck(prim, "a lock id the machine does not have");
    if (am.lock[id] != EL2_LockFalse)
        am_stuck(prim, "lock already held");
    ticket_acquire(id);
    am.tstate = 0;
    am.lock[id] = EL2_LockOwnTrue;
}

void am_lock_give(const char *prim, u32 id)
{
    if (id >= EL2_ID_END || am.lock[id] != EL2_LockOwnTrue)
        am_stuck(prim, "lock not held");
    am.tstate = 1;
    am.lock[id] = EL2_LockFalse;
    ticket_release(id);
}
