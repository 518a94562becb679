"""The constants and small helpers the generators of scripts/vecgen/ share
(gen.py for layers 0 and 4-8, gen_vcpu.py for layers 27-29): inputs only,
every expected value comes from the extracted Coq model."""

M64 = (1 << 64) - 1
U32 = (1 << 32) - 1

# ---- the VRM constants the inputs are drawn around (inputs only: every
# expected value comes from the extracted Coq model) ----
PAGE_SIZE = 4096
PT_POOL_START = 0x10000
PT_POOL_PER_VM = 0x2000000
PGD_OFFSET = 0x1000
PUD_OFFSET = 0x101000
PMD_OFFSET = 0x901000
KVM_ADDR_SPACE = 1 << 48
KVM_PFN_SPACE = 1 << 28
NPT_ID = 5
COREVISOR = 16
PAGE_GUEST = 1 << 57


def pool_start(vm):
    return PT_POOL_START + PT_POOL_PER_VM * vm


def pgd_start(vm):
    return pool_start(vm) + PGD_OFFSET


def pud_start(vm):
    return pool_start(vm) + PUD_OFFSET


def pmd_start(vm):
    return pool_start(vm) + PMD_OFFSET


def pool_end(vm):
    return PT_POOL_START + PT_POOL_PER_VM * (vm + 1)


def idx_addr(pgd, pud, pmd, pte, off=0):
    """An IPA with the given table indices (the inverse of *_index)."""
    return (pgd << 39) | (pud << 30) | (pmd << 21) | (pte << 12) | off


# ---- argument values ----
U64_EDGES = [0, 1, 2, 3, 4095, 4096, 0xFFFFFFFF, 1 << 32, (1 << 48) - 1, 1 << 48,
             (1 << 63) - 1, 1 << 63, M64 - 1, M64]
U32_EDGES = [0, 1, 2, 3, 0x7FFFFFFF, 0x80000000, U32 - 1, U32]
BAD_VMIDS = [17, 18, 31, 100, 0x7FFFFFFF, 0x80000000, U32]


def ev_ticket(cpu, tag, n=None):
    t = {"tag": tag}
    if n is not None:
        t["n"] = n
    return {"cpuid": cpu, "e": {"tag": "TTICKET", "ticket": t}}


def ev_pull(cpu, ident):
    return {"cpuid": cpu, "e": {"tag": "TSHARED", "shared": {"tag": "OPULL", "id": ident}}}

