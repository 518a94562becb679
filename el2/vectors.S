/* The EL2 exception vector table: every exception is unexpected in the core
 * (it never enables interrupts and never enters a guest), so each of the 16
 * entries switches to the exception stack and reports the syndrome, return
 * address and fault address over the UART, then exits through semihosting
 * with a failing code (el2_unexpected_exception). */

    .macro ventry kind
    .balign 0x80
    mov     x0, #\kind
    b       el2_vector_common
    .endm

    .section .text.vectors, "ax"
    .balign 0x800
    .global el2_vector_table
el2_vector_table:
    /* current EL with SP_EL0: synchronous, IRQ, FIQ, SError */
    ventry 0
    ventry 1
    ventry 2
    ventry 3
    /* current EL with SP_ELx */
    ventry 4
    ventry 5
    ventry 6
    ventry 7
    /* lower EL, AArch64 */
    ventry 8
    ventry 9
    ventry 10
    ventry 11
    /* lower EL, AArch32 */
    ventry 12
    ventry 13
    ventry 14
    ventry 15

el2_vector_common:
    /* A fresh stack: the fault may have been a stack overflow. */
    ldr     x1, =__exc_stack_top
    mov     sp, x1
    mrs     x1, esr_el2
    mrs     x2, elr_el2
    mrs     x3, far_el2
    mrs     x4, spsr_el2
    bl      el2_unexpected_exception
5:  wfi
    b       5b
