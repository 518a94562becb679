/* The vector table of the EL2 core (written by el2/tools/vec2c.py at build
 * time), linked in as read-only data. */
    .section .rodata.el2_vectors, "a"
    .balign 8
    .global el2_vector_blob
    .global el2_vector_blob_end
el2_vector_blob:
    .incbin EL2_VECTOR_BLOB
    .balign 8
el2_vector_blob_end:
