/* Entry of the EL2 core. QEMU's virt board (virtualization=on, secure=off)
 * starts an ELF -kernel image at its entry point at EL2 with the MMU off.
 * The stub checks the exception level, installs the EL2 vectors, sets up the
 * stack, zeroes .bss and calls el2_main(current_el), which never returns. */

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    /* The stack first, so that even the wrong-level report can run C. */
    ldr     x1, =__stack_top
    mov     sp, x1

    /* Vectors before anything else can fault. */
    ldr     x1, =el2_vector_table
    mrs     x0, CurrentEL
    lsr     x0, x0, #2
    and     x0, x0, #3
    cmp     x0, #2
    b.ne    1f
    msr     vbar_el2, x1
    isb
1:
    /* .bss is zeroed word by word: the linker script keeps it 8-aligned. */
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
2:  cmp     x1, x2
    b.hs    3f
    str     xzr, [x1], #8
    b       2b
3:
    /* x0 still holds the current exception level. */
    bl      el2_main
4:  wfi
    b       4b
    .size _start, . - _start
